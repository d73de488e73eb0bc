"""A GRC assembled per capability: case status from one back end, reports from another…

Collectivités keep their cases where they already are: the configuration picks
a back end for each capability (``GUICHET_SUIVI``, ``GUICHET_SIGNALEMENTS``,
``GUICHET_RECLAMATIONS``, ``GUICHET_ESCALADES``); the embedded GRC serves what
is not assigned elsewhere (and always the satisfaction answers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from connecteurs.interfaces import Escalades, Reclamations, Satisfactions, Signalements, SuiviDossiers
from connecteurs.modeles import (
    CategorieSignalement,
    ContexteConversation,
    DemandeRappel,
    Escalade,
    NouveauSignalement,
    NouvelleReclamation,
    Reclamation,
    ResultatVerification,
    Satisfaction,
    Signalement,
)


class GrcComposee:
    """Implements :class:`connecteurs.interfaces.Grc` by delegation, one back end per capability."""

    def __init__(
        self, suivi: SuiviDossiers, signalements: Signalements, reclamations: Reclamations, escalades: Escalades,
        satisfactions: Satisfactions, a_fermer: Sequence[Any] = (),
    ) -> None:
        self.suivi, self.signalements, self.reclamations = suivi, signalements, reclamations
        self.escalades, self.satisfactions = escalades, satisfactions
        self._a_fermer = list(dict.fromkeys(a_fermer))

    async def dossier_existe(self, numero: str) -> bool:
        return await self.suivi.dossier_existe(numero)

    async def verifier_identite(self, numero: str, date_naissance: dt.date, source: str = "") -> ResultatVerification:
        return await self.suivi.verifier_identite(numero, date_naissance, source)

    async def verifier_identite_courriel(self, numero: str, courriel: str, source: str = "") -> ResultatVerification:
        return await self.suivi.verifier_identite_courriel(numero, courriel, source)

    async def chercher_doublon(self, categorie: CategorieSignalement, adresse: str) -> Signalement | None:
        return await self.signalements.chercher_doublon(categorie, adresse)

    async def creer_signalement(self, signalement: NouveauSignalement) -> Signalement:
        return await self.signalements.creer_signalement(signalement)

    async def abonner(self, numero_signalement: str, contact: str) -> None:
        await self.signalements.abonner(numero_signalement, contact)

    async def creer_reclamation(self, reclamation: NouvelleReclamation) -> Reclamation:
        return await self.reclamations.creer_reclamation(reclamation)

    async def creer_escalade(self, contexte: ContexteConversation) -> Escalade:
        return await self.escalades.creer_escalade(contexte)

    async def creer_rappel(self, demande: DemandeRappel) -> Escalade:
        return await self.escalades.creer_rappel(demande)

    async def enregistrer_satisfaction(self, satisfaction: Satisfaction) -> None:
        await self.satisfactions.enregistrer_satisfaction(satisfaction)

    async def fermer(self) -> None:
        for connecteur in self._a_fermer:
            await connecteur.fermer()
