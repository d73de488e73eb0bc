"""Console sessions: random tokens in an HttpOnly cookie, expiring after inactivity.

Kept in the accounts' database (SQLite, or PostgreSQL with GUICHET_GRC_BASE), so
that every console process behind a balancer knows them and a restart signs
nobody out. Only the SHA-256 of a token is stored: a copy of the database opens
no session. Each request slides the expiry in one statement.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Callable

import sqlalchemy as sa

from connecteurs.base_sql import BaseSql
from guichet.console.comptes import Compte

SCHEMA = """CREATE TABLE IF NOT EXISTS sessions_console (
    empreinte TEXT PRIMARY KEY, identifiant TEXT NOT NULL, role TEXT NOT NULL, expire DOUBLE PRECISION NOT NULL)"""


def _empreinte(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


class Sessions:
    def __init__(self, url: str, duree_s: float = 30 * 60, horloge: Callable[[], float] = time.time) -> None:
        self.duree_s, self._horloge = duree_s, horloge
        self.base = BaseSql(url, "console sessions", SCHEMA)

    async def ouvrir(self, compte: Compte) -> str:
        jeton, maintenant = secrets.token_urlsafe(32), self._horloge()

        def ecrire() -> None:
            with self.base.ecrire() as c:
                c.execute(sa.text("DELETE FROM sessions_console WHERE expire < :t"), {"t": maintenant})  # the expired ones
                c.execute(sa.text("INSERT INTO sessions_console (empreinte, identifiant, role, expire) VALUES (:e, :i, :r, :x)"),
                          {"e": _empreinte(jeton), "i": compte.identifiant, "r": compte.role, "x": maintenant + self.duree_s})

        await self.base.executer(ecrire)
        return jeton

    async def compte(self, jeton: str | None) -> Compte | None:
        if not jeton:
            return None
        maintenant = self._horloge()

        def prolonger() -> Compte | None:
            with self.base.ecrire() as c:  # sliding expiry: a live session is extended, an expired one is not
                ligne = c.execute(sa.text(
                    "UPDATE sessions_console SET expire = :x WHERE empreinte = :e AND expire >= :t RETURNING identifiant, role"
                ), {"x": maintenant + self.duree_s, "e": _empreinte(jeton), "t": maintenant}).first()
            return None if ligne is None else Compte(ligne[0], ligne[1])

        return await self.base.executer(prolonger)

    async def fermer(self, jeton: str | None) -> None:
        if not jeton:
            return

        def effacer() -> None:
            with self.base.ecrire() as c:
                c.execute(sa.text("DELETE FROM sessions_console WHERE empreinte = :e"), {"e": _empreinte(jeton)})

        await self.base.executer(effacer)
