"""ClassifieurSujets: Rasa's logistic regression, taught the FAQ topics instead of one "faq" intent.

With one "faq" class for sixteen topics (403 examples about identity cards, bins,
weddings…), the intent classifier has to draw one region around very different
questions, and its "faq" confidence is low exactly on the FAQ questions phrased
unlike the training ones (docs/nlu.md: most in-scope fallbacks had the right topic
in the ResponseSelector). Here each topic is a class of its own (``faq/<topic>``,
as the training data names it); the intent ranking it gives the rest of the
pipeline is the usual one, with "faq" worth the sum of its topics' probabilities.
Same solver and persistence as ``LogisticRegressionClassifier``.

Its features: by default the pipeline's (as Rasa's classifier). With
``caracteres`` set, its own instead: TF-IDF of the character n-grams of the
words (``char_wb``, ``min_ngram``–``max_ngram``, accents and case removed,
sublinear counts, each message's vector of length one), learnt from the
training texts and stored beside the regression as plain JSON. Measured on
the independent phrases (docs/nlu.md), these generalise better than the
pipeline's raw counts and spaCy vectors: misspellings, missing accents and
unseen word forms still share most of their n-grams with the training words.
``C`` is the regression's inverse regularisation (scikit-learn's, 1.0 by default).

With ``retrieval_intent`` set (``faq``), it also selects the answer, in place of
Rasa's ResponseSelector: the message's ``response_selector`` is filled exactly
as the ResponseSelector fills it (the likeliest topic with its response key,
utter action and texts, and the ranking), each topic's confidence being its
probability within the FAQ (its own divided by the sum of the topics'). One
regression for the intent and the topic: the same topic accuracy on the
independent phrases as the ResponseSelector's, without a TensorFlow model to
load and to run at every message (docs/nlu.md, docs/performances.md).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY, RESPONSE_IDENTIFIER_DELIMITER
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

FICHIER_CARACTERES = "caracteres.json"
FICHIER_REPONSES = "ClassifieurSujets.responses.json"  # the answers' texts, echoed as the ResponseSelector does
TAILLE_CLASSEMENT_SUJETS = 10


def identifiant(cle: str) -> int:
    """A stable id per response key, in the ranking's ``id`` field as the ResponseSelector gives one."""
    return int.from_bytes(hashlib.sha256(cle.encode("utf-8")).digest()[:6], "big")


