"""SeuilReponseFaq on Rasa messages: an FAQ answer only when its topic is confident and clearly ahead."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from serveur_rasa.seuil_faq import SeuilReponseFaq


def message(confiances: list[float], intention: str = "faq") -> Message:
    classement = [{"intent_response_key": f"faq/sujet{i}", "confidence": c} for i, c in enumerate(confiances)]
    return Message(data={
        "text": "une question", "intent": {"name": intention, "confidence": 0.9},
        "intent_ranking": [{"name": intention, "confidence": 0.9}],
        "response_selector": {"faq": {"response": {"intent_response_key": "faq/sujet0", "confidence": confiances[0]},
                                      "ranking": classement}},
    })


@pytest.mark.parametrize("confiances, repli", [
    ([0.9, 0.05], False),  # confident and clearly ahead: answered
    ([0.5, 0.1], True),  # under the threshold
    ([0.7, 0.62], True),  # confident, but the runner-up is too close: ask instead of guessing
    ([0.7, 0.5], False),
    ([0.8], False),  # a single candidate has no runner-up
])
def test_low_or_ambiguous_topics_become_the_fallback(confiances, repli):
    composant = SeuilReponseFaq({"threshold": 0.6, "ambiguity_threshold": 0.1, "retrieval_intent": "faq"})
    [m] = composant.process([message(confiances)])
    assert (m.data["intent"]["name"] == "nlu_fallback") is repli
    assert m.data["intent_ranking"][0]["name"] == ("nlu_fallback" if repli else "faq")


def test_other_intents_are_left_alone_and_settings_are_checked():
    composant = SeuilReponseFaq({"threshold": 0.6, "ambiguity_threshold": 0.1, "retrieval_intent": "faq"})
    [m] = composant.process([message([0.3, 0.29], intention="suivre_dossier")])
    assert m.data["intent"]["name"] == "suivre_dossier"
    for mauvais in ({"threshold": 1.5}, {"threshold": 0.5, "ambiguity_threshold": -0.1}):
        with pytest.raises(ValueError):
            SeuilReponseFaq({"retrieval_intent": "faq", **mauvais})
    assert SeuilReponseFaq.get_default_config()["ambiguity_threshold"] == 0.0


@pytest.mark.parametrize("confiance_faq, confiance_sujet, sauve", [
    (0.53, 0.97, True),  # « quels sont vos horaires ? »: faq unsure, its topic beyond doubt
    (0.35, 0.97, False),  # faq itself too weak
    (0.53, 0.80, False),  # the topic is not sure enough
])
def test_a_sure_faq_topic_rescues_the_fallback(confiance_faq, confiance_sujet, sauve):
    composant = SeuilReponseFaq({"threshold": 0.6, "sure_topic_threshold": 0.9, "retrieval_intent": "faq"})
    m = message([confiance_sujet, 0.02])
    m.data["intent"] = {"name": "nlu_fallback", "confidence": 0.55}  # what the FallbackClassifier left
    m.data["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.55}, {"name": "faq", "confidence": confiance_faq},
                                {"name": "bot_challenge", "confidence": 0.26}]
    [m] = composant.process([m])
    if sauve:
        assert m.data["intent"] == {"name": "faq", "confidence": confiance_faq, "full_retrieval_intent_name": "faq/sujet0"}
        assert [i["name"] for i in m.data["intent_ranking"]] == ["faq", "bot_challenge"]
    else:
        assert m.data["intent"]["name"] == "nlu_fallback"
    sans = SeuilReponseFaq({"threshold": 0.6, "retrieval_intent": "faq"})  # not configured: never rescues
    m2 = message([0.97, 0.02])
    m2.data["intent"], m2.data["intent_ranking"] = {"name": "nlu_fallback", "confidence": 0.55}, [
        {"name": "nlu_fallback", "confidence": 0.55}, {"name": "faq", "confidence": 0.53}]
    assert sans.process([m2])[0].data["intent"]["name"] == "nlu_fallback"


@pytest.mark.parametrize("confiance_faq, confiance_sujet, repli", [
    (0.9, 0.9, False),  # 0.81: the topic is likely among all labels
    (0.6, 0.9, True),  # 0.54: sure of the topic within the FAQ, but "faq" itself is doubtful
    (0.95, 0.55, True),  # 0.52: "faq" is sure, the topic is not
])
def test_the_threshold_can_apply_to_the_topics_joint_probability(confiance_faq, confiance_sujet, repli):
    composant = SeuilReponseFaq({"threshold": 0.6, "retrieval_intent": "faq", "threshold_applies_to": "intent_and_topic"})
    m = message([confiance_sujet, 0.02])
    m.data["intent"]["confidence"] = confiance_faq
    [m] = composant.process([m])
    assert (m.data["intent"]["name"] == "nlu_fallback") is repli
    seul = SeuilReponseFaq({"threshold": 0.6, "retrieval_intent": "faq"})  # the topic's own confidence, by default
    assert seul.process([message([confiance_sujet, 0.02])])[0].data["intent"]["name"] == (
        "nlu_fallback" if confiance_sujet < 0.6 else "faq")
    with pytest.raises(ValueError, match="threshold_applies_to"):
        SeuilReponseFaq({"threshold": 0.6, "retrieval_intent": "faq", "threshold_applies_to": "both"})
