"""Bounded NLU work per message: the pipeline reads at most LONGUEUR_NLU characters.

Rasa runs the NLU pipeline on the server's event loop: a 5,000-character message
(the channels' limit) kept every other conversation waiting for its spaCy parse.
`BorneTexteNlu`, first in the pipeline, gives the tokenizer and the intent
classifier the message's first LONGUEUR_NLU characters (cut at a space; what a
message is about is said at its start); `RestaureTexteNlu`, right after the
intent classifiers, puts the whole text back, so the entity extractors (case
numbers, dates), the conversation store and the actions see every character.
Nothing is lost: only the classification is bounded.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

LONGUEUR_NLU = 1000
CLE_TEXTE_COMPLET = "guichet_texte_complet"


def borner(texte: str, longueur: int = LONGUEUR_NLU) -> str:
    """The start of the text the classifier reads: at most `longueur` characters, cut at a space when there is one."""
    if len(texte) <= longueur:
        return texte
    debut = texte[:longueur]
    coupe = debut.rsplit(" ", 1)[0]
    return coupe if len(coupe) >= longueur // 2 else debut


class _Composant(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"longueur": LONGUEUR_NLU}

    def __init__(self, config: dict[str, Any]) -> None:
        self.longueur = int(config["longueur"])
        if self.longueur < 100:
            raise ValueError(f"{type(self).__name__}: longueur must be at least 100, got {self.longueur}")

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GraphComponent:
        return cls(config)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class BorneTexteNlu(_Composant):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            texte = message.get(TEXT)
            if isinstance(texte, str) and len(texte) > self.longueur:
                message.set(CLE_TEXTE_COMPLET, texte)
                message.set(TEXT, borner(texte, self.longueur))
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RestaureTexteNlu(_Composant):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            complet = message.data.pop(CLE_TEXTE_COMPLET, None)
            if complet is not None:
                message.set(TEXT, complet)
        return messages
