"""Rasa's SpacyNLP without the components the pipeline never reads.

Rasa loads the spaCy model with its parser off; its named-entity recogniser stays
on, yet no component of bot/config.yml reads spaCy's entities (case numbers and
dates come from the regex extractor). On a 2-core server the recogniser was a
fifth of the CPU of every turn (py-spy, docs/performances.md). Token vectors,
lemmas and morphology (what the tokenizer and featurizers read) are unchanged.
The class keeps Rasa's name: the spaCy tokenizer and featurizer find their model
provider by that name.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils import spacy_utils
from rasa.nlu.utils.spacy_utils import SpacyModel

COMPOSANTS_INUTILES = ("parser", "ner")


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    @staticmethod
    def load_model(spacy_model_name: str) -> SpacyModel:
        modele = spacy_utils.SpacyNLP.load_model(spacy_model_name)
        for nom in COMPOSANTS_INUTILES:
            if nom in modele.model.pipe_names:
                modele.model.disable_pipe(nom)
        return modele
