"""Rasa's check of the action server's answers, with the JSON schema compiled once.

Rasa 3.6 checks every answer of the action server against its event schema with
``jsonschema.validate``, which first re-validates the *schema itself* against the
draft 2020-12 meta-schema, then builds a new validator: on the mixed workload of
`make bench` that was a third of the Rasa server's CPU (docs/performances.md).
Here the schema is checked and compiled once; every answer is still validated,
against the same schema, with the same error (best match) and message.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_RASA = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def validateur() -> Any:
    """The compiled validator of RemoteAction.action_response_format_spec(), its schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    classe = validators.validator_for(schema)
    classe.check_schema(schema)
    return classe(schema)


def valider_reponse_action(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Drop-in for ``RemoteAction._validate_action_result``: same outcome, same exception."""
    erreur = best_match(validateur().iter_errors(result))
    if erreur is None:
        return True
    erreur.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise erreur


def installer() -> None:
    RemoteAction._validate_action_result = valider_reponse_action  # type: ignore[method-assign]


__all__ = ["ValidationError", "installer", "valider_reponse_action", "validateur"]
