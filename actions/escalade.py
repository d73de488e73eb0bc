"""Hand-over to a human: record the full context, pause the bot, give a reference.

Outside the advisers' hours, a callback request is taken instead. The bot is
paused with Rasa's own ConversationPaused event; the agents' side resumes it
with a ConversationResumed event (POST /conversations/<id>/tracker/events).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.appel_connecteur import appeler
from actions.choix import analyser_creneau
from actions.contact import normaliser_telephone
from actions.contexte_conversation import construire_contexte
from actions.reponse_formulaire import extraire_reponse, valider
from actions.source import source
from configuration.nombres_francais import lire_chiffres
from connecteurs.erreurs import ErreurConnecteur
from connecteurs.modeles import CreneauRappel, DemandeRappel


class ActionEscalader(Action):
    def name(self) -> str:
        return "action_escalader"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        s = await services.obtenir()
        if not s.commune.horaires_conseillers.est_ouvert(s.horloge()):
            return [SlotSet("proposer_rappel", True)]
        if s.quotas is not None and not await s.quotas.prendre("escalade", source(tracker)):
            dispatcher.utter_message(response="utter_trop_de_demandes")
            return [SlotSet("proposer_rappel", False)]
        try:
            escalade = await appeler("creer_escalade", s.grc.creer_escalade(construire_contexte(tracker)), s.config.delai_connecteur)
        except ErreurConnecteur:
            dispatcher.utter_message(response="utter_escalade_indisponible")
            return [SlotSet("proposer_rappel", False)]
        dispatcher.utter_message(
            response="utter_escalade_en_cours",
            reference=escalade.reference,
            reference_voix=lire_chiffres(escalade.reference),
        )
        # The bot listens (silently, while paused): after a ConversationResumed
        # event the next message is handled as a fresh turn.
        return [
            SlotSet("proposer_rappel", False),
            SlotSet("reference_escalade", escalade.reference),
            ConversationPaused(),
            ActionExecuted("action_listen"),
        ]


class ValiderFormulaireRappel(FormValidationAction):
    def name(self) -> str:
        return "validate_formulaire_rappel"

    async def extract_creneau_rappel(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return extraire_reponse(tracker, "creneau_rappel", analyser_creneau)

    async def extract_telephone_rappel(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return extraire_reponse(tracker, "telephone_rappel", normaliser_telephone)

    async def validate_creneau_rappel(
        self, valeur: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        creneau = analyser_creneau(str(valeur or ""))
        return valider(dispatcher, "creneau_rappel", creneau.value if creneau else None, "utter_creneau_invalide")

    async def validate_telephone_rappel(
        self, valeur: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return valider(dispatcher, "telephone_rappel", normaliser_telephone(str(valeur or "")), "utter_telephone_invalide")


class ActionEnregistrerRappel(Action):
    def name(self) -> str:
        return "action_enregistrer_rappel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        s = await services.obtenir()
        if s.quotas is not None and not await s.quotas.prendre("rappel", source(tracker)):
            dispatcher.utter_message(response="utter_trop_de_demandes")
            return [SlotSet("proposer_rappel", False), SlotSet("creneau_rappel", None), SlotSet("telephone_rappel", None)]
        demande = DemandeRappel(
            creneau=CreneauRappel(tracker.get_slot("creneau_rappel")),
            telephone=tracker.get_slot("telephone_rappel"),
            contexte=construire_contexte(tracker),
        )
        try:
            rappel = await appeler("creer_rappel", s.grc.creer_rappel(demande), s.config.delai_connecteur)
        except ErreurConnecteur:
            dispatcher.utter_message(response="utter_escalade_indisponible")
            return [SlotSet("proposer_rappel", False)]
        dispatcher.utter_message(
            response="utter_rappel_enregistre", reference=rappel.reference, reference_voix=lire_chiffres(rappel.reference)
        )
        return [
            SlotSet("proposer_rappel", False),
            SlotSet("reference_escalade", rappel.reference),
            SlotSet("creneau_rappel", None),
            SlotSet("telephone_rappel", None),
        ]
