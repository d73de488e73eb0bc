"""Clearing what a cancelled form had collected."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


class ActionReinitialiserFormulaires(Action):
    def name(self) -> str:
        return "action_reinitialiser_formulaires"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        requis = {slot for form in domain.get("forms", {}).values() for slot in form.get("required_slots", [])}
        requis.discard("note_satisfaction")
        return [SlotSet(slot, None) for slot in sorted(requis) if tracker.get_slot(slot) is not None]
