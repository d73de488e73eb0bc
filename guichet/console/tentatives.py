"""Failed sign-ins per account name within a window, in the accounts' database, so that
the limit holds across console processes (and restarts). Only the name and the time of
each failure are kept, never the password tried."""

from __future__ import annotations

import time
from typing import Callable

import sqlalchemy as sa

from connecteurs.base_sql import BaseSql

SCHEMA = """CREATE TABLE IF NOT EXISTS echecs_connexion (identifiant TEXT NOT NULL, instant DOUBLE PRECISION NOT NULL);
CREATE INDEX IF NOT EXISTS echecs_connexion_identifiant ON echecs_connexion (identifiant, instant)"""


class Tentatives:
    def __init__(self, url: str, essais_max: int = 5, fenetre_s: float = 15 * 60, horloge: Callable[[], float] = time.time) -> None:
        self.essais_max, self.fenetre_s, self._horloge = essais_max, fenetre_s, horloge
        self.base = BaseSql(url, "console sign-in attempts", SCHEMA)

    async def bloque(self, identifiant: str) -> bool:
        """Too many failures for this name in the window (old ones are forgotten as they go)."""
        maintenant = self._horloge()

        def compter() -> int:
            with self.base.ecrire() as c:
                c.execute(sa.text("DELETE FROM echecs_connexion WHERE instant < :t"), {"t": maintenant - self.fenetre_s})
                return int(c.execute(sa.text("SELECT count(*) FROM echecs_connexion WHERE identifiant = :i"),
                                     {"i": identifiant}).scalar_one())

        return await self.base.executer(compter) >= self.essais_max

    async def echec(self, identifiant: str) -> None:
        maintenant = self._horloge()

        def noter() -> None:
            with self.base.ecrire() as c:
                c.execute(sa.text("INSERT INTO echecs_connexion (identifiant, instant) VALUES (:i, :t)"), {"i": identifiant, "t": maintenant})

        await self.base.executer(noter)

    async def reussite(self, identifiant: str) -> None:
        def effacer() -> None:
            with self.base.ecrire() as c:
                c.execute(sa.text("DELETE FROM echecs_connexion WHERE identifiant = :i"), {"i": identifiant})

        await self.base.executer(effacer)
