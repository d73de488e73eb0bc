"""Reports: category, place and description; duplicates are recognised."""

from __future__ import annotations

import re
from typing import Any

from babel.dates import format_date
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.appel_connecteur import appeler
from actions.choix import analyser_categorie
from actions.contact import normaliser_contact
from actions.reponse_formulaire import extraire_reponse, valider
from actions.reponses import libelle
from actions.texte_libre import texte_entre
from configuration.nombres_francais import date_en_lettres, lire_chiffres
from connecteurs.erreurs import ErreurConnecteur
from connecteurs.modeles import CategorieSignalement, NouveauSignalement

SLOTS_FORMULAIRE = ("categorie_signalement", "adresse_signalement", "description_signalement")


class ValiderFormulaireSignalement(FormValidationAction):
    def name(self) -> str:
        return "validate_formulaire_signalement"

    async def extract_categorie_signalement(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return extraire_reponse(tracker, "categorie_signalement", analyser_categorie)

    async def extract_adresse_signalement(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return extraire_reponse(tracker, "adresse_signalement")

    async def extract_description_signalement(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return extraire_reponse(tracker, "description_signalement")

    async def validate_categorie_signalement(
        self, valeur: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        categorie = analyser_categorie(str(valeur or ""))
        return valider(dispatcher, "categorie_signalement", categorie.value if categorie else None, "utter_categorie_invalide")

    async def validate_adresse_signalement(
        self, valeur: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        adresse = texte_entre(valeur, 4, 300)
        if adresse is not None and len(re.findall(r"[^\W\d_]", adresse)) < 3:
            adresse = None  # a place needs at least a street name
        return valider(dispatcher, "adresse_signalement", adresse, "utter_adresse_invalide")

    async def validate_description_signalement(
        self, valeur: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return valider(dispatcher, "description_signalement", texte_entre(valeur, 3, 2000), "utter_description_invalide")


class ActionCreerSignalement(Action):
    def name(self) -> str:
        return "action_creer_signalement"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        s = await services.obtenir()
        remise_a_zero: list[EventType] = [SlotSet(nom, None) for nom in SLOTS_FORMULAIRE]
        categorie = CategorieSignalement(tracker.get_slot("categorie_signalement"))
        adresse = tracker.get_slot("adresse_signalement")
        try:
            doublon = await appeler("chercher_doublon", s.grc.chercher_doublon(categorie, adresse), s.config.delai_connecteur)
            if doublon is not None:
                dispatcher.utter_message(
                    response="utter_signalement_doublon",
                    numero=doublon.numero,
                    date=format_date(doublon.cree_le.date(), format="long", locale="fr_FR"),
                    date_voix=date_en_lettres(doublon.cree_le.date()),
                    etat=libelle(domain, f"utter_etat_signalement_{doublon.etat.value}", doublon.etat.value),
                )
                return [*remise_a_zero, SlotSet("signalement_doublon", True), SlotSet("numero_signalement", doublon.numero)]
            nouveau = NouveauSignalement(
                categorie=categorie,
                adresse=adresse,
                description=tracker.get_slot("description_signalement"),
                canal=tracker.get_latest_input_channel() or "inconnu",
                sender_id=tracker.sender_id,
            )
            cree = await appeler("creer_signalement", s.grc.creer_signalement(nouveau), s.config.delai_connecteur)
        except ErreurConnecteur:
            # the answers stay in the slots: an adviser sees them, and asking again retries
            dispatcher.utter_message(response="utter_service_indisponible")
            return [SlotSet("signalement_doublon", False)]
        dispatcher.utter_message(response="utter_signalement_cree", numero=cree.numero, numero_voix=lire_chiffres(cree.numero))
        return [*remise_a_zero, SlotSet("signalement_doublon", False), SlotSet("numero_signalement", cree.numero)]


class ValiderFormulaireAbonnement(FormValidationAction):
    def name(self) -> str:
        return "validate_formulaire_abonnement"

    async def extract_contact_abonnement(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return extraire_reponse(tracker, "contact_abonnement", normaliser_contact)

    async def validate_contact_abonnement(
        self, valeur: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return valider(dispatcher, "contact_abonnement", normaliser_contact(str(valeur or "")), "utter_contact_invalide")


class ActionAbonnerSignalement(Action):
    def name(self) -> str:
        return "action_abonner_signalement"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        s = await services.obtenir()
        numero = tracker.get_slot("numero_signalement")
        try:
            await appeler("abonner", s.grc.abonner(numero, tracker.get_slot("contact_abonnement")), s.config.delai_connecteur)
        except ErreurConnecteur:
            dispatcher.utter_message(response="utter_service_indisponible")
        else:
            dispatcher.utter_message(response="utter_abonnement_enregistre", numero=numero)
        return [SlotSet("contact_abonnement", None), SlotSet("signalement_doublon", False)]
