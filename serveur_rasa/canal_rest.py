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
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from serveur_rasa.admission import admission_du_processus
from serveur_rasa.entree_citoyen import EntreeRefusee, MessageCitoyen, lire_message
from serveur_rasa.memoire import figer_tas
from serveur_rasa.source_client import SourcesClients

logger = logging.getLogger(__name__)

TAILLE_MAX_CORPS = 64 * 1024  # bytes of a webhook body: a maximal message, escaped, with its metadata
TAILLE_MAX_REQUETE = 1024 * 1024  # bytes of any request to the Rasa server (Sanic's own default is 100 MB)


def lire_requete(corps: bytes, numero_appelant_autorise: bool = False) -> MessageCitoyen:
    """The citizen's message from a webhook body, or EntreeRefusee."""
    if len(corps) > TAILLE_MAX_CORPS:
        raise EntreeRefusee(413, f"body is larger than {TAILLE_MAX_CORPS} bytes")
    try:
        donnees = json.loads(corps or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise EntreeRefusee(400, "body must be a JSON object") from None
    if not isinstance(donnees, dict):
        raise EntreeRefusee(400, "body must be a JSON object")
    return lire_message(donnees.get("sender"), donnees.get("message"), donnees.get("metadata"), numero_appelant_autorise)


def reponse_refus(domaine: Any, canal: str, refus: EntreeRefusee, sender: str | None) -> HTTPResponse:
    """The refusal over HTTP: status and English error, plus the French answer the citizen should see."""
    corps: dict[str, Any] = {"error": str(refus)}
    texte = texte_reponse(domaine, refus.reponse, canal) if refus.reponse else None
    if texte:
        corps["messages"] = [{"recipient_id": sender or "", "text": texte}]
    return response.json(corps, status=refus.statut)


def texte_reponse(domaine: Any, nom: str, canal: str) -> str | None:
    """The text of a domain response, in the channel's variant when there is one."""
    variantes = (getattr(domaine, "responses", None) or {}).get(nom) or []
    for variante in variantes:
        if variante.get("channel") == canal and variante.get("text"):
            return str(variante["text"])
    for variante in variantes:
        if not variante.get("channel") and variante.get("text"):
            return str(variante["text"])
    return None


def limiter_requetes(app: Any) -> None:
    """Refuse large bodies from their headers, before Sanic buffers them."""
    app.config.REQUEST_MAX_SIZE = min(int(app.config.REQUEST_MAX_SIZE), TAILLE_MAX_REQUETE)


class CollecteurNomme(CollectingOutputChannel):
    """Collects the answers; named after the input channel so that Rasa picks
    the responses' variants for that channel (e.g. `channel: voix`)."""

    def __init__(self, nom: str) -> None:
        super().__init__()
        self._nom = nom

    def name(self) -> str:  # type: ignore[override]
        return self._nom


class CanalRest(RestInput):
    """Drop-in replacement of Rasa's `rest` channel."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def sante(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.listener("before_server_start")
        async def limiter(app: Any, _boucle: Any) -> None:
            limiter_requetes(app)

        @webhook.listener("after_server_start")
        async def figer(app: Any, _boucle: Any) -> None:
            figer_tas()

        @webhook.route("/webhook", methods=["POST"])
        async def recevoir(request: Request) -> HTTPResponse:
            entree = self.entree(request)
            if isinstance(entree, HTTPResponse):
                return entree
            sender, message = entree.sender, entree.texte
            metadata = self.marquer_source(entree.metadata, request.remote_addr or request.ip)
            collecteur = CollecteurNomme(self.name())
            try:
                async with admission_du_processus().tour(prioritaire=self.prioritaire):
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

    numero_appelant_autorise = False  # a public channel never passes a caller's number (anyone could type one)
    prioritaire = False  # ahead of the queue of turns (serveur_rasa/admission.py): the phone

    def __init__(self) -> None:
        super().__init__()
        self._sources = SourcesClients.depuis_env()

    def refuser(self, request: Request) -> HTTPResponse | None:
        """A response refusing the request before it is read (the voice channel checks its gateway), or None."""
        return None

    def entree(self, request: Request) -> MessageCitoyen | HTTPResponse:
        """The citizen's message of a webhook request, or the response refusing it."""
        refus = self.refuser(request)
        if refus is not None:
            return refus
        try:
            return lire_requete(request.body, self.numero_appelant_autorise)
        except EntreeRefusee as exc:
            domaine = getattr(getattr(request.app.ctx, "agent", None), "domain", None)
            return reponse_refus(domaine, self.name(), exc, None)

    async def entetes_reponse(self, request: Request, sender: str) -> dict[str, str]:
        """Extra response headers (the voice channel adds the dialogue state)."""
        return {}

    def marquer_source(self, metadata: dict[str, Any] | None, adresse: str | None) -> dict[str, Any] | None:
        """The identity-check source of this message: the client's address (hashed); see serveur_rasa/source_client.py."""
        return self._sources.marquer(metadata, adresse)
