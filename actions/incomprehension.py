"""Two-stage fallback: suggest the two likeliest topics, then offer a human."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.reponses import libelle

NOM = "action_gerer_incomprehension"
# Intents that make sense as a suggestion, with the payload that triggers them.
INTENTIONS_SUGGERABLES = ("suivre_dossier", "signaler_probleme", "deposer_reclamation", "parler_conseiller")


def _incomprehension_precedente(tracker: Tracker) -> bool:
    """Whether the previous user message was already not understood."""
    utilisateurs_vus = 0
    for evenement in reversed(tracker.events):
        if evenement.get("event") == "user":
            utilisateurs_vus += 1
            if utilisateurs_vus == 2:
                return False
        elif utilisateurs_vus == 1 and evenement.get("event") == "action":
            if evenement.get("name") == NOM:
                return True
    return False


def _sujets_probables(tracker: Tracker, domain: DomainDict, nombre: int = 2) -> list[dict[str, Any]]:
    """[(response key or intent, confidence)] from the intent and response-selector rankings."""
    message = tracker.latest_message or {}
    candidats: dict[str, float] = {}
    selecteur = (message.get("response_selector") or {}).get("faq") or {}
    poids_faq = 0.0
    for intention in message.get("intent_ranking") or []:
        nom, confiance = intention.get("name"), float(intention.get("confidence") or 0)
        if nom == "faq":
            poids_faq = confiance
        elif nom in INTENTIONS_SUGGERABLES:
            candidats[f"/{nom}"] = confiance
    for reponse in selecteur.get("ranking") or []:
        cle = str(reponse.get("intent_response_key", "")).partition("/")[2]
        if f"utter_faq/{cle}" in domain.get("responses", {}):
            candidats[f"faq/{cle}"] = max(poids_faq, 0.01) * float(reponse.get("confidence") or 0)
    meilleurs = sorted(candidats.items(), key=lambda kv: kv[1], reverse=True)[:nombre]
    sujets = []
    for cle, _ in meilleurs:
        if cle.startswith("faq/"):
            sujet = cle.partition("/")[2]
            titre = libelle(domain, f"utter_sujet_{sujet}", sujet)
            charge = "/choisir_sujet" + json.dumps({"sujet": sujet})
        else:
            titre = libelle(domain, f"utter_sujet_{cle[1:]}", cle[1:])
            charge = cle
        sujets.append({"title": titre, "payload": charge})
    return sujets


class ActionGererIncomprehension(Action):
    def name(self) -> str:
        return NOM

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        sujets = _sujets_probables(tracker, domain)
        if _incomprehension_precedente(tracker) or len(sujets) < 2:
            dispatcher.utter_message(response="utter_proposer_conseiller")
            return []
        boutons = [*sujets, {"title": libelle(domain, "utter_aucun_de_ces_sujets", "-"), "payload": "/nier"}]
        dispatcher.utter_message(
            response="utter_suggerer_sujets", buttons=boutons, sujet1=sujets[0]["title"], sujet2=sujets[1]["title"]
        )
        return []


class ActionRepondreSujet(Action):
    """Answers the FAQ topic picked from the suggestions."""

    def name(self) -> str:
        return "action_repondre_sujet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        sujet = next(tracker.get_latest_entity_values("sujet"), None)
        reponse = f"utter_faq/{sujet}"
        if sujet and reponse in domain.get("responses", {}):
            dispatcher.utter_message(response=reponse)
        else:
            dispatcher.utter_message(response="utter_hors_perimetre")
        return []
