"""ClassifieurSujets: trained on the FAQ topics as classes, it ranks intents with "faq" worth the sum of its topics."""

import numpy as np
import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix

from serveur_rasa.classifieur_sujets import ClassifieurSujets

# one feature per label: the classes are separable, the probabilities known in order
EXEMPLES = [("carte", "faq", "faq/carte_identite"), ("passeport", "faq", "faq/passeport"),
            ("bonjour", "saluer", None), ("conseiller", "parler_conseiller", None)]


def vecteur(texte: str) -> list[float]:
    return [float(texte == mot) for mot, _, _ in EXEMPLES]


@pytest.fixture
def classifieur(monkeypatch):
    c = ClassifieurSujets({"ranking_length": 10}, "classifieur", None, None)  # type: ignore[arg-type]
    monkeypatch.setattr(c, "_create_X", lambda messages: csr_matrix([vecteur(m.get("text")) for m in messages]))
    monkeypatch.setattr(c, "persist", lambda: None)
    messages = []
    for texte, intention, cle in EXEMPLES * 5:
        donnees = {"text": texte, "intent": intention}
        if cle:
            donnees["intent_response_key"] = cle
        messages.append(Message(data=donnees))
    c.train(TrainingData(training_examples=messages))
    return c


def test_the_topics_are_the_classes(classifieur):
    assert sorted(classifieur.clf.classes_) == ["faq/carte_identite", "faq/passeport", "parler_conseiller", "saluer"]


def test_faq_is_worth_the_sum_of_its_topics(classifieur):
    (message,) = classifieur.process([Message(data={"text": "carte"})])
    probas = dict(zip(classifieur.clf.classes_, classifieur.clf.predict_proba(csr_matrix([vecteur("carte")]))[0], strict=True))
    classement = message.get("intent_ranking")
    assert [i["name"] for i in classement][0] == "faq" and message.get("intent")["name"] == "faq"
    assert {i["name"] for i in classement} == {"faq", "saluer", "parler_conseiller"}
    faq = next(i["confidence"] for i in classement if i["name"] == "faq")
    assert faq == pytest.approx(probas["faq/carte_identite"] + probas["faq/passeport"])
    assert sum(i["confidence"] for i in classement) == pytest.approx(1.0)
    assert [i["confidence"] for i in classement] == sorted((i["confidence"] for i in classement), reverse=True)


def test_other_intents_keep_their_probability(classifieur):
    (message,) = classifieur.process([Message(data={"text": "bonjour"})])
    assert message.get("intent")["name"] == "saluer"
    probas = classifieur.clf.predict_proba(csr_matrix([vecteur("bonjour")]))[0]
    assert message.get("intent")["confidence"] == pytest.approx(float(np.max(probas)))


def test_no_message_no_work(classifieur):
    assert classifieur.process([]) == []
