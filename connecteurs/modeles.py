"""Typed values exchanged with the connecteurs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

_NUMERO_DOSSIER = re.compile(r"^[0-9]{8}$")


class EtatDossier(str, Enum):
    """Démarches Simplifiées' own state vocabulary."""

    EN_CONSTRUCTION = "en_construction"
    EN_INSTRUCTION = "en_instruction"
    ACCEPTE = "accepte"
    REFUSE = "refuse"
    SANS_SUITE = "sans_suite"


@dataclass(frozen=True)
class Dossier:
    numero: str
    intitule: str
    etat: EtatDossier
    date_depot: dt.date
    date_derniere_etape: dt.date
    date_decision_annoncee: dt.date | None = None
    motif: str | None = None
    piece_manquante: str | None = None

    def __post_init__(self) -> None:
        if not _NUMERO_DOSSIER.match(self.numero):
            raise ValueError("a case number has exactly 8 digits")

    def en_dict(self) -> dict[str, Any]:
        return {
            "numero": self.numero,
            "intitule": self.intitule,
            "etat": self.etat.value,
            "date_depot": self.date_depot.isoformat(),
            "date_derniere_etape": self.date_derniere_etape.isoformat(),
            "date_decision_annoncee": self.date_decision_annoncee.isoformat() if self.date_decision_annoncee else None,
            "motif": self.motif,
            "piece_manquante": self.piece_manquante,
        }


class IssueVerification(str, Enum):
    CONFIRMEE = "confirmee"
    REFUSEE = "refusee"
    VERROUILLE = "verrouille"
    INCONNU = "inconnu"


@dataclass(frozen=True)
class ResultatVerification:
    issue: IssueVerification
    dossier: Dossier | None = None
    essais_restants: int = 0

    def __post_init__(self) -> None:
        if (self.issue is IssueVerification.CONFIRMEE) != (self.dossier is not None):
            raise ValueError("a case is returned if and only if the identity is confirmed")


class CategorieSignalement(str, Enum):
    VOIRIE = "voirie"
    ECLAIRAGE = "eclairage"
    PROPRETE = "proprete"
    ESPACES_VERTS = "espaces_verts"
    AUTRE = "autre"


class EtatSignalement(str, Enum):
    OUVERT = "ouvert"
    EN_COURS = "en_cours"
    RESOLU = "resolu"


@dataclass(frozen=True)
class Signalement:
    numero: str
    categorie: CategorieSignalement
    adresse: str
    description: str
    etat: EtatSignalement
    cree_le: dt.datetime


@dataclass(frozen=True)
class NouveauSignalement:
    categorie: CategorieSignalement
    adresse: str
    description: str
    canal: str
    sender_id: str

    def __post_init__(self) -> None:
        if not self.adresse.strip() or not self.description.strip():
            raise ValueError("address and description are required")


@dataclass(frozen=True)
class Reclamation:
    numero: str
    sujet: str
    delai_reponse_jours: int
    cree_le: dt.datetime


@dataclass(frozen=True)
class NouvelleReclamation:
    sujet: str
    description: str
    contact: str
    canal: str
    sender_id: str


@dataclass(frozen=True)
class TourConversation:
    """One line of the transcript."""

    auteur: str  # "usager" or "bot"
    texte: str
    horodatage: float
    intention: str | None = None
    confiance: float | None = None


@dataclass(frozen=True)
class ContexteConversation:
    """Everything an adviser needs so that the citizen never repeats themselves."""

    sender_id: str
    canal: str
    transcription: Sequence[TourConversation]
    intentions: Sequence[Mapping[str, Any]]  # [{"intention": ..., "confiance": ...}] in order
    slots: Mapping[str, Any]
    verification_identite: str | None
    numero_appelant: str | None = None

    def en_dict(self) -> dict[str, Any]:
        return {
            "sender_id": self.sender_id,
            "canal": self.canal,
            "transcription": [t.__dict__ for t in self.transcription],
            "intentions": [dict(i) for i in self.intentions],
            "slots": dict(self.slots),
            "verification_identite": self.verification_identite,
            "numero_appelant": self.numero_appelant,
        }


@dataclass(frozen=True)
class Escalade:
    reference: str
    cree_le: dt.datetime


class EtatEscalade(str, Enum):
    EN_ATTENTE = "en_attente"  # in the agents' queue
    PRISE = "prise"  # an agent has taken it over
    RENDUE = "rendue"  # the agent handed the conversation back to the bot
    CLOSE = "close"  # the agent ended the conversation


class TypeEscalade(str, Enum):
    CONVERSATION = "conversation"  # hand-over of a live conversation
    RAPPEL = "rappel"  # callback request taken outside office hours


@dataclass(frozen=True)
class EscaladeEnFile:
    """An escalation as the agents' queue shows it."""

    reference: str
    type: TypeEscalade
    etat: EtatEscalade
    sender_id: str
    canal: str
    cree_le: dt.datetime
    contexte: Mapping[str, Any]  # ContexteConversation.en_dict()
    creneau: str | None = None
    telephone: str | None = None
    conseiller: str | None = None
    pris_le: dt.datetime | None = None
    clos_le: dt.datetime | None = None


class CreneauRappel(str, Enum):
    MATIN = "matin"
    APRES_MIDI = "apres_midi"
    INDIFFERENT = "indifferent"


@dataclass(frozen=True)
class DemandeRappel:
    creneau: CreneauRappel
    telephone: str
    contexte: ContexteConversation


@dataclass(frozen=True)
class Satisfaction:
    sender_id: str
    canal: str
    note: str  # "1".."5", "oui" or "non"

    def __post_init__(self) -> None:
        if self.note not in {"1", "2", "3", "4", "5", "oui", "non"}:
            raise ValueError(f"invalid satisfaction answer {self.note!r}")
