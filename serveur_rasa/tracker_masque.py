"""Rasa's SQL tracker store, with personal data masked before anything is written.

The conversation in memory keeps what the citizen typed for the turn being
processed (the NLU and the actions need it); what is stored — and so what later
turns, the steering figures and the agents see — has e-mail addresses, phone
numbers, NIR and IBAN replaced by labels, contact slots masked, and the answer
given to the identity check (birth date or e-mail) replaced by "***".
Select it in endpoints.yml: ``tracker_store: type: serveur_rasa.tracker_masque.TrackerStoreMasque``
(same parameters as ``type: SQL``).
"""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from serveur_rasa.masquage import masquer

logger = logging.getLogger(__name__)

MASQUE = "***"
SLOTS_PREUVE = frozenset({"date_naissance", "courriel_identite"})  # answers used once, for the identity check
SLOTS_PERSONNELS = frozenset({"contact_abonnement", "contact_reclamation", "telephone_rappel"})
SLOTS_TEXTE_LIBRE = frozenset({"description_signalement", "description_reclamation", "sujet_reclamation"})


def masquer_evenement(donnees: dict[str, Any], slot_demande: str | None) -> dict[str, Any]:
    """A stored copy of one event (``Event.as_dict()``) with its personal data masked."""
    d = copy.deepcopy(donnees)
    genre = d.get("event")
    if genre == "user":
        texte = MASQUE if slot_demande in SLOTS_PREUVE else masquer(str(d.get("text") or ""))
        d["text"] = texte
        if isinstance(d.get("parse_data"), dict):
            d["parse_data"]["text"] = texte
            for entite in d["parse_data"].get("entities") or []:
                if isinstance(entite, dict) and isinstance(entite.get("value"), str):
                    entite["value"] = MASQUE if slot_demande in SLOTS_PREUVE else masquer(entite["value"])
    elif genre == "bot":
        d["text"] = masquer(str(d.get("text") or "")) if d.get("text") else d.get("text")
    elif genre == "slot" and isinstance(d.get("value"), str):
        nom = d.get("name")
        if nom in SLOTS_PREUVE and d["value"] != MASQUE:
            d["value"] = MASQUE
        elif nom in SLOTS_PERSONNELS or nom in SLOTS_TEXTE_LIBRE:
            d["value"] = masquer(d["value"])
    return d


class TrackerStoreMasque(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.session_scope() as session:
            nouveaux = list(self._additional_events(session, tracker))
            debut = len(tracker.events) - len(nouveaux)
            slot_demande: str | None = None
            for index, evenement in enumerate(tracker.events):
                donnees = evenement.as_dict()
                if index >= debut:
                    stocke = masquer_evenement(donnees, slot_demande)
                    session.add(self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=evenement.type_name,
                        timestamp=stocke.get("timestamp"),
                        intent_name=(stocke.get("parse_data") or {}).get("intent", {}).get("name"),
                        action_name=stocke.get("name"),
                        data=json.dumps(stocke),
                    ))
                if donnees.get("event") == "slot" and donnees.get("name") == "requested_slot":
                    slot_demande = donnees.get("value")
                elif donnees.get("event") == "active_loop" and not donnees.get("name"):
                    slot_demande = None
            session.commit()
        logger.debug("tracker stored with personal data masked")
