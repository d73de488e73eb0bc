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


# -- its own character n-grams, and the answer selected in place of the ResponseSelector ---------------------
QUESTIONS = {
    "faq/carte_identite": ["comment refaire ma carte d'identité", "carte d'identité perdue", "renouveler la carte nationale d'identité",
                           "papiers d'identité volés que faire"],
    "faq/passeport": ["faire un passeport", "délai pour un passeport", "passeport expiré renouvellement",
                      "rendez-vous pour le passeport"],
    "saluer": ["bonjour", "salut", "bonsoir madame", "coucou"],
}
REPONSES = {"utter_faq/carte_identite": [{"text": "La carte d'identité se demande en mairie."}],
            "utter_faq/passeport": [{"text": "Le passeport se demande sur rendez-vous."}],
            "utter_saluer": [{"text": "Bonjour !"}]}
CONFIG = {"caracteres": {"min_ngram": 2, "max_ngram": 5}, "C": 30, "retrieval_intent": "faq", "ranking_length": 10,
          "max_iter": 1000}


def entrainer(tmp_path, config=CONFIG, questions=QUESTIONS, synonymes=None):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    stockage = LocalModelStorage(tmp_path)
    ressource = Resource("classifieur_sujets")
    contexte = ExecutionContext(GraphSchema({}), "essai")
    c = ClassifieurSujets.create(config, stockage, ressource, contexte)
    messages = []
    for etiquette, textes in questions.items():
        intention, _, _ = etiquette.partition("/")
        for texte in textes:
            donnees = {"text": texte, "intent": intention}
            if intention == "faq":
                donnees["intent_response_key"] = etiquette
            messages.append(Message(data=donnees))
    c.train(TrainingData(training_examples=messages, responses=REPONSES, entity_synonyms=synonymes or {}))
    return c, (stockage, ressource, contexte)


def test_trained_on_character_ngrams_it_reads_misspellings_and_selects_the_answer(tmp_path):
    c, _ = entrainer(tmp_path)
    assert c.vectoriseur is not None and c.vectoriseur.analyzer == "char_wb"
    (message,) = c.process([Message(data={"text": "CARTE DIDENTITE perdu"})])  # no accent, no apostrophe, capitals
    assert message.get("intent")["name"] == "faq"
    selecteur = message.get("response_selector")
    assert selecteur["all_retrieval_intents"] == ["faq"]
    reponse = selecteur["faq"]["response"]
    assert reponse["intent_response_key"] == "faq/carte_identite" and reponse["utter_action"] == "utter_faq/carte_identite"
    assert reponse["responses"] == REPONSES["utter_faq/carte_identite"]  # the texts echoed, only the FAQ's
    assert set(c.reponses) == {"utter_faq/carte_identite", "utter_faq/passeport"}
    classement = selecteur["faq"]["ranking"]
    assert [r["intent_response_key"] for r in classement] == ["faq/carte_identite", "faq/passeport"]
    assert sum(r["confidence"] for r in classement) == pytest.approx(1.0)  # within the FAQ
    assert reponse["confidence"] == classement[0]["confidence"] > 0.5
    assert all(isinstance(r["id"], int) for r in classement) and classement[0]["id"] != classement[1]["id"]
    (salut,) = c.process([Message(data={"text": "bonjouuur"})])
    assert salut.get("intent")["name"] == "saluer"


def test_persisted_and_loaded_it_answers_the_same(tmp_path):
    c, (stockage, ressource, contexte) = entrainer(tmp_path)
    relu = ClassifieurSujets.load(CONFIG, stockage, ressource, contexte)
    assert relu.vectoriseur is not None and relu.reponses == c.reponses
    for texte in ("je veux un passeport", "bonsoir", "carte d identite", "n'importe quoi"):
        (a,) = c.process([Message(data={"text": texte})])
        (b,) = relu.process([Message(data={"text": texte})])
        assert [i["name"] for i in a.get("intent_ranking")] == [i["name"] for i in b.get("intent_ranking")]
        assert [i["confidence"] for i in a.get("intent_ranking")] == pytest.approx([i["confidence"] for i in b.get("intent_ranking")])
        assert a.get("response_selector") == b.get("response_selector")


