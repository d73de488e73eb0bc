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
With ``mots`` set, TF-IDF of the word n-grams too (same normalisation); with
``vecteurs`` set (``modele``, ``poids``), the mean of the words' static vectors
of an installed spaCy model (serveur_rasa/vecteurs_mots.py), scaled by
``poids``: they carry meaning the spelling does not (« bagnole », « voiture »).
The three blocks are side by side in one sparse matrix. With ``synonymes``
true, each text is first followed by the plain words of the jargon it holds
(the training data's ``synonym:`` table, serveur_rasa/synonymes_jargon.py),
stored with the regression. The spaCy model's name
and version are stored with the regression; a model trained on other vectors
refuses to load. ``C`` is the regression's inverse regularisation
(scikit-learn's, 1.0 by default).

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
from pathlib import Path
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
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from serveur_rasa.synonymes_jargon import TableSynonymes
from serveur_rasa.vecteurs_mots import ModeleVecteursAbsent, VecteursMots, charger

FICHIER_CARACTERES = "caracteres.json"
FICHIER_MOTS = "mots.json"
FICHIER_SYNONYMES = "synonymes.json"
FICHIER_VECTEURS = "vecteurs.json"  # which spaCy model's vectors, to refuse others at load
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
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "caracteres": None, "mots": None,
                "vecteurs": None, "synonymes": False, "retrieval_intent": None}

    def __init__(self, config: dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.C = float(self.config["C"])
        self.vectoriseur: TfidfVectorizer | None = None  # character n-grams
        self.vectoriseur_mots: TfidfVectorizer | None = None
        self.vecteurs: VecteursMots | None = None
        self.synonymes: TableSynonymes | None = None
        self.poids_vecteurs = float((self.config["vecteurs"] or {}).get("poids", 1.0))
        self.intention_recherche: str | None = self.config["retrieval_intent"]
        self.reponses: dict[str, list[dict[str, Any]]] = {}

    def _nouveau_vectoriseur(self, analyse: str = "char_wb") -> TfidfVectorizer:
        reglages = (self.config["caracteres"] if analyse == "char_wb" else self.config["mots"]) or {}
        defauts = (2, 5) if analyse == "char_wb" else (1, 2)
        return TfidfVectorizer(analyzer=analyse, ngram_range=(int(reglages.get("min_ngram", defauts[0])),
                                                              int(reglages.get("max_ngram", defauts[1]))),
                               lowercase=True, strip_accents="unicode", sublinear_tf=True, dtype=np.float64)

    def _traits_propres(self) -> bool:
        return bool(self.config["caracteres"] or self.config["mots"] or self.config["vecteurs"])

    def _create_X(self, messages: list[Message]) -> csr_matrix:
        if not self._traits_propres():
            return super()._create_X(messages)
        textes = self._textes(messages)
        blocs = [v.transform(textes) for v in (self.vectoriseur, self.vectoriseur_mots) if v is not None]
        if self.vecteurs is not None:
            blocs.append(csr_matrix(self.vecteurs.moyennes(textes) * self.poids_vecteurs))
        return blocs[0] if len(blocs) == 1 else hstack(blocs, format="csr")

    def _textes(self, messages: list[Message]) -> list[str]:
        textes = [str(m.get("text") or "") for m in messages]
        return [self.synonymes.developper(t) for t in textes] if self.synonymes is not None else textes

    @staticmethod
    def _exemples(training_data: TrainingData) -> list[Message]:
        return [e for e in training_data.intent_examples if e.get(INTENT) and e.get("text")]

    def train(self, training_data: TrainingData) -> Resource:
        if self.config["synonymes"]:
            self.synonymes = TableSynonymes(training_data.entity_synonyms)
        textes = self._textes(self._exemples(training_data))
        if self.config["caracteres"]:
            self.vectoriseur = self._nouveau_vectoriseur().fit(textes)
        if self.config["mots"]:
            self.vectoriseur_mots = self._nouveau_vectoriseur("word").fit(textes)
        if self.config["vecteurs"]:
            self.vecteurs = charger(str(self.config["vecteurs"]["modele"]))
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
            for fichier, vectoriseur in ((FICHIER_CARACTERES, self.vectoriseur), (FICHIER_MOTS, self.vectoriseur_mots)):
                if vectoriseur is not None:
                    (dossier / fichier).write_text(json.dumps({
                        "vocabulaire": {k: int(v) for k, v in vectoriseur.vocabulary_.items()},
                        "idf": [float(x) for x in vectoriseur.idf_],
                    }, ensure_ascii=False), encoding="utf-8")
            if self.synonymes is not None:
                (dossier / FICHIER_SYNONYMES).write_text(json.dumps(self.synonymes.variantes, ensure_ascii=False),
                                                         encoding="utf-8")
            if self.vecteurs is not None:
                (dossier / FICHIER_VECTEURS).write_text(json.dumps(
                    {"modele": self.vecteurs.modele, "version": self.vecteurs.version, "dimension": self.vecteurs.dimension}))
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
                    composant.vectoriseur = composant._relire_vectoriseur(dossier / FICHIER_CARACTERES, "char_wb")
                if composant.config["mots"]:
                    composant.vectoriseur_mots = composant._relire_vectoriseur(dossier / FICHIER_MOTS, "word")
                if composant.config["vecteurs"]:
                    composant.vecteurs = composant._relire_vecteurs(dossier / FICHIER_VECTEURS)
                if composant.config["synonymes"]:
                    composant.synonymes = TableSynonymes(
                        json.loads((dossier / FICHIER_SYNONYMES).read_text(encoding="utf-8")))
                if composant.intention_recherche:
                    composant.reponses = json.loads((dossier / FICHIER_REPONSES).read_text(encoding="utf-8"))
        except (ValueError, OSError):  # no trained resource yet: Rasa's own rule (an untrained component)
            pass
        return composant

    def _relire_vectoriseur(self, chemin: Path, analyse: str) -> TfidfVectorizer:
        donnees = json.loads(chemin.read_text(encoding="utf-8"))
        vectoriseur = self._nouveau_vectoriseur(analyse)
        vectoriseur.vocabulary_ = donnees["vocabulaire"]
        vectoriseur.idf_ = np.asarray(donnees["idf"], dtype=np.float64)
        return vectoriseur

    def _relire_vecteurs(self, chemin: Path) -> VecteursMots:
        attendu = json.loads(chemin.read_text(encoding="utf-8"))
        vecteurs = charger(str(attendu["modele"]))
        if (vecteurs.version, vecteurs.dimension) != (attendu["version"], attendu["dimension"]):
            raise ModeleVecteursAbsent(
                f"the NLU model was trained with {attendu['modele']} {attendu['version']} ({attendu['dimension']}-d vectors), "
                f"{vecteurs.version} ({vecteurs.dimension}-d) is installed: retrain it (`make train`)")
        return vecteurs

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
