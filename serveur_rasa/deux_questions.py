"""DeuxQuestions: a message that asks two FAQ questions gets the first answered and the second offered.

« je veux refaire ma carte d'identité et aussi mon passeport »: the answer selector
answers one topic of the whole message; the other one was lost. This component,
placed after SeuilReponseFaq, looks only at FAQ messages with a coordination
(« et aussi », « ainsi que », « et puis », « et », a question mark followed by
more text…). It cuts the message there and places each part on its nearest
topic (TF-IDF of character 3–5-grams, one centroid per FAQ entry, learnt from
the FAQ's training questions). When one part clearly belongs to another entry
than the one answered (``seuil``: similarity to that entry's centroid;
``ecart``: its lead over the next entry) and another part to the answered one,
the message's intent becomes ``deux_questions`` with the entries in the
``premier_sujet`` (answered) and ``deuxieme_sujet`` (offered) entities. A
fallback whose likeliest intent is the FAQ (two questions often leave the
answer selector unsure) is treated the same when two parts fall clearly on two
different entries, the first one answered.
The dialogue answers the first question the citizen asked and offers the other as a button
(actions/incomprehension.py, ActionRepondreDeuxQuestions). Thresholds chosen by
cross-validation on pairs of training questions (`make test-nlu`, docs/nlu.md).
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer

INTENTION = "deux_questions"
ENTITE, ENTITE_PREMIER = "deuxieme_sujet", "premier_sujet"
REPLI = "nlu_fallback"
# where a second question begins: a coordination, or a question mark with more text after it
LIAISON = (r"(?:et\s+aussi|et\s+puis|et\s+[ée]galement|et\s+en\s+plus|ainsi\s+que|par\s+ailleurs|autre\s+question\s*:?|"
           r"[ée]galement|aussi|et)")
COUPURE = re.compile(rf"\s*(?:\?+(?:\s*{LIAISON}\b)?|[,;.]?\s+{LIAISON}\b)\s*", re.IGNORECASE)
MOTS_MIN = 2  # a part shorter than this is not a question of its own
LONGUEUR_MAX = 1000  # characters looked at (serveur_rasa/borne_nlu.py: a maximal message costs no more)


def vectoriseur(vocabulaire: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, strip_accents="unicode",
                           lowercase=True, vocabulary=vocabulaire, dtype=np.float32)


def parties(texte: str) -> list[str]:
    """The message cut at its coordinations; only the parts of at least MOTS_MIN words."""
    return [p.strip() for p in COUPURE.split(texte[:LONGUEUR_MAX]) if len(p.split()) >= MOTS_MIN]


class Centroides:
    """One normalised TF-IDF centroid per FAQ entry."""

    def __init__(self, vecteur: TfidfVectorizer, matrice: np.ndarray, sujets: list[str]) -> None:
        self.vecteur, self.matrice, self.sujets = vecteur, matrice, sujets

    @classmethod
    def apprendre(cls, exemples: list[tuple[str, str]]) -> Centroides:
        vecteur = vectoriseur()
        x = vecteur.fit_transform([t for t, _ in exemples])
        sujets = sorted({s for _, s in exemples})
        lignes = []
        for sujet in sujets:
            moyenne = np.asarray(x[[i for i, (_, s) in enumerate(exemples) if s == sujet]].mean(axis=0)).ravel()
            lignes.append(moyenne / (np.linalg.norm(moyenne) or 1.0))
        return cls(vecteur, np.vstack(lignes).astype(np.float32), sujets)

    def classer(self, texte: str) -> tuple[str, float, float]:
        """(nearest entry, its cosine similarity, its lead over the next entry)."""
        similarites = (self.vecteur.transform([texte]) @ self.matrice.T).ravel()
        ordre = np.argsort(similarites)[::-1]
        premier = float(similarites[ordre[0]])
        second = float(similarites[ordre[1]]) if len(ordre) > 1 else 0.0
        return self.sujets[ordre[0]], premier, premier - second


def deuxieme_sujet(centroides: Centroides, texte: str, repondu: str, seuil: float, ecart: float) -> str | None:
    """The other FAQ entry a message asks about besides ``repondu``, or None."""
    paire = sujets_dans_l_ordre(centroides, texte, repondu, seuil, ecart)
    return None if paire is None else paire[1] if paire[0] == repondu else paire[0]


def sujets_dans_l_ordre(centroides: Centroides, texte: str, repondu: str, seuil: float, ecart: float) -> tuple[str, str] | None:
    """``repondu`` and the other entry the message asks about, in the order the citizen asked them; None if no other."""
    morceaux = parties(texte)
    if len(morceaux) < 2:
        return None
    classes = [centroides.classer(m) for m in morceaux]
    rang_repondu = next((i for i, (sujet, _, _) in enumerate(classes) if sujet == repondu), None)
    if rang_repondu is None:
        return None  # the answered question is not one of the parts: the cut is not between two questions
    autres = [(sim, i, sujet) for i, (sujet, sim, avance) in enumerate(classes) if sujet != repondu and sim >= seuil and avance >= ecart]
    if not autres:
        return None
    _, rang, autre = max(autres)
    return (autre, repondu) if rang < rang_repondu else (repondu, autre)


def deux_sujets(centroides: Centroides, texte: str, seuil: float, ecart: float) -> tuple[str, str] | None:
    """The two FAQ entries of a message the answer selector could not settle on: its parts placed clearly on two
    different entries, in the message's order; None otherwise."""
    morceaux = parties(texte)
    if len(morceaux) < 2:
        return None
    surs = [sujet for sujet, sim, avance in (centroides.classer(m) for m in morceaux) if sim >= seuil and avance >= ecart]
    distincts = list(dict.fromkeys(surs))
    return (distincts[0], distincts[1]) if len(distincts) >= 2 else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class DeuxQuestions(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"retrieval_intent": "faq", "seuil": 0.3, "ecart": 0.05}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 centroides: Centroides | None = None) -> None:
        self.intention_recherche = str(config["retrieval_intent"])
        self.seuil, self.ecart = float(config["seuil"]), float(config["ecart"])
        if not 0.0 <= self.seuil <= 1.0 or not 0.0 <= self.ecart <= 1.0:
            raise ValueError("DeuxQuestions: seuil and ecart must be in [0, 1]")
        self._stockage, self._ressource, self.centroides = model_storage, resource, centroides

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> DeuxQuestions:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        exemples = [(m.get("text"), str(m.get("intent_response_key")).partition("/")[2]) for m in training_data.intent_examples
                    if m.get(INTENT) == self.intention_recherche and m.get("intent_response_key") and m.get("text")]
        if len({s for _, s in exemples}) < 2:
            return self._ressource
        centroides = Centroides.apprendre(exemples)
        with self._stockage.write_to(self._ressource) as dossier:
            (dossier / "vocabulaire.json").write_text(json.dumps(centroides.vecteur.vocabulary_, ensure_ascii=False), encoding="utf-8")
            (dossier / "sujets.json").write_text(json.dumps(centroides.sujets, ensure_ascii=False), encoding="utf-8")
            np.save(dossier / "idf.npy", centroides.vecteur.idf_.astype(np.float32), allow_pickle=False)
            np.save(dossier / "centroides.npy", centroides.matrice, allow_pickle=False)
        return self._ressource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> DeuxQuestions:
        try:
            with model_storage.read_from(resource) as dossier:
                vocabulaire = {str(k): int(v) for k, v in json.loads((dossier / "vocabulaire.json").read_text(encoding="utf-8")).items()}
                sujets = json.loads((dossier / "sujets.json").read_text(encoding="utf-8"))
                vecteur = vectoriseur(vocabulaire)
                vecteur.idf_ = np.load(dossier / "idf.npy", allow_pickle=False)
                matrice = np.load(dossier / "centroides.npy", allow_pickle=False)
        except (ValueError, FileNotFoundError):  # trained with fewer than two entries: nothing to tell apart
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, Centroides(vecteur, matrice, sujets))

    def _faq_incertaine(self, message: Message) -> bool:
        """A fallback whose likeliest intent is the FAQ: two questions often make the topic uncertain."""
        classement = [i for i in message.get("intent_ranking") or [] if i.get(INTENT_NAME_KEY) != REPLI]
        return bool(classement) and classement[0].get(INTENT_NAME_KEY) == self.intention_recherche

    def process(self, messages: list[Message]) -> list[Message]:
        if self.centroides is None:
            return messages
        for message in messages:
            intention = message.data.get(INTENT) or {}
            nom = intention.get(INTENT_NAME_KEY)
            texte = message.get("text") or ""
            if nom not in (self.intention_recherche, REPLI) or not COUPURE.search(texte[:LONGUEUR_MAX]):
                continue
            if nom == self.intention_recherche:
                cle = (((message.get("response_selector") or {}).get(self.intention_recherche) or {}).get("response") or {}).get(
                    "intent_response_key") or ""
                repondu = cle.partition("/")[2]
                sujets = sujets_dans_l_ordre(self.centroides, texte, repondu, self.seuil, self.ecart) if repondu else None
            else:
                sujets = deux_sujets(self.centroides, texte, self.seuil, self.ecart) if self._faq_incertaine(message) else None
            if sujets is None:
                continue
            message.data[INTENT] = {INTENT_NAME_KEY: INTENTION, PREDICTED_CONFIDENCE_KEY: intention.get(PREDICTED_CONFIDENCE_KEY, 1.0)}
            message.data[ENTITIES] = [
                *(message.data.get(ENTITIES) or []),
                {"entity": ENTITE_PREMIER, "value": sujets[0], "extractor": self.__class__.__name__},
                {"entity": ENTITE, "value": sujets[1], "extractor": self.__class__.__name__},
            ]
        return messages
