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
