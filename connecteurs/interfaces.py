"""The small async interfaces every back end implements.

A connecteur raises :class:`connecteurs.erreurs.ErreurConnecteur` (or a subclass)
when it cannot answer; it never returns error values.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, runtime_checkable

from connecteurs.modeles import (
    CategorieSignalement,
    ContexteConversation,
    DemandeRappel,
    Escalade,
    EscaladeEnFile,
    EtatEscalade,
    NouveauSignalement,
    NouvelleReclamation,
    Reclamation,
    ResultatVerification,
    Satisfaction,
    Signalement,
)


@runtime_checkable
class SuiviDossiers(Protocol):
    async def dossier_existe(self, numero: str) -> bool:
        """Whether a case with this 8-digit number exists."""

    async def verifier_identite(self, numero: str, date_naissance: dt.date, source: str = "") -> ResultatVerification:
        """Check the requester's birth date; return the case only on a match.

        Implementations apply the one lockout rule (connecteurs/essais_identite.py): failures are counted
        per source (`source`: a client address hash, else the conversation) and per case; an unknown number
        is a wrong answer (REFUSEE), so existence is never told; a lock gives VERROUILLE, without the case.
        """

    async def verifier_identite_courriel(self, numero: str, courriel: str, source: str = "") -> ResultatVerification:
        """The same check against the applicant's e-mail address (lower-cased), where the back end knows it.

        Back ends without it raise ConfigurationInvalide (GUICHET_PREUVE_IDENTITE must then stay date_naissance).
        """


@runtime_checkable
class Signalements(Protocol):
    async def chercher_doublon(self, categorie: CategorieSignalement, adresse: str) -> Signalement | None:
        """An open report of the same category at the same normalised address."""

    async def creer_signalement(self, signalement: NouveauSignalement) -> Signalement: ...

    async def abonner(self, numero_signalement: str, contact: str) -> None:
        """Notify this contact when the report is resolved."""


@runtime_checkable
class Reclamations(Protocol):
    async def creer_reclamation(self, reclamation: NouvelleReclamation) -> Reclamation: ...


@runtime_checkable
class Escalades(Protocol):
    async def creer_escalade(self, contexte: ContexteConversation) -> Escalade:
        """Record a hand-over to a human with its full context."""

    async def creer_rappel(self, demande: DemandeRappel) -> Escalade:
        """Record a callback request (outside office hours)."""


@runtime_checkable
class FileEscalades(Protocol):
    """The agents' side of the escalations (the console's queue)."""

    async def escalades_ouvertes(self, limite: int | None = None, decalage: int = 0) -> list[EscaladeEnFile]:
        """Waiting and taken escalations, oldest first (a page of `limite` after `decalage` of them)."""

    async def compter_escalades_ouvertes(self) -> int: ...

    async def lire_escalade(self, reference: str) -> EscaladeEnFile | None: ...

    async def prendre_escalade(self, reference: str, conseiller: str) -> EscaladeEnFile:
        """Take it over; EscaladeDejaPrise if another agent holds it or it is closed."""

    async def terminer_escalade(self, reference: str, conseiller: str, etat: EtatEscalade) -> EscaladeEnFile:
        """RENDUE (back to the bot) or CLOSE; only the agent holding it can; EscaladeDejaPrise otherwise."""


@runtime_checkable
class Satisfactions(Protocol):
    async def enregistrer_satisfaction(self, satisfaction: Satisfaction) -> None: ...


@runtime_checkable
class Grc(SuiviDossiers, Signalements, Reclamations, Escalades, Satisfactions, Protocol):
    """A back end offering every capability (the embedded GRC does)."""

    async def fermer(self) -> None: ...
