from actions.incomprehension import ActionGererIncomprehension, ActionRepondreSujet
from actions.reponse_formulaire import extraire_reponse
from actions.satisfaction import ActionEnregistrerSatisfaction, ValiderFormulaireSatisfaction
from configuration.numero_dossier import normaliser_numero_dossier
from tests.actions.conftest import reponses, tracker

CLASSEMENT = {
    "intent_ranking": [
        {"name": "faq", "confidence": 0.6},
        {"name": "suivre_dossier", "confidence": 0.2},
        {"name": "hors_perimetre", "confidence": 0.1},
    ],
    "response_selector": {"faq": {"ranking": [
        {"intent_response_key": "faq/passeport", "confidence": 0.5},
        {"intent_response_key": "faq/carte_identite", "confidence": 0.4},
        {"intent_response_key": "faq/urbanisme", "confidence": 0.1},
    ]}},
}


async def test_first_misunderstanding_suggests_two_topics(dispatcher, domaine):
    t = tracker(texte="pasport?", intention="nlu_fallback", extra_message=CLASSEMENT)
    await ActionGererIncomprehension().run(dispatcher, t, domaine)
    [message] = dispatcher.messages
    assert message["response"] == "utter_suggerer_sujets"
    titres = [b["title"] for b in message["buttons"]]
    assert titres == ["Passeport", "Carte d'identité", "Aucun de ces sujets"]
    assert message["buttons"][0]["payload"] == '/choisir_sujet{"sujet": "passeport"}'
    assert (message["sujet1"], message["sujet2"]) == ("Passeport", "Carte d'identité")


async def test_second_misunderstanding_in_a_row_offers_a_human(dispatcher, domaine):
    evenements = [
        {"event": "user", "text": "bla", "parse_data": {}},
        {"event": "action", "name": "action_gerer_incomprehension"},
        {"event": "user", "text": "bli", "parse_data": {}},
    ]
    t = tracker(texte="bli", intention="nlu_fallback", evenements=evenements, extra_message=CLASSEMENT)
    await ActionGererIncomprehension().run(dispatcher, t, domaine)
    assert reponses(dispatcher) == ["utter_proposer_conseiller"]


async def test_picked_topic_is_answered(dispatcher, domaine):
    t = tracker(extra_message={"entities": [{"entity": "sujet", "value": "passeport"}]})
    await ActionRepondreSujet().run(dispatcher, t, domaine)
    t = tracker(extra_message={"entities": [{"entity": "sujet", "value": "<script>"}]})
    await ActionRepondreSujet().run(dispatcher, t, domaine)
    assert reponses(dispatcher) == ["utter_faq/passeport", "utter_hors_perimetre"]


def test_valid_form_answer_wins_over_a_leave_intent():
    t = tracker({"requested_slot": "numero_dossier"}, texte="non c'est le 24578301", intention="nier", confiance=0.9)
    assert extraire_reponse(t, "numero_dossier", normaliser_numero_dossier) == {"numero_dossier": "non c'est le 24578301"}


def test_confident_leave_intent_exits_the_form():
    t = tracker({"requested_slot": "numero_dossier"}, texte="je veux parler à quelqu'un", intention="parler_conseiller", confiance=0.9)
    assert extraire_reponse(t, "numero_dossier", normaliser_numero_dossier) == {}
    t = tracker({"requested_slot": "adresse_signalement"}, texte="/parler_conseiller", intention="parler_conseiller")
    assert extraire_reponse(t, "adresse_signalement") == {}


def test_free_text_answer_needs_a_very_confident_leave_intent():
    t = tracker({"requested_slot": "description_signalement"}, texte="non plus rien ne marche", intention="nier", confiance=0.7)
    assert extraire_reponse(t, "description_signalement") == {"description_signalement": "non plus rien ne marche"}
    t = tracker({"requested_slot": "numero_dossier"}, texte="...", intention="nier", confiance=0.9)
    assert extraire_reponse(t, "description_signalement") == {}  # not the requested slot


async def test_satisfaction(grc, installer_services, dispatcher, domaine, tmp_path):
    installer_services(grc)
    v = ValiderFormulaireSatisfaction()
    assert await v.validate_note_satisfaction("4/5", dispatcher, tracker(), domaine) == {"note_satisfaction": "4"}
    assert await v.validate_note_satisfaction("quelle heure est-il", dispatcher, tracker(), domaine) == {"note_satisfaction": "sans_reponse"}
    await ActionEnregistrerSatisfaction().run(dispatcher, tracker({"note_satisfaction": "sans_reponse"}), domaine)
    assert dispatcher.messages == []
    await ActionEnregistrerSatisfaction().run(dispatcher, tracker({"note_satisfaction": "oui"}), domaine)
    assert reponses(dispatcher) == ["utter_merci_avis"]
    import sqlite3

    assert sqlite3.connect(tmp_path / "grc.sqlite3").execute("SELECT note FROM satisfactions").fetchall() == [("oui",)]


def test_confident_question_pauses_a_formatted_answer_but_not_free_text():
    t = tracker({"requested_slot": "numero_dossier"}, texte="quels sont vos horaires", intention="faq", confiance=0.95)
    assert extraire_reponse(t, "numero_dossier", normaliser_numero_dossier) == {}
    t = tracker({"requested_slot": "description_signalement"}, texte="les horaires de la déchetterie", intention="faq", confiance=0.95)
    assert extraire_reponse(t, "description_signalement") == {"description_signalement": "les horaires de la déchetterie"}
