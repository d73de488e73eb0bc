"""Taking a form answer from free text, while letting the citizen leave the form.

Slots answered in free text use custom mappings: the form's validation action
extracts the text with :func:`extraire_reponse`. A valid answer always wins
(so "voirie" fills the category even if NLU hesitates); otherwise a confident
"leave" intent (adviser, goodbye, no) extracts nothing, the form rejects, and
the rules for leaving a form apply. Likewise a confident question (FAQ, "are
you a robot?") where a formatted answer was expected is answered by the rules,
and the form asks its question again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

INTENTIONS_SORTIE = frozenset({"parler_conseiller", "au_revoir", "nier"})
# A question asked in the middle of a form is answered, then the form goes on.
INTENTIONS_PARENTHESE = frozenset({"faq", "bot_challenge"})
SEUIL_PARENTHESE = 0.8
SEUIL_SORTIE_REPONSE_ANALYSABLE = 0.5  # the answer has a format and did not match it
SEUIL_SORTIE_TEXTE_LIBRE = 0.8  # any text is a valid answer: leave only when NLU is sure


def extraire_reponse(
    tracker: Tracker, slot: str, analyseur: Callable[[str], Any] | None = None
) -> dict[str, Any]:
    if tracker.get_slot("requested_slot") != slot:
        return {}
    message = tracker.latest_message or {}
    texte = str(message.get("text") or "")
    if texte.startswith("/"):  # a button payload naming an intent is never an answer
        return {}
    if analyseur is not None and analyseur(texte) is not None:
        return {slot: texte}
    intention = message.get("intent") or {}
    nom, confiance = intention.get("name"), float(intention.get("confidence") or 0)
    seuil = SEUIL_SORTIE_TEXTE_LIBRE if analyseur is None else SEUIL_SORTIE_REPONSE_ANALYSABLE
    if nom in INTENTIONS_SORTIE and confiance >= seuil:
        return {}
    if analyseur is not None and nom in INTENTIONS_PARENTHESE and confiance >= SEUIL_PARENTHESE:
        return {}
    return {slot: texte}


def valider(dispatcher: CollectingDispatcher, slot: str, valeur: Any, reponse_si_invalide: str) -> dict[str, Any]:
    """The slot set to the normalised value; None (asked again, after the given answer) if invalid."""
    if valeur is None:
        dispatcher.utter_message(response=reponse_si_invalide)
    return {slot: valeur}
