"""Rasa's REST channel, hardened at the edge.

Same URL and protocol as the stock channel (POST /webhooks/rest/webhook with
{"sender": ..., "message": ..., "metadata": {...}}), so existing clients keep
working, but bad input gets a precise 4xx instead of a 500, control
characters are removed, and no message text ever reaches the logs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

LONGUEUR_MAX_MESSAGE = 5000
LONGUEUR_MAX_SENDER = 128
_CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SENDER = re.compile(r"^[\w.:@\-]+$")


class RequeteInvalide(ValueError):
    def __init__(self, statut: int, message: str) -> None:
        super().__init__(message)
        self.statut = statut


def lire_requete(corps: bytes) -> tuple[str, str, dict[str, Any] | None]:
    """(sender, message, metadata) from a webhook body, or RequeteInvalide."""
    try:
        donnees = json.loads(corps or b"")
    except (ValueError, UnicodeDecodeError):
        raise RequeteInvalide(400, "body must be a JSON object") from None
    if not isinstance(donnees, dict):
        raise RequeteInvalide(400, "body must be a JSON object")
    sender, message, metadata = donnees.get("sender"), donnees.get("message"), donnees.get("metadata")
    if not isinstance(sender, str) or not 0 < len(sender) <= LONGUEUR_MAX_SENDER or not _SENDER.match(sender):
        raise RequeteInvalide(400, f"'sender' must be 1-{LONGUEUR_MAX_SENDER} characters among letters, digits and . : @ _ -")
    if not isinstance(message, str):
        raise RequeteInvalide(400, "'message' must be a string")
    if len(message) > LONGUEUR_MAX_MESSAGE:
        raise RequeteInvalide(413, f"'message' is longer than {LONGUEUR_MAX_MESSAGE} characters")
    message = " ".join(_CONTROLE.sub(" ", message).split())
    if not message:
        raise RequeteInvalide(400, "'message' is empty")
    if metadata is not None and not isinstance(metadata, dict):
        raise RequeteInvalide(400, "'metadata' must be a JSON object")
    return sender, message, metadata


class CollecteurNomme(CollectingOutputChannel):
    """Collects the answers; named after the input channel so that Rasa picks
    the responses' variants for that channel (e.g. `channel: voix`)."""

    def __init__(self, nom: str) -> None:
        super().__init__()
        self._nom = nom

    def name(self) -> Text:  # type: ignore[override]
        return self._nom


class CanalRest(RestInput):
    """Drop-in replacement of Rasa's `rest` channel."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def sante(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def recevoir(request: Request) -> HTTPResponse:
            try:
                sender, message, metadata = lire_requete(request.body)
            except RequeteInvalide as exc:
                return response.json({"error": str(exc)}, status=exc.statut)
            collecteur = CollecteurNomme(self.name())
            try:
                await on_new_message(
                    UserMessage(message, collecteur, sender, input_channel=self.name(), metadata=metadata)
                )
            except asyncio.CancelledError:
                logger.error("%s channel: message handling cancelled", self.name())
                return response.json({"error": "the assistant did not answer in time"}, status=503)
            except Exception as exc:  # never a 500, never the text in the logs
                logger.error("%s channel: message handling failed (%s)", self.name(), type(exc).__name__)
                return response.json({"error": "the assistant could not handle this message"}, status=503)
            return response.json(collecteur.messages, headers=await self.entetes_reponse(request, sender))

        return webhook

    async def entetes_reponse(self, request: Request, sender: str) -> dict[str, str]:
        """Extra response headers (the voice channel adds the dialogue state)."""
        return {}
