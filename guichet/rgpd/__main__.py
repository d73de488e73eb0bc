"""Personal-data operations on the stores the assistant uses (read from the same environment).

  python -m guichet.rgpd purge [--days 90] [--escalation-days 365]
  python -m guichet.rgpd export (--sender ID | --case NUMBER) [--output FILE]
  python -m guichet.rgpd erase (--sender ID | --case NUMBER) --yes

Every command appends a line to $GUICHET_DONNEES/audit_rgpd.jsonl (who, when,
what, counts). Exit codes: 0 done, 2 bad arguments or unreachable store.
Schedule the purge daily, e.g. cron: ``17 3 * * * cd /opt/guichet && make rgpd ARGS=purge``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy.exc

from configuration.erreurs import ErreurConfiguration
from connecteurs.adresses_bases import AdressesBases
from guichet.rgpd.audit import auditer
from guichet.rgpd.conservation import Conservation, purger
from guichet.rgpd.droits import Cible, effacer, exporter


def _analyseur() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="guichet-rgpd", description="Retention purge and data-subject rights for Guichet's stores.")
    p.add_argument("--operator", help="name recorded in the audit trail (default: the OS user)")
    sous = p.add_subparsers(dest="commande", required=True)
    purge = sous.add_parser("purge", help="delete conversations and hand-over records older than their retention period")
    purge.add_argument("--days", type=int, default=int(os.environ.get("GUICHET_CONSERVATION_JOURS", "90")),
                       help="conversation retention in days (GUICHET_CONSERVATION_JOURS, default 90)")
    purge.add_argument("--escalation-days", type=int, default=int(os.environ.get("GUICHET_CONSERVATION_ESCALADES_JOURS", "365")),
                       help="hand-over record retention in days (GUICHET_CONSERVATION_ESCALADES_JOURS, default 365)")
    for nom, aide in (("export", "export everything held about a conversation or a case"), ("erase", "erase it")):
        c = sous.add_parser(nom, help=aide)
        qui = c.add_mutually_exclusive_group(required=True)
        qui.add_argument("--sender", help="conversation (Rasa sender id)")
        qui.add_argument("--case", help="8-digit case number: every conversation about it")
        if nom == "export":
            c.add_argument("--output", type=Path, help="write the export there (default: standard output)")
        else:
            c.add_argument("--yes", action="store_true", help="confirm the erasure (required)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _analyseur().parse_args(argv)
    try:
        stockage = AdressesBases.depuis_env()
        if args.commande == "purge":
            resultat = purger(stockage, Conservation(args.days, args.escalation_days))
            auditer(stockage.journal_audit, "purge", {"jours": args.days, "jours_escalades": args.escalation_days}, resultat, args.operator)
            print(f"purged {resultat['conversations']} conversations ({resultat['evenements']} events) and {resultat['escalades']} hand-over records")
            return 0
        cible = Cible(sender_id=args.sender, numero_dossier=args.case)
        if args.commande == "export":
            export = exporter(stockage, cible)
            texte = json.dumps(export, ensure_ascii=False, indent=2, default=str)
            if args.output:
                descripteur = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(descripteur, "w", encoding="utf-8") as f:
                    f.write(texte)
            else:
                print(texte)
            auditer(stockage.journal_audit, "export", cible.en_dict(), {"conversations": len(export["conversations"])}, args.operator)
            return 0
        if not args.yes:
            print("error: erasure is irreversible; add --yes to confirm", file=sys.stderr)
            return 2
        resultat = effacer(stockage, cible)
        auditer(stockage.journal_audit, "erase", cible.en_dict(), resultat, args.operator)
        print("erased: " + ", ".join(f"{k} {v}" for k, v in resultat.items()))
        return 0
    except (ValueError, ErreurConfiguration) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except sqlalchemy.exc.SQLAlchemyError as exc:
        print(f"error: the conversation store cannot be reached: {exc.__class__.__name__}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
