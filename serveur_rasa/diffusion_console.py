"""Rasa's event broker that tells the console, at once, which conversations have a new citizen message.

Configured in bot/endpoints.yml (``event_broker: type: serveur_rasa.diffusion_console.DiffusionConsole``)
with the console's URL (GUICHET_RELAIS_CHATWOOT_URL, set when escalations go to
Chatwoot; empty: no broker at all). The masking tracker store publishes each
new event of a conversation, masked (serveur_rasa/tracker_masque.py); this
broker keeps only the ids of conversations where a citizen just wrote, and
posts them in batches, ``{"conversations": ["<sender id>", …]}``, to the
console's ``/chatwoot/nouveaux-messages``. No message text leaves Rasa this way:
the console's Chatwoot relay reads the new messages through Rasa's API, as an
agent's console does. Posting never holds a turn up (a background task, one
request in flight, at most ``MAX_EN_ATTENTE`` ids waiting); a failed post is
logged once and dropped, and the relay's periodic pass forwards what it missed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)
MAX_EN_ATTENTE = 10_000
LOT_MAX = 500  # ids per post (the console takes bodies up to 64 KiB)
DELAI_S = 5.0


class DiffusionConsole(EventBroker):
    def __init__(self, url: str, entetes: dict[str, str]) -> None:
        self.url, self.entetes = url, entetes
        self._en_attente: set[str] = set()
        self._tache: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self.joignable = True

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig, event_loop: Any = None) -> DiffusionConsole | None:
        if not broker_config.url:
            return None
        return cls(broker_config.url, dict(broker_config.headers or {}))

    def publish(self, event: dict[str, Any]) -> None:
        if event.get("event") != "user" or not isinstance(event.get("sender_id"), str):
            return
        if len(self._en_attente) >= MAX_EN_ATTENTE:
            return  # the console is far behind: its periodic pass will catch up
        self._en_attente.add(event["sender_id"])
        if self._tache is None or self._tache.done():
            self._tache = asyncio.get_running_loop().create_task(self._envoyer(), name="guichet-diffusion-console")

    async def _envoyer(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=DELAI_S), headers=self.entetes)
        while self._en_attente:
            lot = sorted(self._en_attente)[:LOT_MAX]
            self._en_attente.difference_update(lot)
            try:
                async with self._session.post(self.url, json={"conversations": lot}) as reponse:
                    self._joint(reponse.status < 300, f"HTTP {reponse.status}")
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                self._joint(False, exc.__class__.__name__)

    def _joint(self, joignable: bool, detail: str) -> None:
        if joignable != self.joignable:
            if joignable:
                logger.info("console %s takes new-message notices again", self.url)
            else:
                logger.warning("console %s does not take new-message notices (%s): its relay's periodic pass will forward them", self.url, detail)
        self.joignable = joignable

    async def close(self) -> None:
        if self._tache is not None:
            self._tache.cancel()
        if self._session is not None:
            await self._session.close()
