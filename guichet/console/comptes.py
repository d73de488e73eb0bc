"""Console accounts: created by a command, passwords hashed with scrypt (hashlib, OpenSSL).

``python -m guichet.console.comptes creer NOM [--role responsable|agent]`` asks
the password twice (or reads it from standard input with ``--stdin``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import hashlib
import hmac
import os
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import sqlalchemy as sa

from configuration.chemins import dossier_donnees
from connecteurs.base_sql import BaseSql, dialecte, url_base


class Role(str, Enum):
    """What an account may see: agents the queue, managers (responsable) the dashboard too."""

    RESPONSABLE = "responsable"
    AGENT = "agent"


ROLES = tuple(r.value for r in Role)
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
LONGUEUR_MIN = 12


@dataclass(frozen=True)
class Compte:
    identifiant: str
    role: Role


def _hacher(mot_de_passe: str, sel: bytes) -> bytes:
    return hashlib.scrypt(mot_de_passe.encode(), salt=sel, **SCRYPT)


class Comptes:
    """Accounts in GUICHET_GRC_BASE or their own SQLite file (readable by the console's user only)."""

    def __init__(self, url: str) -> None:
        octets = "BYTEA" if dialecte(url) == "postgresql" else "BLOB"
        self.base = BaseSql(url, "console accounts", f"CREATE TABLE IF NOT EXISTS comptes (identifiant TEXT PRIMARY KEY, "
                            f"sel {octets} NOT NULL, hachage {octets} NOT NULL, role TEXT NOT NULL, cree_le TEXT NOT NULL)")
        self.base.preparer()  # a SQLite file is created readable by its owner only (connecteurs/base_sql.py)

    def creer(self, identifiant: str, mot_de_passe: str, role: str) -> Compte:
        if not identifiant.isidentifier() and not identifiant.replace(".", "").replace("-", "").isalnum():
            raise ValueError("account names use letters, digits, '.', '-' and '_'")
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if len(mot_de_passe) < LONGUEUR_MIN:
            raise ValueError(f"the password must have at least {LONGUEUR_MIN} characters")
        sel = secrets.token_bytes(16)
        try:
            with self.base.ecrire() as c:
                c.execute(sa.text("INSERT INTO comptes (identifiant, sel, hachage, role, cree_le) VALUES (:i, :s, :h, :r, :t)"),
                          {"i": identifiant, "s": sel, "h": _hacher(mot_de_passe, sel), "r": role,
                           "t": dt.datetime.now(dt.timezone.utc).isoformat()})
        except sa.exc.IntegrityError:
            raise ValueError(f"account {identifiant!r} already exists") from None
        return Compte(identifiant, Role(role))

    def supprimer(self, identifiant: str) -> bool:
        """Delete the account (its open sessions end at their next request); False if there was none."""
        with self.base.ecrire() as c:
            return bool(c.execute(sa.text("DELETE FROM comptes WHERE identifiant = :i"), {"i": identifiant}).rowcount)

    def changer_role(self, identifiant: str, role: str) -> bool:
        """Change the role (open sessions end: the new rights start at the next sign-in); False if no such account."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        with self.base.ecrire() as c:
            return bool(c.execute(sa.text("UPDATE comptes SET role = :r WHERE identifiant = :i"),
                                  {"i": identifiant, "r": role}).rowcount)

    def verifier(self, identifiant: str, mot_de_passe: str) -> Compte | None:
        with self.base.lire() as c:
            ligne = c.execute(sa.text("SELECT sel, hachage, role FROM comptes WHERE identifiant = :i"), {"i": identifiant}).first()
        if ligne is None:
            _hacher(mot_de_passe, b"\0" * 16)  # same cost whether the account exists or not
            return None
        sel, hachage, role = bytes(ligne[0]), bytes(ligne[1]), ligne[2]  # psycopg2 gives memoryviews
        return Compte(identifiant, Role(role)) if hmac.compare_digest(_hacher(mot_de_passe, sel), hachage) else None


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="guichet-comptes", description="Create console accounts.")
    sous = p.add_subparsers(dest="commande", required=True)
    c = sous.add_parser("creer", help="create an account")
    c.add_argument("identifiant")
    c.add_argument("--role", choices=ROLES, default="agent")
    c.add_argument("--stdin", action="store_true", help="read the password from standard input")
    s = sous.add_parser("supprimer", help="delete an account (its sessions end at once)")
    s.add_argument("identifiant")
    r = sous.add_parser("role", help="change an account's role (its sessions end at once)")
    r.add_argument("identifiant")
    r.add_argument("role", choices=ROLES)
    args = p.parse_args(argv)
    comptes = Comptes(url_base(os.environ, dossier_donnees(os.environ), "comptes.sqlite3"))
    if args.commande in ("supprimer", "role"):
        fait = comptes.supprimer(args.identifiant) if args.commande == "supprimer" else comptes.changer_role(args.identifiant, args.role)
        if not fait:
            print(f"error: no account {args.identifiant!r}", file=sys.stderr)
            return 2
        print(f"account {args.identifiant} {'deleted' if args.commande == 'supprimer' else 'now ' + args.role}; its sessions are ended")
        return 0
    if args.stdin:
        mot_de_passe = sys.stdin.readline().rstrip("\n")
    else:
        mot_de_passe = getpass.getpass("password: ")
        if getpass.getpass("again: ") != mot_de_passe:
            print("error: the two passwords differ", file=sys.stderr)
            return 2
    try:
        comptes.creer(args.identifiant, mot_de_passe, args.role)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"account {args.identifiant} ({args.role}) created")
    return 0


if __name__ == "__main__":
    sys.exit(main())
