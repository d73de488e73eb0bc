"""Complaints: subject, description, contact -> a number and the reply delay."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.appel_connecteur import appeler
from actions.contact import normaliser_contact
from actions.reponse_formulaire import extraire_reponse, valider
from actions.texte_libre import texte_entre
from configuration.nombres_francais import lire_chiffres, nombre_en_lettres
from connecteurs.erreurs import ErreurConnecteur
from connecteurs.modeles import NouvelleReclamation

SLOTS_FORMULAIRE = ("sujet_reclamation", "description_reclamation", "contact_reclamation")


class ValiderFormulaireReclamation(FormValidationAction):
    def name(self) -> str:
        return "validate_formulaire_reclamation"

    async def extract_sujet_reclamation(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return extraire_reponse(tracker, "sujet_reclamation")

    async def extract_description_reclamation(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return extraire_reponse(tracker, "description_reclamation")

    async def extract_contact_reclamation(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return extraire_reponse(tracker, "contact_reclamation", normaliser_contact)

    async def validate_sujet_reclamation(
        self, valeur: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return valider(dispatcher, "sujet_reclamation", texte_entre(valeur, 2, 200), "utter_description_invalide")

    async def validate_description_reclamation(
        self, valeur: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return valider(dispatcher, "description_reclamation", texte_entre(valeur, 3, 5000), "utter_description_invalide")

    async def validate_contact_reclamation(
        self, valeur: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return valider(dispatcher, "contact_reclamation", normaliser_contact(str(valeur or "")), "utter_contact_invalide")


class ActionCreerReclamation(Action):
    def name(self) -> str:
        return "action_creer_reclamation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        s = await services.obtenir()
        nouvelle = NouvelleReclamation(
            sujet=tracker.get_slot("sujet_reclamation"),
            description=tracker.get_slot("description_reclamation"),
            contact=tracker.get_slot("contact_reclamation"),
            canal=tracker.get_latest_input_channel() or "inconnu",
            sender_id=tracker.sender_id,
        )
        try:
            creee = await appeler("creer_reclamation", s.grc.creer_reclamation(nouvelle), s.config.delai_connecteur)
        except ErreurConnecteur:
            # the answers stay in the slots: an adviser sees them, and asking again retries
            dispatcher.utter_message(response="utter_service_indisponible")
            return []
        dispatcher.utter_message(
            response="utter_reclamation_creee",
            numero=creee.numero,
            numero_voix=lire_chiffres(creee.numero),
            delai=creee.delai_reponse_jours,
            delai_voix=nombre_en_lettres(creee.delai_reponse_jours),
        )
        return [SlotSet(nom, None) for nom in SLOTS_FORMULAIRE]
