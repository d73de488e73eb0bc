"""Two FAQ questions in one message (serveur_rasa/deux_questions.py): the first answered, the second offered."""

from __future__ import annotations

import json

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.reponses import libelle


class ActionRepondreDeuxQuestions(Action):
    def name(self) -> str:
        return "action_repondre_deux_questions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        premier = next(tracker.get_latest_entity_values("premier_sujet"), None)
        second = next(tracker.get_latest_entity_values("deuxieme_sujet"), None)
        reponses = domain.get("responses", {})
        if f"utter_faq/{premier}" not in reponses:
            dispatcher.utter_message(response="utter_hors_perimetre")
            return []
        dispatcher.utter_message(response=f"utter_faq/{premier}")
        if second and second != premier and f"utter_faq/{second}" in reponses:
            titre = libelle(domain, f"utter_sujet_{second}", second)
            bouton = {"title": titre, "payload": "/choisir_sujet" + json.dumps({"sujet": second})}
            dispatcher.utter_message(response="utter_deuxieme_question", buttons=[bouton], sujet=titre)
        return []