def intention_de(classe: str) -> str:
    return classe.split(RESPONSE_IDENTIFIER_DELIMITER, 1)[0]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ClassifieurSujets(LogisticRegressionClassifier):
    @classmethod
    def required_components(cls) -> list[type]:
        return []  # with ``caracteres``, no featurizer is needed; without, the pipeline's featurizers run before it

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "caracteres": None,
                "retrieval_intent": None}

    def __init__(self, config: dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.C = float(self.config["C"])
        self.vectoriseur: TfidfVectorizer | None = None
        self.intention_recherche: str | None = self.config["retrieval_intent"]
        self.reponses: dict[str, list[dict[str, Any]]] = {}

    def _nouveau_vectoriseur(self) -> TfidfVectorizer:
        reglages = self.config["caracteres"] or {}
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(int(reglages.get("min_ngram", 2)), int(reglages.get("max_ngram", 5))),
                               lowercase=True, strip_accents="unicode", sublinear_tf=True, dtype=np.float64)

    def _create_X(self, messages: list[Message]) -> csr_matrix:
        if self.vectoriseur is None:
            return super()._create_X(messages)
        return self.vectoriseur.transform([str(m.get("text") or "") for m in messages])

    @staticmethod
    def _exemples(training_data: TrainingData) -> list[Message]:
        return [e for e in training_data.intent_examples if e.get(INTENT) and e.get("text")]

    def train(self, training_data: TrainingData) -> Resource:
        if self.config["caracteres"]:
            self.vectoriseur = self._nouveau_vectoriseur().fit([str(e.get("text")) for e in self._exemples(training_data)])
        if self.intention_recherche:
            prefixe = intent_response_key_to_template_key(self.intention_recherche + RESPONSE_IDENTIFIER_DELIMITER)
            self.reponses = {nom: list(v) for nom, v in (training_data.responses or {}).items() if nom.startswith(prefixe)}
        return super().train(training_data)

    def _create_training_matrix(self, training_data: TrainingData) -> tuple[csr_matrix, list[str]]:
        exemples = self._exemples(training_data)
        return self._create_X(exemples), [str(e.get(INTENT_RESPONSE_KEY) or e.get(INTENT)) for e in exemples]

    def persist(self) -> None:
        super().persist()
        with self._model_storage.write_to(self._resource) as dossier:
            if self.vectoriseur is not None:
                (dossier / FICHIER_CARACTERES).write_text(json.dumps({
                    "vocabulaire": {k: int(v) for k, v in self.vectoriseur.vocabulary_.items()},
                    "idf": [float(x) for x in self.vectoriseur.idf_],
                }, ensure_ascii=False), encoding="utf-8")
            if self.intention_recherche:
                (dossier / FICHIER_REPONSES).write_text(json.dumps(self.reponses, ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> ClassifieurSujets:
        composant = super().load(config, model_storage, resource, execution_context, **kwargs)
        assert isinstance(composant, ClassifieurSujets)
        try:
            with model_storage.read_from(resource) as dossier:
                if composant.config["caracteres"]:
                    donnees = json.loads((dossier / FICHIER_CARACTERES).read_text(encoding="utf-8"))
                    vectoriseur = composant._nouveau_vectoriseur()
                    vectoriseur.vocabulary_ = donnees["vocabulaire"]
                    vectoriseur.idf_ = np.asarray(donnees["idf"], dtype=np.float64)
                    composant.vectoriseur = vectoriseur
                if composant.intention_recherche:
                    composant.reponses = json.loads((dossier / FICHIER_REPONSES).read_text(encoding="utf-8"))
        except (ValueError, OSError):  # no trained resource yet: Rasa's own rule (an untrained component)
            pass
        return composant

    def process(self, messages: list[Message]) -> list[Message]:
        if not messages:
            return messages
        probas = self.clf.predict_proba(self._create_X(messages))
        classes = [str(c) for c in self.clf.classes_]
        intentions = [intention_de(c) for c in classes]
        sujets = [i for i, nom in enumerate(intentions) if nom == self.intention_recherche]
        for message, ligne in zip(messages, probas, strict=True):
            par_intention: dict[str, float] = defaultdict(float)
            for intention, p in zip(intentions, ligne, strict=True):
                par_intention[intention] += float(p)
            classement: list[dict[str, Any]] = [{"name": k, "confidence": v}
                                                 for k, v in sorted(par_intention.items(), key=lambda kv: -kv[1])]
            premiere = classement[0]
            if self.config[RANKING_LENGTH] > 0:
                classement = classement[: self.config[RANKING_LENGTH]]
            message.set("intent", premiere, add_to_output=True)
            message.set("intent_ranking", classement, add_to_output=True)
            if sujets:
                self._selectionner(message, [(classes[i], float(ligne[i])) for i in sujets])
        return messages

    def _selectionner(self, message: Message, sujets: list[tuple[str, float]]) -> None:
        """The ResponseSelector's output for the retrieval intent, from its topics' probabilities."""
        assert self.intention_recherche is not None
        total = sum(p for _, p in sujets) or 1.0
        classement = sorted(((c, p / total) for c, p in sujets), key=lambda cp: -cp[1])
        cle, confiance = classement[0]
        action = intent_response_key_to_template_key(cle)
        proprietes: dict[str, Any] = dict(message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {})
        proprietes[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = [self.intention_recherche]
        proprietes[self.intention_recherche] = {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                RESPONSE_SELECTOR_RESPONSES_KEY: self.reponses.get(action) or [{"text": cle}],
                PREDICTED_CONFIDENCE_KEY: confiance,
                INTENT_RESPONSE_KEY: cle,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: action,
            },
            RESPONSE_SELECTOR_RANKING_KEY: [{"id": identifiant(c), PREDICTED_CONFIDENCE_KEY: p, INTENT_RESPONSE_KEY: c}
                                            for c, p in classement[:TAILLE_CLASSEMENT_SUJETS]],
        }
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, proprietes, add_to_output=True)
