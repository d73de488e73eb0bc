"""Copy Guichet's own records from the embedded SQLite files to one database (PostgreSQL), when switching
to the production set-up: ``python -m guichet.copie_base --vers postgresql://user:password@host/guichet``.

Reads ``$GUICHET_DONNEES`` (grc.sqlite3, essais_identite.sqlite3, chatwoot.sqlite3,
comptes.sqlite3; the absent ones are skipped), creates or migrates the schema in
the target, refuses a target that already holds records (nothing is merged or
overwritten), copies every row in one transaction (all or nothing) with its
identifiers (report and complaint numbers stay valid; PostgreSQL's counters
continue after them) and prints the number of rows per table. Sessions and
sign-in failures are not copied (agents sign in again). Then set
``GUICHET_GRC_BASE`` to the same URL and restart the servers.
Exit codes: 0 copied, 2 bad arguments, unreachable database or non-empty target.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from configuration.chemins import dossier_donnees
from connecteurs.base_sql import BaseSql, dialecte
from connecteurs.chatwoot import LiensChatwoot
from connecteurs.erreurs import ConnecteurIndisponible
from connecteurs.essais_identite import SCHEMA as SCHEMA_ESSAIS
from connecteurs.grc_embarquee.schema import migrer
from guichet.console.comptes import Comptes


@dataclass(frozen=True)
class Source:
    fichier: str
    tables: tuple[str, ...]  # in an order that respects the foreign keys


SOURCES = (
    Source("grc.sqlite3", ("dossiers", "verrous_identite", "signalements", "abonnements", "reclamations", "escalades", "satisfactions")),
    Source("essais_identite.sqlite3", ("essais_identite", "essais_identite_sources")),
    Source("chatwoot.sqlite3", ("liens_chatwoot",)),
    Source("comptes.sqlite3", ("comptes",)),
)
AVEC_COMPTEUR = ("signalements", "abonnements", "reclamations", "satisfactions")  # integer ids numbered by the database


class CopieImpossible(Exception):
    """The copy cannot start or did not complete; the message says why (no data was written)."""


def _preparer(url: str, dossier: Path) -> None:
    """Create or migrate every store's tables (the source files too: an older GRC file gets the current columns)."""
    grc_source, liens_source, essais_source = dossier / "grc.sqlite3", dossier / "chatwoot.sqlite3", dossier / "essais_identite.sqlite3"
    for url_grc in [url, *([f"sqlite:///{grc_source}"] if grc_source.exists() else [])]:
        base = BaseSql(url_grc, "embedded GRC database")
        try:
            migrer(base)
        finally:
            base.fermer()
    autres = [BaseSql(url, "identity-check attempts", SCHEMA_ESSAIS), LiensChatwoot(url).base, Comptes(url).base,
              *([LiensChatwoot(f"sqlite:///{liens_source}").base] if liens_source.exists() else []),  # a first-version table gets its name
              *([BaseSql(f"sqlite:///{essais_source}", "identity-check attempts", SCHEMA_ESSAIS)] if essais_source.exists() else [])]
    for base in autres:
        try:
            base.preparer()
        finally:
            base.fermer()


def copier(dossier: Path, url: str) -> dict[str, int]:
    """Copy the SQLite files of ``dossier`` into the database at ``url``; rows per table."""
    if not any((dossier / s.fichier).exists() for s in SOURCES):
        raise CopieImpossible(f"no Guichet database in {dossier} (grc.sqlite3, comptes.sqlite3…): nothing to copy")
    _preparer(url, dossier)
    cible = BaseSql(url, "target database")
    copies: dict[str, int] = {}
    try:
        with cible.ecrire() as c:
            for source in SOURCES:
                for table in source.tables:
                    if c.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one():  # noqa: S608 (fixed names)
                        raise CopieImpossible(f"the target already holds rows in {table}: nothing was copied")
            for source in SOURCES:
                if not (dossier / source.fichier).exists():
                    continue
                origine = BaseSql(f"sqlite:///{dossier / source.fichier}", source.fichier)
                try:
                    for table in source.tables:
                        copies[table] = _copier_table(origine, c, table)
                finally:
                    origine.fermer()
            if cible.postgresql:
                for table in AVEC_COMPTEUR:
                    c.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"  # noqa: S608
                    ))
    finally:
        cible.fermer()
    return copies


def _copier_table(origine: BaseSql, c: sa.engine.Connection, table: str) -> int:
    if not origine.a_la_table(table):
        return 0
    colonnes_cible = {col["name"] for col in sa.inspect(c).get_columns(table)}
    with origine.lire() as o:
        lignes = [dict(ligne) for ligne in o.execute(sa.text(f"SELECT * FROM {table}")).mappings()]  # noqa: S608
    if not lignes:
        return 0
    colonnes = [nom for nom in lignes[0] if nom in colonnes_cible]
    c.execute(sa.text(f"INSERT INTO {table} ({', '.join(colonnes)}) VALUES ({', '.join(':' + n for n in colonnes)})"),  # noqa: S608
              [{n: ligne[n] for n in colonnes} for ligne in lignes])
    return len(lignes)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="guichet-copie-base", description="Copy the embedded SQLite records to PostgreSQL.")
    p.add_argument("--vers", required=True, metavar="URL", help="target database (the future GUICHET_GRC_BASE)")
    p.add_argument("--donnees", type=Path, default=dossier_donnees(os.environ),
                   help="folder of the SQLite files (default: GUICHET_DONNEES)")
    args = p.parse_args(argv)
    try:
        dialecte(args.vers)
        copies = copier(args.donnees, args.vers)
    except (ValueError, CopieImpossible, ConnecteurIndisponible) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for table, nombre in copies.items():
        print(f"{table}: {nombre} rows")
    print("copied: set GUICHET_GRC_BASE to the target URL and restart the servers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
