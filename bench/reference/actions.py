"""The reference bot's one custom action: the report form's validation (rasa-sdk)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict


class ValidateFormulaireSignalement(FormValidationAction):
    def name(self) -> str:
        return "validate_formulaire_signalement"

    def validate_description_signalement(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        texte = str(value or "").strip()
        return {"description_signalement": texte[:1000] if len(texte) >= 3 else None}

    def validate_adresse_signalement(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        texte = str(value or "").strip()
        return {"adresse_signalement": texte[:200] if texte else None}
