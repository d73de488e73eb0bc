"""Identity-check attempts: the one lockout rule, for every back end (SQLite file or PostgreSQL, shared by processes).

The rule, written once (the embedded GRC and the remote back ends use it alike):
- per source (a client address, else a conversation) and case: ``essais`` wrong
  answers lock that source out of that case for ``duree_verrou``;
- per source, all cases: ``essais_source`` wrong answers lock the source out of
  every case for ``duree_verrou`` (no trying birth dates across many numbers);
- per case, all sources: ``essais_dossier`` wrong answers lock the case for
  everyone for ``duree_verrou_dossier``.
So one stranger can only lock themselves out: keeping a citizen's case locked
takes wrong answers from several sources (addresses), and even then the
applicant still reaches an agent (the bot offers one). An unknown number counts
as a wrong answer, so the answers never tell whether a number exists.
An attempt is counted before the (possibly slow) read, in one transaction, so a
burst of guesses gets no more reads than the attempts left; a read that fails
gives its attempt back. Only numbers, source keys (hashes) and counters are
stored, never the answers given.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa

from configuration.chiffres import chiffres_ascii
from connecteurs.base_sql import BaseSql, dialecte
from connecteurs.modeles import Dossier, IssueVerification, ResultatVerification

_NUMERO = re.compile("[0-9]{8}")
TOUS = "*"  # the row of a source counting its failures on every case
T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS essais_identite (
    numero TEXT PRIMARY KEY,
    echecs INTEGER NOT NULL,
    verrouille_jusqu_a TEXT
);
CREATE TABLE IF NOT EXISTS essais_identite_sources (
    numero TEXT NOT NULL,
    source TEXT NOT NULL,
    echecs INTEGER NOT NULL,
    verrouille_jusqu_a TEXT,
    PRIMARY KEY (numero, source)
)
"""


@dataclass(frozen=True)
class ConfigEssais:
    url: str  # SQLAlchemy URL (connecteurs/base_sql.py)
    essais: int = 3  # per source and case
    duree_verrou: dt.timedelta = dt.timedelta(minutes=15)
    essais_source: int = 10  # per source, all cases
    essais_dossier: int = 10  # per case, all sources
    duree_verrou_dossier: dt.timedelta = dt.timedelta(hours=1)

    def __post_init__(self) -> None:
        dialecte(self.url)
        if min(self.essais, self.essais_source, self.essais_dossier) < 1:
            raise ValueError("essais, essais_source and essais_dossier must be >= 1")
        if self.duree_verrou <= dt.timedelta(0) or self.duree_verrou_dossier <= dt.timedelta(0):
            raise ValueError("duree_verrou and duree_verrou_dossier must be positive")


def _maintenant() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class _Compteur:
    table: str
    cle: dict[str, str]
    limite: int
    duree: dt.timedelta

    @property
    def ou(self) -> str:
        return " AND ".join(f"{k} = :{k}" for k in self.cle)


