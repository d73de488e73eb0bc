"""Console sessions: random tokens in an HttpOnly cookie, expiring after inactivity and after an absolute lifetime.

Kept in the accounts' database (SQLite, or PostgreSQL with GUICHET_GRC_BASE), so
that every console process behind a balancer knows them and a restart signs
nobody out. Only the SHA-256 of a token is stored: a copy of the database opens
no session. Each request slides the expiry in one statement, which also ends the
session when its account was deleted, disabled, given a new password or role since sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable

import sqlalchemy as sa

from connecteurs.base_sql import BaseSql
from guichet.console.comptes import Compte, Role

SCHEMA = """CREATE TABLE IF NOT EXISTS sessions_console (
    empreinte TEXT PRIMARY KEY, identifiant TEXT NOT NULL, role TEXT NOT NULL, expire DOUBLE PRECISION NOT NULL,
    ouverte DOUBLE PRECISION)"""


def _colonne_ouverte(c: sa.engine.Connection) -> None:
    """A sessions table of an earlier version gets the sign-in time column (its sessions then end: no time known)."""
    inspecteur = sa.inspect(c)
    if inspecteur.has_table("sessions_console") and "ouverte" not in {col["name"] for col in inspecteur.get_columns("sessions_console")}:
        c.execute(sa.text("ALTER TABLE sessions_console ADD COLUMN ouverte DOUBLE PRECISION"))


def _empreinte(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


class Sessions:
    def __init__(self, url: str, duree_s: float = 30 * 60, horloge: Callable[[], float] = time.time,
                 duree_max_s: float = 12 * 3600) -> None:
        self.duree_s, self.duree_max_s, self._horloge = duree_s, duree_max_s, horloge
        self.base = BaseSql(url, "console sessions", SCHEMA, avant_schema=_colonne_ouverte)

    async def ouvrir(self, compte: Compte) -> str:
        jeton, maintenant = secrets.token_urlsafe(32), self._horloge()

        def ecrire() -> None:
            with self.base.ecrire() as c:
                c.execute(sa.text("DELETE FROM sessions_console WHERE expire < :t"), {"t": maintenant})  # the expired ones
                c.execute(sa.text("INSERT INTO sessions_console (empreinte, identifiant, role, expire, ouverte) "
                                  "VALUES (:e, :i, :r, :x, :o)"),
                          {"e": _empreinte(jeton), "i": compte.identifiant, "r": compte.role, "x": maintenant + self.duree_s,
                           "o": maintenant})

        await self.base.executer(ecrire)
        return jeton

    async def compte(self, jeton: str | None) -> Compte | None:
        if not jeton:
            return None
        maintenant = self._horloge()

        def prolonger() -> Compte | None:
            with self.base.ecrire() as c:  # sliding expiry: a live session is extended, an expired one is not
                ligne = c.execute(sa.text(
                    "UPDATE sessions_console SET expire = :x WHERE empreinte = :e AND expire >= :t AND ouverte >= :debut "
                    "AND EXISTS (SELECT 1 FROM comptes WHERE comptes.identifiant = sessions_console.identifiant "
                    "AND comptes.role = sessions_console.role AND comptes.actif = 1 "
                    "AND comptes.sessions_depuis <= sessions_console.ouverte) RETURNING identifiant, role"
                ), {"x": maintenant + self.duree_s, "e": _empreinte(jeton), "t": maintenant,
                    "debut": maintenant - self.duree_max_s}).first()
            return None if ligne is None else Compte(ligne[0], Role(ligne[1]))

        return await self.base.executer(prolonger)

    async def fermer(self, jeton: str | None) -> None:
        if not jeton:
            return

        def effacer() -> None:
            with self.base.ecrire() as c:
                c.execute(sa.text("DELETE FROM sessions_console WHERE empreinte = :e"), {"e": _empreinte(jeton)})

        await self.base.executer(effacer)
