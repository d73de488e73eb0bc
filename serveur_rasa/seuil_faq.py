"""SeuilReponseFaq: an FAQ answer only when the answer selector (ClassifieurSujets) is confident of the topic.

Rasa's FallbackClassifier looks at the intent confidence only. With sixteen
FAQ topics under one retrieval intent, "faq" is a strong intent and off-topic
messages reach it with a confident intent but no clear topic. This component,
placed after the answer selector and the FallbackClassifier, turns such
messages into `nlu_fallback`, the way the FallbackClassifier does, so the
dialogue's fallback rules apply. It does the same when the two likeliest topics
are too close to tell (``ambiguity_threshold``: a confident wrong answer is worse
than the two-button question). And the other way round, an FAQ question whose topic
is beyond doubt is answered even when the FallbackClassifier found "faq" itself too
unsure (``sure_topic_threshold``: « quels sont vos horaires ? » gives faq 0.53 but
horaires_mairie 0.97), as long as "faq" was the likeliest intent with at least
``PLANCHER_SUJET_SUR``. With ``threshold_applies_to: intent_and_topic`` the threshold is
on the topic's probability among all the labels ("faq"'s confidence times the topic's
within the FAQ), the same measure the FallbackClassifier applies to the other
intents: one bar for every answer. All are chosen by cross-validation (`make test-nlu`,
docs/nlu.md).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

NLU_FALLBACK = "nlu_fallback"
MESURES = ("topic", "intent_and_topic")  # what ``threshold`` applies to
PLANCHER_SUJET_SUR = 0.4  # the same floor as guichet/construction/evaluation_nlu.py's search


def confiance_selecteur(message: Message, intention_recherche: str) -> float | None:
    selecteur = (message.get("response_selector") or {}).get(intention_recherche) or {}
    reponse = selecteur.get("response") or {}
    confiance = reponse.get("confidence")
    return float(confiance) if confiance is not None else None


def ecart_selecteur(message: Message, intention_recherche: str) -> float | None:
    """How far the likeliest topic is ahead of the next one (None with fewer than two)."""
    classement = ((message.get("response_selector") or {}).get(intention_recherche) or {}).get("ranking") or []
    confiances = sorted((float(r.get("confidence") or 0.0) for r in classement), reverse=True)
    return confiances[0] - confiances[1] if len(confiances) >= 2 else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SeuilReponseFaq(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"threshold": 0.5, "ambiguity_threshold": 0.0, "sure_topic_threshold": 1.1, "retrieval_intent": "faq",
                "threshold_applies_to": "topic"}

    def __init__(self, config: dict[str, Any]) -> None:
        seuil = float(config["threshold"])
        if not 0.0 <= seuil <= 1.0:
            raise ValueError(f"SeuilReponseFaq: threshold must be in [0, 1], got {seuil}")
        ecart = float(config.get("ambiguity_threshold", 0.0))
        if not 0.0 <= ecart <= 1.0:
            raise ValueError(f"SeuilReponseFaq: ambiguity_threshold must be in [0, 1], got {ecart}")
        self.seuil, self.ecart_min = seuil, ecart
        self.sujet_sur = float(config.get("sure_topic_threshold", 1.1))  # above 1: never
        mesure = str(config.get("threshold_applies_to", "topic"))
        if mesure not in MESURES:
            raise ValueError(f"SeuilReponseFaq: threshold_applies_to must be one of {', '.join(MESURES)}, got {mesure!r}")
        self.conjointe = mesure == "intent_and_topic"
        self.intention_recherche = str(config["retrieval_intent"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SeuilReponseFaq:
        return cls(config)

    def _sauver(self, message: Message) -> None:
        """Undo the FallbackClassifier's fallback when the likeliest intent is the FAQ and its topic is sure."""
        classement = [i for i in message.data.get(INTENT_RANKING_KEY) or [] if i.get(INTENT_NAME_KEY) != NLU_FALLBACK]
        if not classement or classement[0].get(INTENT_NAME_KEY) != self.intention_recherche:
            return
        confiance_faq = float(classement[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        confiance = confiance_selecteur(message, self.intention_recherche)
        if confiance_faq >= PLANCHER_SUJET_SUR and confiance is not None and confiance >= max(self.sujet_sur, self.seuil):
            cle = ((message.get("response_selector") or {}).get(self.intention_recherche) or {}).get("response", {}).get(
                "intent_response_key")
            message.data[INTENT] = {**classement[0], **({"full_retrieval_intent_name": cle} if cle else {})}
            message.data[INTENT_RANKING_KEY] = classement

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intention = message.data.get(INTENT) or {}
            if intention.get(INTENT_NAME_KEY) == NLU_FALLBACK and self.sujet_sur <= 1.0:
                self._sauver(message)
                intention = message.data.get(INTENT) or {}
            if intention.get(INTENT_NAME_KEY) != self.intention_recherche:
                continue
            confiance = confiance_selecteur(message, self.intention_recherche)
            if confiance is not None and self.conjointe:
                confiance *= float(intention.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            ecart = ecart_selecteur(message, self.intention_recherche)
            if confiance is None or (confiance >= self.seuil and (ecart is None or ecart >= self.ecart_min)):
                continue
            repli = {INTENT_NAME_KEY: NLU_FALLBACK, PREDICTED_CONFIDENCE_KEY: self.seuil}
            message.data[INTENT] = repli
            message.data.setdefault(INTENT_RANKING_KEY, []).insert(0, repli)
        return messages