class EssaisIdentite:
    def __init__(self, config: ConfigEssais, horloge: Callable[[], dt.datetime] = _maintenant) -> None:
        self.config, self._horloge = config, horloge
        self.base = BaseSql(config.url, "identity-check attempts", SCHEMA)

    def _compteurs(self, numero: str, source: str) -> list[_Compteur]:
        c = self.config
        return [
            _Compteur("essais_identite_sources", {"numero": numero, "source": source}, c.essais, c.duree_verrou),
            _Compteur("essais_identite_sources", {"numero": TOUS, "source": source}, c.essais_source, c.duree_verrou),
            _Compteur("essais_identite", {"numero": numero}, c.essais_dossier, c.duree_verrou_dossier),
        ]

    async def verifier(
        self, numero: str, lire: Callable[[str], Awaitable[T | None]], correspond: Callable[[T], bool],
        en_dossier: Callable[[str, T], Dossier], source: str = "",
    ) -> ResultatVerification:
        """The whole check: count the attempt, read the case, compare, conclude."""
        numero = chiffres_ascii(numero)  # one key per case, whatever digits it was typed with
        source = source or "-"
        if not _NUMERO.fullmatch(numero):
            return ResultatVerification(IssueVerification.REFUSEE, essais_restants=self.config.essais)
        compteurs = self._compteurs(numero, source)
        rangs = await self._reserver(compteurs)
        if rangs is None:
            return ResultatVerification(IssueVerification.VERROUILLE)
        try:
            brut = await lire(numero)
            juste = brut is not None and correspond(brut)
        except BaseException:
            await self._rendre(compteurs)
            raise
        if juste and brut is not None:
            await self._reussite(compteurs)
            return ResultatVerification(IssueVerification.CONFIRMEE, dossier=en_dossier(numero, brut))
        return await self._conclure_echec(compteurs, rangs)  # unknown numbers too: existence is never told

    # -- the three counters, in one transaction each ---------------------------------
    def _ligne(self, c: sa.engine.Connection, compteur: _Compteur) -> tuple[int, str | None]:
        colonnes = ", ".join(compteur.cle)
        valeurs = ", ".join(f":{k}" for k in compteur.cle)
        c.execute(sa.text(f"INSERT INTO {compteur.table} ({colonnes}, echecs) VALUES ({valeurs}, 0) "
                          f"ON CONFLICT ({colonnes}) DO NOTHING"), compteur.cle)
        echecs, verrou = c.execute(sa.text(
            f"SELECT echecs, verrouille_jusqu_a FROM {compteur.table} WHERE {compteur.ou}" + self.base.pour_maj()
        ), compteur.cle).one()
        return int(echecs), verrou

    def _ecrire(self, c: sa.engine.Connection, compteur: _Compteur, echecs: int, verrou: str | None) -> None:
        c.execute(sa.text(f"UPDATE {compteur.table} SET echecs = :e, verrouille_jusqu_a = :j WHERE {compteur.ou}"),
                  {**compteur.cle, "e": echecs, "j": verrou})

    async def _reserver(self, compteurs: list[_Compteur]) -> list[int] | None:
        """Count one attempt on every counter and give its rank on each (1 = first attempt);
        None (nothing counted) when one is locked or has no attempt left."""
        maintenant = self._horloge()

        def reserver() -> list[int] | None:
            with self.base.ecrire() as c:
                etats = []
                for compteur in compteurs:
                    echecs, verrou = self._ligne(c, compteur)
                    if verrou and dt.datetime.fromisoformat(verrou) > maintenant:
                        return None
                    echecs = 0 if verrou else echecs  # an expired lock: a fresh set of attempts
                    if echecs >= compteur.limite:  # the attempts left are all in flight
                        return None
                    etats.append(echecs)
                for compteur, echecs in zip(compteurs, etats, strict=True):
                    self._ecrire(c, compteur, echecs + 1, None)
                return [echecs + 1 for echecs in etats]

        return await self.base.executer(reserver)

    async def _rendre(self, compteurs: list[_Compteur]) -> None:
        def rendre() -> None:
            with self.base.ecrire() as c:
                for compteur in compteurs:
                    c.execute(sa.text(f"UPDATE {compteur.table} SET echecs = echecs - 1 WHERE {compteur.ou} AND echecs > 0 "
                                      "AND verrouille_jusqu_a IS NULL"), compteur.cle)

        await self.base.executer(rendre)

    async def _reussite(self, compteurs: list[_Compteur]) -> None:
        """The applicant proved who they are: their counters on this case are cleared, the source-wide one gets its attempt back."""
        par_source, source_tous, dossier = compteurs

        def effacer() -> None:
            with self.base.ecrire() as c:
                c.execute(sa.text(f"DELETE FROM {par_source.table} WHERE {par_source.ou}"), par_source.cle)
                c.execute(sa.text(f"DELETE FROM {dossier.table} WHERE {dossier.ou}"), dossier.cle)
                c.execute(sa.text(f"UPDATE {source_tous.table} SET echecs = echecs - 1 WHERE {source_tous.ou} AND echecs > 0 "
                                  "AND verrouille_jusqu_a IS NULL"), source_tous.cle)

        await self.base.executer(effacer)

    async def _conclure_echec(self, compteurs: list[_Compteur], rangs: list[int]) -> ResultatVerification:
        """A counted attempt was wrong: the counters on which it was the last allowed one lock."""
        maintenant = self._horloge()

        def conclure() -> ResultatVerification:
            verrouille = False
            restants = self.config.essais
            with self.base.ecrire() as c:
                for i, (compteur, rang) in enumerate(zip(compteurs, rangs, strict=True)):
                    _echecs, verrou = self._ligne(c, compteur)
                    if verrou and dt.datetime.fromisoformat(verrou) > maintenant:
                        verrouille = True
                        continue
                    if rang >= compteur.limite:
                        self._ecrire(c, compteur, 0, (maintenant + compteur.duree).isoformat())
                        verrouille = True
                    elif i == 0:
                        restants = compteur.limite - rang
            if verrouille:
                return ResultatVerification(IssueVerification.VERROUILLE)
            return ResultatVerification(IssueVerification.REFUSEE, essais_restants=restants)

        return await self.base.executer(conclure)

    # -- for the RGPD commands and the tests ---------------------------------------------
    async def verrouille(self, numero: str, source: str = "") -> bool:
        """Whether a check on this case from this source would be refused now."""
        maintenant = self._horloge()
        compteurs = self._compteurs(chiffres_ascii(numero), source or "-")

        def lire() -> bool:
            with self.base.lire() as c:
                for compteur in compteurs:
                    jusqu_a = c.execute(sa.text(f"SELECT verrouille_jusqu_a FROM {compteur.table} WHERE {compteur.ou}"),
                                        compteur.cle).scalar()
                    if jusqu_a and dt.datetime.fromisoformat(jusqu_a) > maintenant:
                        return True
                return False

        return await self.base.executer(lire)
