"""Failed console sign-ins within a window, in the accounts' database (shared by console processes, kept across restarts).

Each attempt is counted before the password is checked, in one transaction that
holds a per-key lock: thirty concurrent wrong passwords are never all checked.
Three counters, so that nobody can lock an agent out from anywhere:
- one account from one address: `essais_max` (5) failures → that pair waits;
- one address, all accounts: `essais_adresse` (20) → that address waits;
- one account, all addresses: `essais_compte` (50) → the account waits (a
  distributed attack; the agent can still be helped by an administrator).
Only the keys (account name, address) and the times are kept, never the password tried.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlalchemy as sa

from connecteurs.base_sql import BaseSql

SCHEMA = """CREATE TABLE IF NOT EXISTS echecs_connexion (identifiant TEXT NOT NULL, instant DOUBLE PRECISION NOT NULL);
CREATE INDEX IF NOT EXISTS echecs_connexion_identifiant ON echecs_connexion (identifiant, instant);
CREATE TABLE IF NOT EXISTS verrous_connexion (cle TEXT PRIMARY KEY)"""


class Tentatives:
    def __init__(self, url: str, essais_max: int = 5, fenetre_s: float = 15 * 60, horloge: Callable[[], float] = time.time,
                 essais_adresse: int = 20, essais_compte: int = 50) -> None:
        self.essais_max, self.fenetre_s, self._horloge = essais_max, fenetre_s, horloge
        self.essais_adresse, self.essais_compte = essais_adresse, essais_compte
        self.base = BaseSql(url, "console sign-in attempts", SCHEMA)

    def _cles(self, identifiant: str, adresse: str) -> list[tuple[str, int]]:
        return [(f"c:{identifiant}|a:{adresse}", self.essais_max), (f"a:{adresse}", self.essais_adresse),
                (f"c:{identifiant}", self.essais_compte)]

    async def reserver(self, identifiant: str, adresse: str = "") -> bool:
        """Count this attempt as a failure now (it is cleared on success); False when a counter is full."""
        maintenant = self._horloge()
        cles = self._cles(identifiant, adresse)

        def reserver() -> bool:
            with self.base.ecrire() as c:
                c.execute(sa.text("DELETE FROM echecs_connexion WHERE instant < :t"), {"t": maintenant - self.fenetre_s})
                for cle, _limite in cles:  # one attempt at a time per key, in every process
                    c.execute(sa.text("INSERT INTO verrous_connexion (cle) VALUES (:c) ON CONFLICT (cle) DO NOTHING"), {"c": cle})
                    c.execute(sa.text("SELECT cle FROM verrous_connexion WHERE cle = :c" + self.base.pour_maj()), {"c": cle})
                for cle, limite in cles:
                    n = int(c.execute(sa.text("SELECT count(*) FROM echecs_connexion WHERE identifiant = :i"),
                                      {"i": cle}).scalar_one())
                    if n >= limite:
                        return False
                for cle, _limite in cles:
                    c.execute(sa.text("INSERT INTO echecs_connexion (identifiant, instant) VALUES (:i, :t)"),
                              {"i": cle, "t": maintenant})
                return True

        return await self.base.executer(reserver)

    async def reussite(self, identifiant: str, adresse: str = "") -> None:
        """The password was right: the pair's and the account's failures are forgotten, and this attempt's address count."""
        paire, adresse_seule, compte = (cle for cle, _ in self._cles(identifiant, adresse))

        def effacer() -> None:
            with self.base.ecrire() as c:
                c.execute(sa.text("DELETE FROM echecs_connexion WHERE identifiant IN (:p, :c)"), {"p": paire, "c": compte})
                instant = c.execute(sa.text("SELECT max(instant) FROM echecs_connexion WHERE identifiant = :a"),
                                    {"a": adresse_seule}).scalar()
                if instant is not None:
                    c.execute(sa.text("DELETE FROM echecs_connexion WHERE identifiant = :a AND instant = :t"),
                              {"a": adresse_seule, "t": instant})

        await self.base.executer(effacer)

    async def bloque(self, identifiant: str, adresse: str = "") -> bool:
        """Whether an attempt for this account from this address would be refused now."""
        maintenant = self._horloge()
        cles = self._cles(identifiant, adresse)

        def lire() -> bool:
            with self.base.lire() as c:
                for cle, limite in cles:
                    n = int(c.execute(sa.text("SELECT count(*) FROM echecs_connexion WHERE identifiant = :i AND instant >= :t"),
                                      {"i": cle, "t": maintenant - self.fenetre_s}).scalar_one())
                    if n >= limite:
                        return True
                return False

        return await self.base.executer(lire)
