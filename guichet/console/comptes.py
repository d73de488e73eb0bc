"""Console accounts: created, listed, disabled, re-enabled, given a new password or role by a command.

Passwords are hashed with Argon2id (``argon2-cffi``, RFC 9106 parameters), the parameters stored
in the hash itself; a hash made with older parameters, or with the scrypt of earlier versions, is
replaced at the account's next sign-in. Disabling an account, resetting its password or changing
its role ends its open sessions at their next request (``sessions_depuis``).

``python -m guichet.console.comptes creer NOM [--role responsable|agent]`` asks the password twice
(or reads it from standard input with ``--stdin``); ``lister``, ``desactiver``, ``reactiver``,
``mot-de-passe``, ``role``, ``supprimer``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import hashlib
import hmac
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from configuration.chemins import dossier_donnees
from connecteurs.base_sql import BaseSql, dialecte, url_base


class Role(str, Enum):
    """What an account may see: agents the queue, managers (responsable) the dashboard too."""

    RESPONSABLE = "responsable"
    AGENT = "agent"


ROLES = tuple(r.value for r in Role)
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}  # earlier versions' hashes, still read until replaced
LONGUEUR_MIN = 12
ARGON2 = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile: t=3, m=64 MiB, p=4
_LEURRE = ARGON2.hash("compte inexistant, même coût")


@dataclass(frozen=True)
class Compte:
    identifiant: str
    role: Role


@dataclass(frozen=True)
class EtatCompte:
    """An account as `lister` shows it (never its hash)."""

    identifiant: str
    role: Role
    actif: bool
    cree_le: str
    hachage: str  # "argon2id" or "scrypt" (replaced at the next sign-in)


def _scrypt(mot_de_passe: str, sel: bytes) -> bytes:
    return hashlib.scrypt(mot_de_passe.encode(), salt=sel, **SCRYPT)


def _colonnes(c: sa.engine.Connection) -> None:
    """A table of an earlier version gets the columns of this one (its scrypt hashes stay until the next sign-in)."""
    inspecteur = sa.inspect(c)
    if not inspecteur.has_table("comptes"):
        return
    presentes = {col["name"] for col in inspecteur.get_columns("comptes")}
    for nom, definition in (("mot_de_passe", "TEXT"), ("actif", "INTEGER NOT NULL DEFAULT 1"),
                            ("sessions_depuis", "DOUBLE PRECISION NOT NULL DEFAULT 0")):
        if nom not in presentes:
            c.execute(sa.text(f"ALTER TABLE comptes ADD COLUMN {nom} {definition}"))


def _verifier_nouveau(mot_de_passe: str) -> None:
    if len(mot_de_passe) < LONGUEUR_MIN:
        raise ValueError(f"the password must have at least {LONGUEUR_MIN} characters")


class Comptes:
    """Accounts in GUICHET_GRC_BASE or their own SQLite file (readable by the console's user only)."""

    def __init__(self, url: str, horloge: Callable[[], float] = time.time) -> None:
        self._horloge = horloge  # the sessions' clock (guichet/console/sessions.py): sessions opened before a change end
        octets = "BYTEA" if dialecte(url) == "postgresql" else "BLOB"
        self.base = BaseSql(url, "console accounts", f"CREATE TABLE IF NOT EXISTS comptes (identifiant TEXT PRIMARY KEY, "
                            f"sel {octets} NOT NULL, hachage {octets} NOT NULL, role TEXT NOT NULL, cree_le TEXT NOT NULL, "
                            f"mot_de_passe TEXT, actif INTEGER NOT NULL DEFAULT 1, "
                            f"sessions_depuis DOUBLE PRECISION NOT NULL DEFAULT 0)", avant_schema=_colonnes)
        self.base.preparer()  # a SQLite file is created readable by its owner only (connecteurs/base_sql.py)

    def creer(self, identifiant: str, mot_de_passe: str, role: str) -> Compte:
        if not identifiant.isidentifier() and not identifiant.replace(".", "").replace("-", "").isalnum():
            raise ValueError("account names use letters, digits, '.', '-' and '_'")
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        _verifier_nouveau(mot_de_passe)
        try:
            with self.base.ecrire() as c:
                c.execute(sa.text("INSERT INTO comptes (identifiant, sel, hachage, mot_de_passe, role, cree_le, actif, "
                                  "sessions_depuis) VALUES (:i, :vide, :vide, :m, :r, :t, 1, 0)"),
                          {"i": identifiant, "vide": b"", "m": ARGON2.hash(mot_de_passe), "r": role,
                           "t": dt.datetime.now(dt.timezone.utc).isoformat()})
        except sa.exc.IntegrityError:
            raise ValueError(f"account {identifiant!r} already exists") from None
        return Compte(identifiant, Role(role))

    def lister(self) -> list[EtatCompte]:
        with self.base.lire() as c:
            lignes = c.execute(sa.text("SELECT identifiant, role, actif, cree_le, mot_de_passe FROM comptes "
                                       "ORDER BY identifiant")).all()
        return [EtatCompte(i, Role(r), bool(a), cree, "argon2id" if m else "scrypt") for i, r, a, cree, m in lignes]

    def _modifier(self, identifiant: str, affectations: str, valeurs: dict[str, object]) -> bool:
        """One UPDATE that also ends the account's open sessions; False if there is no such account."""
        with self.base.ecrire() as c:
            return bool(c.execute(sa.text(f"UPDATE comptes SET {affectations}, sessions_depuis = :maintenant "
                                          "WHERE identifiant = :i"),
                                  {**valeurs, "i": identifiant, "maintenant": self._horloge()}).rowcount)

    def supprimer(self, identifiant: str) -> bool:
        """Delete the account (its open sessions end at their next request); False if there was none."""
        with self.base.ecrire() as c:
            return bool(c.execute(sa.text("DELETE FROM comptes WHERE identifiant = :i"), {"i": identifiant}).rowcount)

    def changer_role(self, identifiant: str, role: str) -> bool:
        """Change the role (open sessions end: the new rights start at the next sign-in); False if no such account."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        return self._modifier(identifiant, "role = :r", {"r": role})

    def desactiver(self, identifiant: str) -> bool:
        """No more sign-in, and the open sessions end at their next request; False if no such account."""
        return self._modifier(identifiant, "actif = 0", {})

    def reactiver(self, identifiant: str) -> bool:
        return self._modifier(identifiant, "actif = 1", {})

    def changer_mot_de_passe(self, identifiant: str, mot_de_passe: str) -> bool:
        """A new password (an administrator's reset); the open sessions end. False if no such account."""
        _verifier_nouveau(mot_de_passe)
        return self._modifier(identifiant, "mot_de_passe = :m, sel = :vide, hachage = :vide",
                              {"m": ARGON2.hash(mot_de_passe), "vide": b""})

    def verifier(self, identifiant: str, mot_de_passe: str) -> Compte | None:
        """The account if the password is right and the account enabled. A hash of older parameters (or scrypt)
        is replaced by a current one now that the password is known."""
        with self.base.lire() as c:
            ligne = c.execute(sa.text("SELECT sel, hachage, mot_de_passe, role, actif FROM comptes WHERE identifiant = :i"),
                              {"i": identifiant}).first()
        if ligne is None:
            _verifier_argon2(_LEURRE, mot_de_passe)  # same cost whether the account exists or not
            return None
        sel, hachage, encode, role, actif = bytes(ligne[0]), bytes(ligne[1]), ligne[2], ligne[3], bool(ligne[4])
        if encode:
            juste = _verifier_argon2(encode, mot_de_passe)
            a_refaire = juste and ARGON2.check_needs_rehash(encode)
        else:  # scrypt, from an earlier version
            juste = hmac.compare_digest(_scrypt(mot_de_passe, sel), hachage)
            a_refaire = juste
        if not juste or not actif:
            return None
        if a_refaire:
            with self.base.ecrire() as c:
                c.execute(sa.text("UPDATE comptes SET mot_de_passe = :m, sel = :vide, hachage = :vide WHERE identifiant = :i"),
                          {"m": ARGON2.hash(mot_de_passe), "vide": b"", "i": identifiant})
        return Compte(identifiant, Role(role))


def _verifier_argon2(encode: str, mot_de_passe: str) -> bool:
    try:
        return ARGON2.verify(encode, mot_de_passe)
    except (VerificationError, InvalidHashError):
        return False


def _lire_mot_de_passe(stdin: bool) -> str | None:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    mot_de_passe = getpass.getpass("password: ")
    if getpass.getpass("again: ") != mot_de_passe:
        print("error: the two passwords differ", file=sys.stderr)
        return None
    return mot_de_passe


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="guichet-comptes", description="Manage the console's accounts.")
    sous = p.add_subparsers(dest="commande", required=True)
    c = sous.add_parser("creer", help="create an account")
    c.add_argument("identifiant")
    c.add_argument("--role", choices=ROLES, default="agent")
    c.add_argument("--stdin", action="store_true", help="read the password from standard input")
    sous.add_parser("lister", help="list the accounts: name, role, enabled, created, hash kind")
    for nom, aide in (("desactiver", "disable an account (no sign-in; its sessions end at once)"),
                      ("reactiver", "enable a disabled account again"),
                      ("supprimer", "delete an account (its sessions end at once)")):
        sous.add_parser(nom, help=aide).add_argument("identifiant")
    m = sous.add_parser("mot-de-passe", help="give an account a new password (its sessions end at once)")
    m.add_argument("identifiant")
    m.add_argument("--stdin", action="store_true", help="read the password from standard input")
    r = sous.add_parser("role", help="change an account's role (its sessions end at once)")
    r.add_argument("identifiant")
    r.add_argument("role", choices=ROLES)
    args = p.parse_args(argv)
    comptes = Comptes(url_base(os.environ, dossier_donnees(os.environ), "comptes.sqlite3"))
    if args.commande == "lister":
        print(f"{'account':<24} {'role':<12} {'enabled':<8} {'created':<26} hash")
        for e in comptes.lister():
            print(f"{e.identifiant:<24} {e.role.value:<12} {'yes' if e.actif else 'no':<8} {e.cree_le:<26} {e.hachage}")
        return 0
    if args.commande in ("creer", "mot-de-passe"):
        mot_de_passe = _lire_mot_de_passe(args.stdin)
        if mot_de_passe is None:
            return 2
        try:
            if args.commande == "creer":
                comptes.creer(args.identifiant, mot_de_passe, args.role)
                print(f"account {args.identifiant} ({args.role}) created")
                return 0
            fait = comptes.changer_mot_de_passe(args.identifiant, mot_de_passe)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    elif args.commande == "role":
        fait = comptes.changer_role(args.identifiant, args.role)
    else:
        fait = {"desactiver": comptes.desactiver, "reactiver": comptes.reactiver,
                "supprimer": comptes.supprimer}[args.commande](args.identifiant)
    if not fait:
        print(f"error: no account {args.identifiant!r}", file=sys.stderr)
        return 2
    effet = {"mot-de-passe": "has a new password", "role": f"now {getattr(args, 'role', '')}", "desactiver": "disabled",
             "reactiver": "enabled", "supprimer": "deleted"}[args.commande]
    print(f"account {args.identifiant} {effet}" + ("" if args.commande == "reactiver" else "; its sessions are ended"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
