"""Rasa's socket.io channel, able to run on several replicas.

Unchanged protocol and name (`socketio`: rasa-webchat and the Guichet widget
connect as before). With GUICHET_SOCKETIO_REDIS (a redis:// URL), the
replicas' socket.io servers share one message queue (python-socketio's
AsyncRedisManager, Redis pub/sub): a message sent to a conversation from any
replica — an agent's reply posted by the console, a reminder — reaches the
citizen's socket on whichever replica it is connected to. Without it, Rasa's
own channel as is (one replica).
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels import socketio as canal_rasa
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

logger = logging.getLogger(__name__)


class CanalSocketIO(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        url = os.environ.get("GUICHET_SOCKETIO_REDIS")
        if not url:
            return super().blueprint(on_new_message)
        from socketio import AsyncRedisManager

        # Rasa builds its AsyncServer inside blueprint(): give it the shared manager for that call only
        serveur = canal_rasa.AsyncServer
        canal_rasa.AsyncServer = functools.partial(serveur, client_manager=AsyncRedisManager(url))  # type: ignore[misc]
        try:
            plan = super().blueprint(on_new_message)
        finally:
            canal_rasa.AsyncServer = serveur  # type: ignore[misc]
        logger.info("socketio channel: replicas share a Redis message queue")
        return plan
