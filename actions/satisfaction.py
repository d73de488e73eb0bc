"""The satisfaction question at the end of a conversation."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.appel_connecteur import appeler
from actions.choix import analyser_note
from connecteurs.erreurs import ErreurConnecteur
from connecteurs.modeles import Satisfaction

logger = logging.getLogger(__name__)
SANS_REPONSE = "sans_reponse"


class ValiderFormulaireSatisfaction(FormValidationAction):
    def name(self) -> str:
        return "validate_formulaire_satisfaction"

    async def extract_note_satisfaction(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # any answer ends the question, except asking for an adviser
        if tracker.get_slot("requested_slot") != "note_satisfaction":
            return {}
        intention = (tracker.latest_message or {}).get("intent") or {}
        if intention.get("name") == "parler_conseiller" and float(intention.get("confidence") or 0) >= 0.5:
            return {}
        return {"note_satisfaction": (tracker.latest_message or {}).get("text") or ""}

    async def validate_note_satisfaction(
        self, valeur: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # Asked once: an answer that is not a rating ends the question without one.
        return {"note_satisfaction": analyser_note(str(valeur or "")) or SANS_REPONSE}


class ActionEnregistrerSatisfaction(Action):
    def name(self) -> str:
        return "action_enregistrer_satisfaction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        note = tracker.get_slot("note_satisfaction")
        if note in (None, SANS_REPONSE):
            return []
        s = await services.obtenir()
        satisfaction = Satisfaction(tracker.sender_id, tracker.get_latest_input_channel() or "inconnu", note)
        try:
            await appeler("enregistrer_satisfaction", s.grc.enregistrer_satisfaction(satisfaction), s.config.delai_connecteur)
        except ErreurConnecteur:
            logger.warning("satisfaction answer not stored")
        dispatcher.utter_message(response="utter_merci_avis")
        return []
