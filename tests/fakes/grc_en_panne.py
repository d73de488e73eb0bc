"""Back ends that fail, for the "back end down / slow" paths (tests only).

They implement the real Grc interface and are selected like any connecteur:
GUICHET_GRC=tests.fakes.grc_en_panne:GrcEnPanne (or :GrcLente).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, NoReturn

from connecteurs.erreurs import ConnecteurIndisponible


class GrcEnPanne:
    """Every call fails at once, like a back end refusing connections."""

    appels: list[str]

    def __init__(self) -> None:
        self.appels = []

    @classmethod
    async def ouvrir_depuis_config(cls, config: Any) -> GrcEnPanne:
        return cls()

    async def _echouer(self, operation: str) -> NoReturn:
        self.appels.append(operation)
        raise ConnecteurIndisponible(f"{operation}: connection refused")

    async def dossier_existe(self, numero: str) -> bool:
        await self._echouer("dossier_existe")

    async def verifier_identite(self, numero: str, date_naissance: dt.date, source: str = "") -> Any:
        await self._echouer("verifier_identite")

    async def verifier_identite_courriel(self, numero: str, courriel: str, source: str = "") -> Any:
        await self._echouer("verifier_identite_courriel")

    async def chercher_doublon(self, categorie: Any, adresse: str) -> Any:
        await self._echouer("chercher_doublon")

    async def creer_signalement(self, signalement: Any) -> Any:
        await self._echouer("creer_signalement")

    async def abonner(self, numero_signalement: str, contact: str) -> None:
        await self._echouer("abonner")

    async def creer_reclamation(self, reclamation: Any) -> Any:
        await self._echouer("creer_reclamation")

    async def creer_escalade(self, contexte: Any) -> Any:
        await self._echouer("creer_escalade")

    async def creer_rappel(self, demande: Any) -> Any:
        await self._echouer("creer_rappel")

    async def enregistrer_satisfaction(self, satisfaction: Any) -> None:
        await self._echouer("enregistrer_satisfaction")

    async def fermer(self) -> None:
        return None


class GrcLente(GrcEnPanne):
    """Every call hangs far beyond the configured timeout."""

    async def _echouer(self, operation: str) -> NoReturn:
        self.appels.append(operation)
        await asyncio.sleep(30)
        raise ConnecteurIndisponible(f"{operation}: still no answer")
