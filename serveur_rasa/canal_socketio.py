"""The socket.io channel (rasa-webchat protocol), hardened and able to run on several replicas.

Same name (`socketio`) and events as Rasa's channel (session_request /
session_confirm / user_uttered / bot_uttered), so rasa-webchat and the Guichet
widget connect as before; what differs is at the edge:
- session ids are issued by the server and checked (serveur_rasa/session_socketio.py):
  a socket speaks and listens only in the conversation of the session it was
  confirmed; an unknown or forged id gets a new session;
- every message follows the REST rules (serveur_rasa/entree_citoyen.py); a message
  too long is answered in French, without reaching the NLU;
- socket.io frames are capped (TAILLE_MAX_TRAME) before they are parsed;
- a widget that reconnects gets the messages it missed (serveur_rasa/rejeu_socketio.py).
With GUICHET_SOCKETIO_REDIS (a redis:// URL), the replicas' socket.io servers
share one message queue (python-socketio's AsyncRedisManager): a message sent
to a conversation from any replica reaches the citizen's socket wherever it is.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from serveur_rasa.admission import admission_du_processus
from serveur_rasa.canal_rest import limiter_requetes, texte_reponse
from serveur_rasa.entree_citoyen import EntreeRefusee, lire_message
from serveur_rasa.rejeu_socketio import compte_recu, emissions
from serveur_rasa.session_socketio import JetonsSession
from serveur_rasa.source_client import SourcesClients

logger = logging.getLogger(__name__)
TAILLE_MAX_TRAME = 64 * 1024  # bytes of one socket.io frame (python-socketio's default is 1 MB)


class _PlanSocketIO(SocketBlueprint):
    """Rasa's socket.io blueprint, remembering the app it is attached to (for the domain's responses)."""

    def __init__(self, canal: CanalSocketIO, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ctx.canal = canal

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        self.ctx.canal.app = app
        super().register(app, options)


class CanalSocketIO(SocketIOInput):
    app: Sanic | None = None

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def _serveur(self, env: Mapping[str, str]) -> AsyncServer:
        options: dict[str, Any] = {"async_mode": "sanic", "cors_allowed_origins": [], "max_http_buffer_size": TAILLE_MAX_TRAME}
        url = env.get("GUICHET_SOCKETIO_REDIS")
        if url:
            from socketio import AsyncRedisManager

            options["client_manager"] = AsyncRedisManager(url)
            logger.info("socketio channel: replicas share a Redis message queue")
        return AsyncServer(**options)

    def _texte(self, reponse: str) -> str | None:
        domaine = getattr(getattr(getattr(self.app, "ctx", None), "agent", None), "domain", None)
        return texte_reponse(domaine, reponse, self.name())

    async def _rejouer(self, sio: AsyncServer, sid: str, conversation: str, recus: int) -> None:
        """Send the socket the messages of its conversation after the `recus` it already has (serveur_rasa/rejeu_socketio.py)."""
        magasin = getattr(getattr(getattr(self.app, "ctx", None), "agent", None), "tracker_store", None)
        if magasin is None:
            return
        try:
            tracker = await magasin.retrieve(conversation)
        except Exception as exc:  # the replay is a bonus: the conversation goes on without it
            logger.warning("socketio channel: missed messages not replayed (%s)", type(exc).__name__)
            return
        if tracker is None:
            return
        manques = (await emissions([e.as_dict() for e in tracker.events], self.bot_message_evt))[recus:]
        for message in manques:
            await sio.emit(self.bot_message_evt, message, room=sid, namespace=self.namespace)
        if manques:
            logger.info("socketio channel: %d missed message(s) replayed after a reconnection", len(manques))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = self._serveur(os.environ)
        jetons = JetonsSession.depuis_env(os.environ)
        sources = SourcesClients.depuis_env(os.environ)
        plan = _PlanSocketIO(self, sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        @plan.listener("before_server_start")
        async def limiter(app: Any, _boucle: Any) -> None:
            limiter_requetes(app)

        @plan.route("/", methods=["GET"])
        async def sante(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connexion(sid: str, environ: dict, auth: dict | None) -> bool:
            requete = environ.get("sanic.request")
            adresse = (getattr(requete, "remote_addr", "") or getattr(requete, "ip", "")) if requete is not None else ""
            await sio.save_session(sid, {"adresse": adresse or environ.get("REMOTE_ADDR") or ""}, namespace=self.namespace)
            if self.jwt_key:
                from rasa.core.channels.channel import decode_bearer_token

                return bool(auth and auth.get("token") and decode_bearer_token(auth["token"], self.jwt_key, self.jwt_algorithm))
            return True

        @sio.on("session_request", namespace=self.namespace)
        async def demande_session(sid: str, data: Any) -> None:
            demande = data.get("session_id") if isinstance(data, dict) else None
            jeton = demande if isinstance(demande, str) and jetons.valide(demande) else jetons.nouveau()
            if demande and jeton != demande:
                logger.info("socketio channel: an unknown session id was presented; a new session was issued")
            conversation = jetons.conversation(jeton)
            session = await sio.get_session(sid, namespace=self.namespace)
            await sio.save_session(sid, {**session, "jeton": jeton, "conversation": conversation}, namespace=self.namespace)
            if self.session_persistence:
                sio.enter_room(sid, conversation, namespace=self.namespace)
            await sio.emit("session_confirm", jeton, room=sid, namespace=self.namespace)
            recus = compte_recu(data)
            if recus is not None and jeton == demande:
                await self._rejouer(sio, sid, conversation, recus)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def message_recu(sid: str, data: Any) -> None:
            session = await sio.get_session(sid, namespace=self.namespace)
            if not session.get("conversation"):
                logger.warning("socketio channel: a message before session_request was ignored")
                return
            if not isinstance(data, dict):
                logger.warning("socketio channel: a message that is not an object was ignored")
                return
            if data.get("session_id") not in (None, session["jeton"]):
                logger.warning("socketio channel: a message naming another session was ignored")
                return
            metadata = data.get(self.metadata_key) or None
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except (ValueError, RecursionError):
                    metadata = "invalid"
            sortie = SocketIOOutput(sio, self.bot_message_evt)
            try:
                entree = lire_message(session["conversation"], data.get("message"), metadata)
            except EntreeRefusee as refus:
                logger.warning("socketio channel: message refused (%s)", refus)
                texte = self._texte(refus.reponse) if refus.reponse else None
                if texte:
                    await sortie.send_text_message(session["conversation"] if self.session_persistence else sid, texte)
                return
            destinataire = entree.sender if self.session_persistence else sid
            metadata = sources.marquer(entree.metadata, session.get("adresse") or None)
            try:
                async with admission_du_processus().tour():
                    await on_new_message(UserMessage(entree.texte, sortie, destinataire, input_channel=self.name(),
                                                     metadata=metadata))
            except Exception as exc:  # never the text in the logs
                logger.error("socketio channel: message handling failed (%s)", type(exc).__name__)

        return plan
