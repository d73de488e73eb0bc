"""Requests a source may make per window (escalations, callbacks): shared by processes (SQLite or PostgreSQL).

Anyone can open a conversation; without a limit, one script could fill the agents'
queue with escalations and callback requests (one per new conversation id). A
source is the channel's client-address key (serveur_rasa/source_client.py), or
the conversation. Fixed windows; only the key, the kind, the window start and a
count are stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa

from connecteurs.base_sql import BaseSql, dialecte

SCHEMA = """
CREATE TABLE IF NOT EXISTS quotas_demandes (
    cle TEXT NOT NULL,
    genre TEXT NOT NULL,
    debut TEXT NOT NULL,
    nombre INTEGER NOT NULL,
    PRIMARY KEY (cle, genre)
)
"""


@dataclass(frozen=True)
class ConfigQuotas:
    url: str
    fenetre: dt.timedelta = dt.timedelta(hours=1)
    limites: Mapping[str, int] = field(default_factory=lambda: {"escalade": 5, "rappel": 3})

    def __post_init__(self) -> None:
        dialecte(self.url)
        if self.fenetre <= dt.timedelta(0) or any(n < 1 for n in self.limites.values()):
            raise ValueError("the window must be positive and every limit at least 1")


def _maintenant() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class QuotasDemandes:
    def __init__(self, config: ConfigQuotas, horloge: Callable[[], dt.datetime] = _maintenant) -> None:
        self.config, self._horloge = config, horloge
        self.base = BaseSql(config.url, "request quotas", SCHEMA)

    async def prendre(self, genre: str, cle: str) -> bool:
        """Count one request of this kind from this source; False when its quota for the window is used up."""
        limite = self.config.limites[genre]
        maintenant = self._horloge()

        def prendre() -> bool:
            with self.base.ecrire() as c:
                c.execute(sa.text("INSERT INTO quotas_demandes (cle, genre, debut, nombre) VALUES (:c, :g, :d, 0) "
                                  "ON CONFLICT (cle, genre) DO NOTHING"), {"c": cle, "g": genre, "d": maintenant.isoformat()})
                debut, nombre = c.execute(sa.text(
                    "SELECT debut, nombre FROM quotas_demandes WHERE cle = :c AND genre = :g" + self.base.pour_maj()
                ), {"c": cle, "g": genre}).one()
                if dt.datetime.fromisoformat(debut) + self.config.fenetre <= maintenant:
                    debut, nombre = maintenant.isoformat(), 0
                if nombre >= limite:
                    return False
                c.execute(sa.text("UPDATE quotas_demandes SET debut = :d, nombre = :n WHERE cle = :c AND genre = :g"),
                          {"c": cle, "g": genre, "d": debut, "n": nombre + 1})
                return True

        return await self.base.executer(prendre)

    async def fermer(self) -> None:
        import asyncio

        await asyncio.to_thread(self.base.fermer)
