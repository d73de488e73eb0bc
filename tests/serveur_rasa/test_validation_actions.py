"""The action server's answers are checked as strictly as Rasa does, with the schema compiled once."""

from __future__ import annotations

import subprocess
import sys

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from serveur_rasa import validation_actions

VALIDES = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "requested_slot", "value": "adresse_signalement", "timestamp": None}],
     "responses": [{"response": "utter_ask_adresse_signalement"}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "action_escalader"}]},
    {"events": [{"event": "user", "text": "bonjour", "parse_data": {"intent": {"name": "saluer", "confidence": 0.9},
                                                                     "entities": [{"entity": "e", "value": 1}]}}]},
]
INVALIDES = [
    {"events": [{"name": "requested_slot", "value": 1}]},  # no "event"
    {"events": [{"event": "slot", "name": "x"}]},  # a slot event without value
    {"events": [{"event": "inconnu"}]},  # matches no event kind
    {"events": "pas une liste"},
    {"events": [], "responses": ["pas un objet"]},
    {"events": [{"event": "user", "parse_data": {"entities": [{"entity": "e"}]}}]},  # entity without value
]


@pytest.mark.parametrize("reponse", VALIDES)
def test_valid_answers_pass_as_with_rasa(reponse):
    jsonschema.validate(reponse, RemoteAction.action_response_format_spec())
    assert validation_actions.valider_reponse_action(RemoteAction("a", None), reponse) is True


@pytest.mark.parametrize("reponse", INVALIDES)
def test_invalid_answers_raise_the_same_error_as_rasa(reponse):
    with pytest.raises(jsonschema.ValidationError) as attendu:
        validation_actions._RASA(RemoteAction("a", None), reponse)
    with pytest.raises(jsonschema.ValidationError) as obtenu:
        validation_actions.valider_reponse_action(RemoteAction("a", None), reponse)
    assert obtenu.value.message == attendu.value.message and "Failed to validate Action server response" in obtenu.value.message
    assert list(obtenu.value.absolute_path) == list(attendu.value.absolute_path)


def test_the_schema_is_checked_once(monkeypatch):
    validation_actions.validateur.cache_clear()
    appels = []
    classe = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    original = classe.check_schema
    monkeypatch.setattr(classe, "check_schema", classmethod(lambda cls, s: appels.append(1) or original(s)))
    for _ in range(5):
        validation_actions.valider_reponse_action(RemoteAction("a", None), VALIDES[1])
    assert len(appels) == 1


def test_the_rasa_server_entry_point_installs_it():
    """`python -m serveur_rasa run` (what the launcher and docker-compose.yml run) is Rasa's CLI with the fixes in place."""
    code = ("import runpy, sre_compile, sys; sys.argv = ['serveur_rasa', 'run', '--help']\n"
            "try:\n    runpy.run_module('serveur_rasa', run_name='__main__')\n"
            "except SystemExit as fin:\n    assert fin.code in (0, None), fin.code\n"
            "from rasa.core.actions.action import RemoteAction\n"
            "from serveur_rasa.regex_compilees import compiler\n"
            "from serveur_rasa.validation_actions import valider_reponse_action\n"
            "assert RemoteAction._validate_action_result is valider_reponse_action\n"
            "assert sre_compile.compile is compiler\n")
    sortie = subprocess.run([sys.executable, "-c", code], check=True, timeout=120, capture_output=True, text=True)
    assert "usage: rasa run" in sortie.stdout
