"""The Rasa input channel of the phone gateway.

Same wire protocol as the REST channel (POST /webhooks/voix/webhook with
{"sender": ..., "message": ..., "metadata": {...}}), but named "voix" so the
responses' `channel: voix` variants (no URLs, short sentences) are chosen.
The gateway may pass the caller's number as metadata "numero_appelant".
Answers carry the dialogue state in two headers: the slot being asked for
(the gateway switches to a restricted grammar) and whether the bot is paused
(handed over to an agent: the gateway transfers the call).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from serveur_rasa.admission import admission_du_processus
from serveur_rasa.anticipation import anticiper
from serveur_rasa.canal_rest import CanalRest
from voix.entetes import ENTETE_PAUSE, ENTETE_REFERENCE, ENTETE_SECRET_VOIX, ENTETE_SLOT, secret_canal_voix, secret_valide

logger = logging.getLogger(__name__)


class CanalVoix(CanalRest):
    """Only the phone gateway speaks here: it proves it with a secret derived from the API token (voix/entetes.py)."""

    numero_appelant_autorise = True  # the gateway passes what the PBX announced
    prioritaire = True  # a caller hears silence while waiting: calls go ahead of the queue of turns

    @classmethod
    def name(cls) -> str:
        return "voix"

    def __init__(self) -> None:
        super().__init__()
        jeton = os.environ.get("GUICHET_API_TOKEN", "")
        self._secret = secret_canal_voix(jeton) if jeton else ""
        if not jeton:
            logger.error("voix channel: GUICHET_API_TOKEN is not set in the Rasa server; every call is refused")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.route("/anticiper", methods=["POST"])
        async def anticiper_tour(request: Request) -> HTTPResponse:
            """The answer the bot would give, committed nowhere (serveur_rasa/anticipation.py); 204 when unknown."""
            entree = self.entree(request)
            if isinstance(entree, HTTPResponse):
                return entree
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.empty(status=204)
            try:
                async with admission_du_processus().tour(prioritaire=True):  # a dry run costs a parse: it waits its turn
                    messages = await anticiper(agent.processor, entree.sender, entree.texte, self.name(), entree.metadata)
            except Exception as exc:  # a guess that fails is no guess: the real turn follows
                logger.warning("voix channel: dry run failed (%s)", type(exc).__name__)
                return response.empty(status=204)
            return response.json(messages) if messages is not None else response.empty(status=204)

        return webhook

    def refuser(self, request: Request) -> HTTPResponse | None:
        if secret_valide(request.headers.get(ENTETE_SECRET_VOIX), self._secret):
            return None
        logger.warning("voix channel: a request without the gateway's secret was refused")
        return response.json({"error": "this channel is for the phone gateway only"}, status=401)

    def marquer_source(self, metadata: dict[str, Any] | None, adresse: str | None) -> dict[str, Any] | None:
        """Every call comes from the gateway's address: the source is the call itself (its sender id)."""
        return super().marquer_source(metadata, None)

    async def entetes_reponse(self, request: Request, sender: str) -> dict[str, str]:
        try:
            tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
        except Exception as exc:  # the answer itself is already there; the state is a bonus
            logger.warning("voix channel: dialogue state unavailable (%s)", type(exc).__name__)
            return {}
        if tracker is None:
            return {}
        slot = tracker.get_slot("requested_slot")
        reference = tracker.get_slot("reference_escalade")
        return {ENTETE_SLOT: str(slot) if slot else "", ENTETE_PAUSE: "1" if tracker.is_paused() else "0",
                ENTETE_REFERENCE: str(reference) if reference else ""}
