"""Identity-check attempts per case number, shared by every process (SQLite).

Remote back ends (Démarches Simplifiées, Publik) do not count failed identity
checks for us; this store does, with the embedded GRC's rule: after
``essais`` failures the number is locked for everyone for ``duree_verrou``.
Only case numbers and counters are stored, never the answers given.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable, TypeVar

from connecteurs.modeles import Dossier, IssueVerification, ResultatVerification

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS essais_identite (
    numero TEXT PRIMARY KEY,
    echecs INTEGER NOT NULL,
    verrouille_jusqu_a TEXT
)
"""


@dataclass(frozen=True)
class ConfigEssais:
    chemin_base: Path
    essais: int = 3
    duree_verrou: dt.timedelta = dt.timedelta(minutes=15)

    def __post_init__(self) -> None:
        if self.essais < 1 or self.duree_verrou <= dt.timedelta(0):
            raise ValueError("essais must be >= 1 and duree_verrou positive")


def _maintenant() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class EssaisIdentite:
    def __init__(self, config: ConfigEssais, horloge: Callable[[], dt.datetime] = _maintenant) -> None:
        self.config, self._horloge = config, horloge
        config.chemin_base.parent.mkdir(parents=True, exist_ok=True)
        with self._connexion() as c:
            c.execute("PRAGMA journal_mode = WAL")
            c.execute(SCHEMA)

    def _connexion(self) -> sqlite3.Connection:
        return sqlite3.connect(self.config.chemin_base, timeout=5, isolation_level=None)

    async def verrouille(self, numero: str) -> bool:
        def lire() -> bool:
            with self._connexion() as c:
                ligne = c.execute("SELECT verrouille_jusqu_a FROM essais_identite WHERE numero = ?", (numero,)).fetchone()
            return bool(ligne and ligne[0] and dt.datetime.fromisoformat(ligne[0]) > self._horloge())

        return await asyncio.to_thread(lire)

    async def reussite(self, numero: str) -> None:
        def effacer() -> None:
            with self._connexion() as c:
                c.execute("DELETE FROM essais_identite WHERE numero = ?", (numero,))

        await asyncio.to_thread(effacer)

    async def verifier(
        self, numero: str, lire: Callable[[str], Awaitable[T | None]], correspond: Callable[[T], bool],
        en_dossier: Callable[[str, T], Dossier],
    ) -> ResultatVerification:
        """The whole check against a remote case: lock first, then read the case, compare, count."""
        if await self.verrouille(numero):
            return ResultatVerification(IssueVerification.VERROUILLE)
        brut = await lire(numero)
        if brut is None:
            return ResultatVerification(IssueVerification.INCONNU)
        if correspond(brut):
            await self.reussite(numero)
            return ResultatVerification(IssueVerification.CONFIRMEE, dossier=en_dossier(numero, brut))
        return await self.echec(numero)

    async def echec(self, numero: str) -> ResultatVerification:
        """Count a failure; REFUSEE with the attempts left, or VERROUILLE when it was the last."""
        maintenant = self._horloge()

        def compter() -> ResultatVerification:
            c = self._connexion()
            try:
                c.execute("BEGIN IMMEDIATE")
                ligne = c.execute("SELECT echecs, verrouille_jusqu_a FROM essais_identite WHERE numero = ?", (numero,)).fetchone()
                echecs = ligne[0] if ligne else 0
                if ligne and ligne[1]:
                    if dt.datetime.fromisoformat(ligne[1]) > maintenant:
                        c.execute("COMMIT")
                        return ResultatVerification(IssueVerification.VERROUILLE)
                    echecs = 0
                echecs += 1
                jusqu_a = (maintenant + self.config.duree_verrou).isoformat() if echecs >= self.config.essais else None
                c.execute(
                    "INSERT INTO essais_identite (numero, echecs, verrouille_jusqu_a) VALUES (?, ?, ?) "
                    "ON CONFLICT(numero) DO UPDATE SET echecs = excluded.echecs, verrouille_jusqu_a = excluded.verrouille_jusqu_a",
                    (numero, 0 if jusqu_a else echecs, jusqu_a),
                )
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
            finally:
                c.close()
            if jusqu_a:
                return ResultatVerification(IssueVerification.VERROUILLE)
            return ResultatVerification(IssueVerification.REFUSEE, essais_restants=self.config.essais - echecs)

        return await asyncio.to_thread(compter)
