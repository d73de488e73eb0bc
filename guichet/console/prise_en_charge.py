"""Human take-over of an escalated conversation: take, reply, hand back, close.

The queue lives in the escalation store (connecteurs.interfaces.FileEscalades);
the conversation lives in Rasa's tracker. While an agent holds it, the bot stays
paused (Rasa's ConversationPaused, set by action_escalader); the agent's
messages are bot events tagged `auteur: conseiller` in their metadata, so the
history is complete and the citizen's widget receives them live. Hand back
resumes the bot; close resumes it and asks the satisfaction question.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from configuration.caracteres import sans_controles
from configuration.preuves_identite import MASQUE, SLOTS_PREUVE
from connecteurs.erreurs import CodeErreur, EscaladeDejaPrise, EscaladeInconnue
from connecteurs.interfaces import FileEscalades
from connecteurs.modeles import EscaladeEnFile, EtatEscalade, TypeEscalade
from guichet.console.api_rasa import ApiRasa
from guichet.construction.libelles import libelle

LONGUEUR_MAX_MESSAGE = 2000
CANAUX_SANS_MESSAGES = frozenset({"voix"})  # the phone call itself is transferred to the agent
SLOTS_CACHES = SLOTS_PREUVE | {"requested_slot"}
# what an agent is shown of the collected details, by its French name; every other slot is the dialogue's own
# bookkeeping (proposer_rappel, reference_escalade, identite_verifiee…) and stays hidden
INFORMATIONS_AGENTS = {
    "numero_dossier": "Numéro de dossier", "categorie_signalement": "Catégorie du signalement",
    "adresse_signalement": "Adresse du signalement", "description_signalement": "Description du signalement",
    "numero_signalement": "Numéro du signalement", "contact_abonnement": "Contact pour le suivi du signalement",
    "sujet_reclamation": "Objet de la réclamation", "description_reclamation": "Réclamation",
    "contact_reclamation": "Contact pour la réponse", "creneau_rappel": "Créneau de rappel souhaité",
    "telephone_rappel": "Numéro à rappeler", "note_satisfaction": "Satisfaction (sur 5)",
}

# Rasa's socket.io output sends a bot event's `custom` payload as the keyword
# arguments of `emit`: {"data": {...}} reaches the widget as {...}.
EVENEMENT_REJOINT = {"data": {"guichet": {"evenement": "conseiller_rejoint"}}}
EVENEMENT_PARTI = {"data": {"guichet": {"evenement": "conseiller_parti"}}}
INTENTION_RETOUR = "EXTERNAL_retour_assistant"  # bot/data/rules.yml
INTENTION_FIN = "EXTERNAL_fin_conseiller"


class ActionImpossible(Exception):
    """What the agent asked cannot be done; the message is shown to the agent (French).

    ``code``: CONFLIT (the conversation's state forbids it) or INTROUVABLE (no such reference).
    """

    def __init__(self, message: str, code: CodeErreur = CodeErreur.CONFLIT) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Tour:
    auteur: str  # "usager", "bot" or "conseiller"
    texte: str
    horodatage: float
    intention: str | None = None
    confiance: float | None = None


def nettoyer_message(texte: str) -> str:
    texte = "\n".join(" ".join(ligne.split()) for ligne in sans_controles(texte).splitlines()).strip()
    if not texte:
        raise ActionImpossible("Le message est vide.")
    if len(texte) > LONGUEUR_MAX_MESSAGE:
        raise ActionImpossible(f"Le message dépasse {LONGUEUR_MAX_MESSAGE} caractères.")
    return texte


def transcription(evenements: list[dict[str, Any]]) -> list[Tour]:
    """The conversation as the agent reads it; identity proofs never shown."""
    tours: list[Tour] = []
    slot_demande: str | None = None
    for e in evenements:
        genre = e.get("event")
        if genre == "slot" and e.get("name") == "requested_slot":
            slot_demande = e.get("value")
        elif genre == "user":
            texte = e.get("text") or ""
            if texte.startswith("EXTERNAL: ") or (e.get("metadata") or {}).get("declencheur"):
                continue  # triggered by the console or the widget's greeting, not said by the citizen
            intention = (e.get("parse_data") or {}).get("intent") or {}
            if slot_demande in SLOTS_PREUVE:
                texte = MASQUE
            tours.append(Tour("usager", texte, float(e.get("timestamp") or 0), intention.get("name"), intention.get("confidence")))
        elif genre == "bot" and e.get("text"):
            auteur = "conseiller" if (e.get("metadata") or {}).get("auteur") == "conseiller" else "bot"
            tours.append(Tour(auteur, e["text"], float(e.get("timestamp") or 0)))
    return tours


def vue(escalade: EscaladeEnFile, tracker: dict[str, Any] | None, maintenant: dt.datetime,
        noms: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Everything the agent sees for one escalation (JSON for the console page): intents with the editors' French
    labels (`noms`, guichet/construction/libelles.py), the collected details by their French names."""
    noms = dict(noms or {})
    contexte = dict(escalade.contexte)
    if tracker is not None:
        tours = [t.__dict__ for t in transcription(tracker.get("events") or [])]
        slots = {k: v for k, v in (tracker.get("slots") or {}).items() if k not in SLOTS_CACHES and v is not None}
        en_pause = bool(tracker.get("paused"))
    else:  # Rasa unreachable: what was recorded at escalation time
        tours = [t for t in contexte.get("transcription", [])]
        slots, en_pause = dict(contexte.get("slots") or {}), None
    intentions = [{"intention": t["intention"], "libelle": libelle(noms, t["intention"]), "confiance": t["confiance"]}
                  for t in tours if t.get("intention")]
    fin_attente = escalade.pris_le or (escalade.clos_le if escalade.etat != EtatEscalade.EN_ATTENTE else None) or maintenant
    return {
        "reference": escalade.reference,
        "type": escalade.type.value,
        "etat": escalade.etat.value,
        "canal": escalade.canal,
        "cree_le": escalade.cree_le.isoformat(),
        "attente_s": max(0, int((fin_attente - escalade.cree_le).total_seconds())),
        "conseiller": escalade.conseiller,
        "creneau": escalade.creneau,
        "telephone": escalade.telephone,
        "numero_appelant": contexte.get("numero_appelant"),
        "verification_identite": slots.get("verification_identite", contexte.get("verification_identite")),
        "dossier": slots.get("dossier") if slots.get("verification_identite") == "confirmee" else None,
        "slots": {nom: slots[k] for k, nom in INFORMATIONS_AGENTS.items() if slots.get(k) not in (None, "")},
        "intentions": intentions or [{**i, "libelle": libelle(noms, str(i.get("intention")))}
                                     for i in contexte.get("intentions") or [] if isinstance(i, dict)],
        "transcription": tours,
        "bot_en_pause": en_pause,
        "messages_possibles": escalade.type == TypeEscalade.CONVERSATION and escalade.canal not in CANAUX_SANS_MESSAGES,
        "source": "direct" if tracker is not None else "enregistrement",
    }


class PriseEnCharge:
    def __init__(self, file: FileEscalades, rasa: ApiRasa) -> None:
        self.file, self.rasa = file, rasa

    async def _escalade(self, reference: str) -> EscaladeEnFile:
        escalade = await self.file.lire_escalade(reference)
        if escalade is None:
            raise ActionImpossible("Cette référence n'existe pas.", CodeErreur.INTROUVABLE)
        return escalade

    @staticmethod
    def _avec_messages(escalade: EscaladeEnFile) -> bool:
        return escalade.type == TypeEscalade.CONVERSATION and escalade.canal not in CANAUX_SANS_MESSAGES

    async def prendre(self, reference: str, conseiller: str) -> EscaladeEnFile:
        try:
            escalade = await self.file.prendre_escalade(reference, conseiller)
        except EscaladeInconnue:
            raise ActionImpossible("Cette référence n'existe pas.", CodeErreur.INTROUVABLE) from None
        except EscaladeDejaPrise:
            raise ActionImpossible("Cette conversation est déjà prise en charge ou terminée.") from None
        if self._avec_messages(escalade):
            await self.rasa.ajouter(escalade.sender_id, [evenement_bot(None, conseiller, EVENEMENT_REJOINT)])
        return escalade

    async def _tenue(self, reference: str, conseiller: str) -> EscaladeEnFile:
        escalade = await self._escalade(reference)
        if escalade.etat != EtatEscalade.PRISE or escalade.conseiller != conseiller:
            raise ActionImpossible("Prenez d'abord la conversation en charge.")
        return escalade

    async def repondre(self, reference: str, conseiller: str, texte: str) -> None:
        escalade = await self._tenue(reference, conseiller)
        if not self._avec_messages(escalade):
            raise ActionImpossible("Ce canal ne permet pas d'écrire à l'usager (appel ou demande de rappel).")
        await self.rasa.ajouter(escalade.sender_id, [evenement_bot(nettoyer_message(texte), conseiller)])

    async def rendre(self, reference: str, conseiller: str) -> EscaladeEnFile:
        """Hand back to the bot, which tells the citizen it is listening again."""
        await self._tenue(reference, conseiller)
        escalade = await self._terminer(reference, conseiller, EtatEscalade.RENDUE)
        if self._avec_messages(escalade):
            await self.rasa.ajouter(escalade.sender_id, [evenement_bot(None, conseiller, EVENEMENT_PARTI), {"event": "resume"}])
            await self.rasa.declencher(escalade.sender_id, INTENTION_RETOUR)
        return escalade

    async def clore(self, reference: str, conseiller: str) -> EscaladeEnFile:
        """End the conversation: the bot resumes only to ask the satisfaction question."""
        await self._tenue(reference, conseiller)
        escalade = await self._terminer(reference, conseiller, EtatEscalade.CLOSE)
        if self._avec_messages(escalade):
            await cloturer_dans_rasa(self.rasa, escalade.sender_id, conseiller)
        return escalade

    async def _terminer(self, reference: str, conseiller: str, etat: EtatEscalade) -> EscaladeEnFile:
        try:
            return await self.file.terminer_escalade(reference, conseiller, etat)
        except (EscaladeInconnue, EscaladeDejaPrise):
            raise ActionImpossible("Cette conversation n'est plus prise en charge par vous.") from None


async def cloturer_dans_rasa(rasa: ApiRasa, sender_id: str, conseiller: str) -> None:
    """The agent has gone: the bot resumes and asks the satisfaction question (also used for Chatwoot)."""
    await rasa.ajouter(sender_id, [
        evenement_bot(None, conseiller, EVENEMENT_PARTI), {"event": "resume"},
        {"event": "slot", "name": "note_satisfaction", "value": None},
    ])
    await rasa.declencher(sender_id, INTENTION_FIN)


def evenement_bot(texte: str | None, conseiller: str, custom: dict[str, Any] | None = None) -> dict[str, Any]:
    """A bot event in the agent's name (metadata `auteur: conseiller`), or a custom payload for the widget."""
    evenement: dict[str, Any] = {"event": "bot", "text": texte, "timestamp": time.time(),
                                 "metadata": {"auteur": "conseiller", "conseiller": conseiller}}
    if custom is not None:
        evenement["data"] = {"custom": custom}
    return evenement
