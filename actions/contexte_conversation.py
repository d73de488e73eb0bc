"""The full context of a conversation, for the adviser who takes it over."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from configuration.masquage import SLOTS_TEXTE_LIBRE, masquer
from configuration.preuves_identite import MASQUE, SLOTS_PREUVE
from connecteurs.modeles import ContexteConversation, TourConversation

# Slots never copied into an escalation (the identity proof is used once, for the check).
SLOTS_EXCLUS = SLOTS_PREUVE | {"requested_slot"}# (the free-text slots are masked like the transcript; the contact and callback slots stay: the agent answers on them)


def construire_contexte(tracker: Tracker) -> ContexteConversation:
    transcription: list[TourConversation] = []
    intentions: list[dict[str, Any]] = []
    slot_demande: str | None = None
    for evenement in tracker.events:
        genre = evenement.get("event")
        if genre == "slot" and evenement.get("name") == "requested_slot":
            slot_demande = evenement.get("value")
        elif genre == "user":
            intention = (evenement.get("parse_data") or {}).get("intent") or {}
            nom, confiance = intention.get("name"), intention.get("confidence")
            # the stored events are masked already, the message of this turn is not yet: mask them all alike
            texte = MASQUE if slot_demande in SLOTS_PREUVE else masquer(evenement.get("text") or "")
            transcription.append(TourConversation("usager", texte, float(evenement.get("timestamp") or 0), nom, confiance))
            if nom:
                intentions.append({"intention": nom, "confiance": confiance})
        elif genre == "bot":
            transcription.append(TourConversation("bot", masquer(evenement.get("text") or ""),
                                                  float(evenement.get("timestamp") or 0)))
    slots = {k: masquer(v) if k in SLOTS_TEXTE_LIBRE and isinstance(v, str) else v
             for k, v in tracker.current_slot_values().items() if k not in SLOTS_EXCLUS and v is not None}
    metadonnees = (tracker.latest_message or {}).get("metadata") or {}
    return ContexteConversation(
        sender_id=tracker.sender_id,
        canal=tracker.get_latest_input_channel() or "inconnu",
        transcription=tuple(transcription),
        intentions=tuple(intentions),
        slots=slots,
        verification_identite=tracker.get_slot("verification_identite"),
        numero_appelant=metadonnees.get("numero_appelant"),
    )
