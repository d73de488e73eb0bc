"""ClassifieurSujets: Rasa's logistic regression, taught the FAQ topics instead of one "faq" intent.

With one "faq" class for sixteen topics (403 examples about identity cards, bins,
weddings…), the intent classifier has to draw one region around very different
questions, and its "faq" confidence is low exactly on the FAQ questions phrased
unlike the training ones (docs/nlu.md: most in-scope fallbacks had the right topic
in the ResponseSelector). Here each topic is a class of its own (``faq/<topic>``,
as the training data names it); the intent ranking it gives the rest of the
pipeline is the usual one, with "faq" worth the sum of its topics' probabilities.
Same features, same solver, same persistence as ``LogisticRegressionClassifier``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from scipy.sparse import csr_matrix

SEPARATEUR = "/"


def intention_de(classe: str) -> str:
    return classe.split(SEPARATEUR, 1)[0]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ClassifieurSujets(LogisticRegressionClassifier):
    def _create_training_matrix(self, training_data: TrainingData) -> tuple[csr_matrix, list[str]]:
        exemples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get("text")]
        etiquettes = [str(e.get(INTENT_RESPONSE_KEY) or e.get(INTENT)) for e in exemples]
        return self._create_X(exemples), etiquettes

    def process(self, messages: list[Message]) -> list[Message]:
        if not messages:
            return messages
        probas = self.clf.predict_proba(self._create_X(messages))
        for message, ligne in zip(messages, probas, strict=True):
            par_intention: dict[str, float] = defaultdict(float)
            for classe, p in zip(self.clf.classes_, ligne, strict=True):
                par_intention[intention_de(str(classe))] += float(p)
            classement: list[dict[str, Any]] = [{"name": k, "confidence": v}
                                                 for k, v in sorted(par_intention.items(), key=lambda kv: -kv[1])]
            intention = classement[0]
            if self.config[RANKING_LENGTH] > 0:
                classement = classement[: self.config[RANKING_LENGTH]]
            message.set("intent", intention, add_to_output=True)
            message.set("intent_ranking", classement, add_to_output=True)
        return messages
