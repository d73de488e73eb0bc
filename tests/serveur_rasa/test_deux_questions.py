"""Two FAQ questions in one message: the cut, the nearest entries, the component as Rasa runs it (trained, stored, loaded)."""

from __future__ import annotations

from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from serveur_rasa.deux_questions import Centroides, DeuxQuestions, deuxieme_sujet, parties

EXEMPLES = {
    "passeport": ["faire un passeport", "renouveler mon passeport", "passeport perdu", "délai pour un passeport",
                  "passeport pour un enfant"],
    "carte_identite": ["refaire ma carte d'identité", "carte d'identité périmée", "CNI volée",
                       "rendez-vous pour une carte d'identité", "carte nationale d'identité pour mon fils"],
    "dechetterie": ["horaires de la déchetterie", "où jeter des gravats", "déchèterie ouverte dimanche",
                    "apporter un frigo à la déchetterie", "déchets verts à la déchetterie"],
}


def donnees() -> list[tuple[str, str]]:
    return [(t, s) for s, textes in EXEMPLES.items() for t in textes]


def test_a_message_is_cut_at_its_coordinations_only_into_parts_that_can_be_questions():
    assert parties("je veux refaire ma carte d'identité et aussi mon passeport") == ["je veux refaire ma carte d'identité", "mon passeport"]
    assert parties("horaires de la mairie ? et la déchetterie elle ouvre quand") == ["horaires de la mairie", "la déchetterie elle ouvre quand"]
    assert parties("passeport et CNI") == []  # one-word parts are not questions of their own
    assert parties("x" * 5000 + " et aussi mon passeport") == []  # only the first 1,000 characters are read


def test_the_second_question_is_found_only_beside_the_answered_one():
    centroides = Centroides.apprendre(donnees())
    texte = "je veux refaire ma carte d'identité et aussi mon passeport"
    assert deuxieme_sujet(centroides, texte, "carte_identite", 0.25, 0.1) == "passeport"
    assert deuxieme_sujet(centroides, texte, "passeport", 0.25, 0.1) == "carte_identite"  # whichever was answered
    assert deuxieme_sujet(centroides, texte, "dechetterie", 0.25, 0.1) is None  # the answer is not one of the parts
    assert deuxieme_sujet(centroides, "renouveler mon passeport et aussi faire un passeport pour mon fils", "passeport", 0.25, 0.1) is None
    assert deuxieme_sujet(centroides, texte, "carte_identite", 0.99, 0.1) is None  # not similar enough


def message(texte: str, cle: str) -> Message:
    return Message(data={"text": texte, "intent": {"name": "faq", "confidence": 0.9}, "entities": [],
                         "response_selector": {"faq": {"response": {"intent_response_key": cle, "confidence": 0.8}}}})


def test_the_component_trained_stored_and_loaded_as_rasa_does(tmp_path):
    stockage, ressource = LocalModelStorage(tmp_path), Resource("deux_questions")
    config = {**DeuxQuestions.get_default_config(), "seuil": 0.25, "ecart": 0.1}
    exemples = [Message(data={"text": t, "intent": "faq", "intent_response_key": f"faq/{s}"}) for t, s in donnees()]
    exemples.append(Message(data={"text": "bonjour", "intent": "saluer"}))
    DeuxQuestions(config, stockage, ressource).train(TrainingData(exemples))
    composant = DeuxQuestions.load(config, stockage, ressource, execution_context=None)  # type: ignore[arg-type]
    double = message("je veux refaire ma carte d'identité et aussi mon passeport", "faq/carte_identite")
    simple = message("renouveler mon passeport et aussi pour mon fils", "faq/passeport")
    autre = Message(data={"text": "bonjour et merci", "intent": {"name": "saluer", "confidence": 0.9}, "entities": []})
    composant.process([double, simple, autre])
    assert double.get("intent")["name"] == "deux_questions"
    assert double.get("entities") == [{"entity": "premier_sujet", "value": "carte_identite", "extractor": "DeuxQuestions"},
                                      {"entity": "deuxieme_sujet", "value": "passeport", "extractor": "DeuxQuestions"}]
    assert double.get("response_selector")["faq"]["response"]["intent_response_key"] == "faq/carte_identite"  # still answered
    assert simple.get("intent")["name"] == "faq" and autre.get("intent")["name"] == "saluer"
    # the ResponseSelector answered the second question asked: the first asked is answered, the other offered
    inverse = message("je veux refaire ma carte d'identité et aussi mon passeport", "faq/passeport")
    # a fallback whose likeliest intent is the FAQ, unsure between the two: both found, in the order asked
    repli = message("horaires de la déchetterie ? et aussi renouveler mon passeport", "faq/dechetterie")
    repli.set("intent", {"name": "nlu_fallback", "confidence": 0.7}, add_to_output=True)
    repli.set("intent_ranking", [{"name": "nlu_fallback", "confidence": 0.7}, {"name": "faq", "confidence": 0.6}], add_to_output=True)
    repli_autre = message("horaires de la déchetterie ? et aussi renouveler mon passeport", "faq/dechetterie")
    repli_autre.set("intent", {"name": "nlu_fallback", "confidence": 0.7}, add_to_output=True)
    repli_autre.set("intent_ranking", [{"name": "nlu_fallback", "confidence": 0.7}, {"name": "saluer", "confidence": 0.6}],
                    add_to_output=True)
    composant.process([inverse, repli, repli_autre])
    assert [e["value"] for e in inverse.get("entities")] == ["carte_identite", "passeport"]
    assert repli.get("intent")["name"] == "deux_questions" and [e["value"] for e in repli.get("entities")] == ["dechetterie", "passeport"]
    assert repli_autre.get("intent")["name"] == "nlu_fallback"  # not an FAQ message: the fallback stays
    # trained on fewer than two entries: the component stays silent
    vide = Resource("vide")
    DeuxQuestions(config, stockage, vide).train(TrainingData([exemples[0]]))
    silencieux = DeuxQuestions.load(config, stockage, vide, execution_context=None)  # type: ignore[arg-type]
    encore = message("je veux refaire ma carte d'identité et aussi mon passeport", "faq/carte_identite")
    silencieux.process([encore])
    assert encore.get("intent")["name"] == "faq"
