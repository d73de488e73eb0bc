"""Steering figures for a period, as JSON or CSV: ``python -m guichet.pilotage --du 2026-11-01 --au 2026-11-30 [--csv]``.

Reads the tracker store named by the servers' environment (GUICHET_TRACKER_*).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy.exc

from configuration.chemins import RACINE
from connecteurs.adresses_bases import AdressesBases
from guichet.construction.libelles import libelles
from guichet.pilotage.export_csv import en_csv
from guichet.pilotage.indicateurs import calculer
from guichet.pilotage.lecture import lire_evenements


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="guichet-pilotage", description="Steering figures from the conversation store.")
    p.add_argument("--du", type=dt.date.fromisoformat, required=True, help="first day (YYYY-MM-DD)")
    p.add_argument("--au", type=dt.date.fromisoformat, required=True, help="last day, included")
    p.add_argument("--fuseau", default="Europe/Paris")
    p.add_argument("--csv", action="store_true", help="CSV instead of JSON")
    args = p.parse_args(argv)
    if args.au < args.du:
        print("error: --au is before --du", file=sys.stderr)
        return 2
    try:
        evenements = lire_evenements(AdressesBases.depuis_env().url_conversations, args.du, args.au)
    except sqlalchemy.exc.SQLAlchemyError as exc:
        print(f"error: the conversation store cannot be read: {exc.__class__.__name__}", file=sys.stderr)
        return 2
    indicateurs = calculer(evenements, args.du, args.au, ZoneInfo(args.fuseau))
    if args.csv:
        sys.stdout.write(en_csv(indicateurs, libelles(RACINE / "bot" / "domain")))
    else:
        print(json.dumps(dataclasses.asdict(indicateurs), ensure_ascii=False, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
