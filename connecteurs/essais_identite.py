"""Identity-check attempts per case number, shared by every process (SQLite file or PostgreSQL).

Remote back ends (Démarches Simplifiées, Publik) do not count failed identity
checks for us; this store does, with the embedded GRC's rule: after
``essais`` failures the number is locked for everyone for ``duree_verrou``.
Only case numbers and counters are stored, never the answers given.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Awaitable, Callable, TypeVar

import sqlalchemy as sa

from configuration.chiffres import chiffres_ascii
from connecteurs.base_sql import BaseSql, dialecte
from connecteurs.modeles import Dossier, IssueVerification, ResultatVerification

_NUMERO = re.compile("[0-9]{8}")

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
    url: str  # SQLAlchemy URL (connecteurs/base_sql.py)
    essais: int = 3
    duree_verrou: dt.timedelta = dt.timedelta(minutes=15)

    def __post_init__(self) -> None:
        dialecte(self.url)
        if self.essais < 1 or self.duree_verrou <= dt.timedelta(0):
            raise ValueError("essais must be >= 1 and duree_verrou positive")


def _maintenant() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class EssaisIdentite:
    def __init__(self, config: ConfigEssais, horloge: Callable[[], dt.datetime] = _maintenant) -> None:
        self.config, self._horloge = config, horloge
        self.base = BaseSql(config.url, "identity-check attempts", SCHEMA)

    async def verrouille(self, numero: str) -> bool:
        def lire() -> bool:
            with self.base.lire() as c:
                jusqu_a = c.execute(sa.text("SELECT verrouille_jusqu_a FROM essais_identite WHERE numero = :n"),
                                    {"n": numero}).scalar()
            return bool(jusqu_a and dt.datetime.fromisoformat(jusqu_a) > self._horloge())

        return await self.base.executer(lire)

    async def reussite(self, numero: str) -> None:
        def effacer() -> None:
            with self.base.ecrire() as c:
                c.execute(sa.text("DELETE FROM essais_identite WHERE numero = :n"), {"n": numero})

        await self.base.executer(effacer)

    async def verifier(
        self, numero: str, lire: Callable[[str], Awaitable[T | None]], correspond: Callable[[T], bool],
        en_dossier: Callable[[str, T], Dossier],
    ) -> ResultatVerification:
        """The whole check against a remote case: an attempt is counted before the slow read (one transaction),
        so a burst of guesses gets no more reads than the attempts left; a read that finds nothing or fails
        gives its attempt back."""
        numero = chiffres_ascii(numero)  # one key per case, whatever digits it was typed with
        if not _NUMERO.fullmatch(numero):
            return ResultatVerification(IssueVerification.INCONNU)
        if not await self._reserver(numero):
            return ResultatVerification(IssueVerification.VERROUILLE)
        try:
            brut = await lire(numero)
        except BaseException:
            await self._rendre(numero)
            raise
        if brut is None:
            await self._rendre(numero)
            return ResultatVerification(IssueVerification.INCONNU)
        if correspond(brut):
            await self.reussite(numero)
            return ResultatVerification(IssueVerification.CONFIRMEE, dossier=en_dossier(numero, brut))
        return await self._conclure_echec(numero)

    async def _reserver(self, numero: str) -> bool:
        """Count one attempt now; False when the case is locked or the attempts left are all taken (in flight)."""
        maintenant = self._horloge()

        def reserver() -> bool:
            with self.base.ecrire() as c:
                c.execute(sa.text("INSERT INTO essais_identite (numero, echecs) VALUES (:n, 0) ON CONFLICT (numero) DO NOTHING"),
                          {"n": numero})
                echecs, verrou = c.execute(sa.text(
                    "SELECT echecs, verrouille_jusqu_a FROM essais_identite WHERE numero = :n" + self.base.pour_maj()
                ), {"n": numero}).one()
                if verrou and dt.datetime.fromisoformat(verrou) > maintenant:
                    return False
                echecs = 0 if verrou else echecs
                if echecs >= self.config.essais:
                    return False
                c.execute(sa.text("UPDATE essais_identite SET echecs = :e, verrouille_jusqu_a = NULL WHERE numero = :n"),
                          {"n": numero, "e": echecs + 1})
                return True

        return await self.base.executer(reserver)

    async def _rendre(self, numero: str) -> None:
        def rendre() -> None:
            with self.base.ecrire() as c:
                c.execute(sa.text("UPDATE essais_identite SET echecs = echecs - 1 WHERE numero = :n AND echecs > 0 "
                                  "AND verrouille_jusqu_a IS NULL"), {"n": numero})

        await self.base.executer(rendre)

    async def _conclure_echec(self, numero: str) -> ResultatVerification:
        """A reserved attempt was wrong: lock when it was the last one."""
        maintenant = self._horloge()

        def conclure() -> ResultatVerification:
            with self.base.ecrire() as c:
                ligne = c.execute(sa.text(
                    "SELECT echecs, verrouille_jusqu_a FROM essais_identite WHERE numero = :n" + self.base.pour_maj()
                ), {"n": numero}).one_or_none()
                echecs, verrou = ligne if ligne is not None else (self.config.essais, None)
                if verrou:
                    return ResultatVerification(IssueVerification.VERROUILLE)
                if echecs >= self.config.essais:
                    c.execute(sa.text("UPDATE essais_identite SET echecs = 0, verrouille_jusqu_a = :j WHERE numero = :n"),
                              {"n": numero, "j": (maintenant + self.config.duree_verrou).isoformat()})
                    return ResultatVerification(IssueVerification.VERROUILLE)
                return ResultatVerification(IssueVerification.REFUSEE, essais_restants=self.config.essais - echecs)

        return await self.base.executer(conclure)

    async def echec(self, numero: str) -> ResultatVerification:
        """Count a failure; REFUSEE with the attempts left, or VERROUILLE when it was the last."""
        maintenant = self._horloge()

        def compter() -> ResultatVerification:
            with self.base.ecrire() as c:
                # the row exists before it is read, so PostgreSQL can lock it: concurrent failures are all counted
                c.execute(sa.text("INSERT INTO essais_identite (numero, echecs) VALUES (:n, 0) ON CONFLICT (numero) DO NOTHING"),
                          {"n": numero})
                echecs, verrou = c.execute(sa.text(
                    "SELECT echecs, verrouille_jusqu_a FROM essais_identite WHERE numero = :n" + self.base.pour_maj()
                ), {"n": numero}).one()
                if verrou:
                    if dt.datetime.fromisoformat(verrou) > maintenant:
                        return ResultatVerification(IssueVerification.VERROUILLE)
                    echecs = 0
                echecs += 1
                jusqu_a = (maintenant + self.config.duree_verrou).isoformat() if echecs >= self.config.essais else None
                c.execute(sa.text("UPDATE essais_identite SET echecs = :e, verrouille_jusqu_a = :j WHERE numero = :n"),
                          {"n": numero, "e": 0 if jusqu_a else echecs, "j": jusqu_a})
            if jusqu_a:
                return ResultatVerification(IssueVerification.VERROUILLE)
            return ResultatVerification(IssueVerification.REFUSEE, essais_restants=self.config.essais - echecs)

        return await self.base.executer(compter)