def test_an_untrained_resource_loads_as_an_untrained_component(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    c = ClassifieurSujets.load(CONFIG, LocalModelStorage(tmp_path), Resource("absent"), ExecutionContext(GraphSchema({}), "essai"))
    assert c.vectoriseur is None and c.reponses == {}


# -- word n-grams and word vectors beside the character n-grams ------------------------------------------
COMPLET = {**CONFIG, "mots": {"min_ngram": 1, "max_ngram": 2}, "vecteurs": {"modele": "fr_core_news_md", "poids": 1.0}}


SYNONYMES = {"faq/stationnement": ["où garer ma voiture", "parking pour la voiture", "stationner mon automobile", "place de parking"],
             "faq/collecte_dechets": ["quand passe la poubelle", "ramassage des ordures", "sortir les déchets", "le camion poubelle"],
             "saluer": ["bonjour", "salut", "bonsoir madame", "coucou"]}


def sujet(c, texte):
    (m,) = c.process([Message(data={"text": texte})])
    return m.get("response_selector")["faq"]["response"]["intent_response_key"]


def test_word_vectors_place_synonyms_no_training_word_shares(tmp_path):
    (tmp_path / "complet").mkdir()
    (tmp_path / "caracteres").mkdir()
    c, _ = entrainer(tmp_path / "complet", COMPLET, SYNONYMES)
    assert c.vectoriseur_mots is not None and c.vecteurs is not None and c.vecteurs.dimension == 300
    x = c._create_X([Message(data={"text": "voiture"})])
    assert x.shape[1] == len(c.vectoriseur.vocabulary_) + len(c.vectoriseur_mots.vocabulary_) + 300
    assert sujet(c, "véhicule") == sujet(c, "bagnole") == "faq/stationnement"
    assert sujet(c, "immondices") == "faq/collecte_dechets"
    # the character n-grams alone put the two car words with the bins (they share no n-gram with the car questions)
    seuls, _ = entrainer(tmp_path / "caracteres", CONFIG, SYNONYMES)
    assert sujet(seuls, "véhicule") == sujet(seuls, "bagnole") == "faq/collecte_dechets"


def test_persisted_with_its_vectors_model_and_refused_with_another(tmp_path, monkeypatch):
    import json

    from serveur_rasa import classifieur_sujets
    from serveur_rasa.vecteurs_mots import ModeleVecteursAbsent

    c, (stockage, ressource, contexte) = entrainer(tmp_path, COMPLET)
    c.persist()
    relu = ClassifieurSujets.load(COMPLET, stockage, ressource, contexte)
    for texte in ("je veux un passeport", "bonsoir", "carte d identite"):
        (a,) = c.process([Message(data={"text": texte})])
        (b,) = relu.process([Message(data={"text": texte})])
        assert [i["confidence"] for i in a.get("intent_ranking")] == pytest.approx([i["confidence"] for i in b.get("intent_ranking")])
    with stockage.read_from(ressource) as dossier:
        assert json.loads((dossier / classifieur_sujets.FICHIER_VECTEURS).read_text()) == {
            "modele": "fr_core_news_md", "version": c.vecteurs.version, "dimension": 300}
    autre = type(c.vecteurs)(modele="fr_core_news_md", version="0.0.1", table=c.vecteurs.table)
    monkeypatch.setattr(classifieur_sujets, "charger", lambda modele: autre)  # another version installed since training
    with pytest.raises(ModeleVecteursAbsent, match="retrain it"):
        ClassifieurSujets.load(COMPLET, stockage, ressource, contexte)


# -- the jargon table ----------------------------------------------------------------------------------------
def test_the_jargon_table_is_read_persisted_and_reloaded(tmp_path):
    import json

    from serveur_rasa import classifieur_sujets

    avec = {**CONFIG, "synonymes": True}
    (tmp_path / "avec").mkdir()
    (tmp_path / "sans").mkdir()
    table = {"CNI": "carte nationale d'identité"}

    def confiance(c, texte, cle):
        (m,) = c.process([Message(data={"text": texte})])
        return next(r["confidence"] for r in m.get("response_selector")["faq"]["ranking"] if r["intent_response_key"] == cle)

    c, (stockage, ressource, contexte) = entrainer(tmp_path / "avec", avec, synonymes=table)
    sans, _ = entrainer(tmp_path / "sans", CONFIG, synonymes=table)
    assert sans.synonymes is None and c.synonymes is not None
    assert sujet(c, "refaire ma CNI") == "faq/carte_identite"
    assert confiance(c, "ma CNI", "faq/carte_identite") > confiance(sans, "ma CNI", "faq/carte_identite") + 0.2
    (m,) = c.process([Message(data={"text": "ma CNI"})])
    assert m.get("text") == "ma CNI"  # the message is left as written: only the features see the plain words
    c.persist()
    with stockage.read_from(ressource) as dossier:
        assert json.loads((dossier / classifieur_sujets.FICHIER_SYNONYMES).read_text()) == {"cni": "carte nationale d'identité"}
    relu = ClassifieurSujets.load(avec, stockage, ressource, contexte)
    assert relu.synonymes is not None
    assert confiance(relu, "ma CNI", "faq/carte_identite") == pytest.approx(confiance(c, "ma CNI", "faq/carte_identite"))
