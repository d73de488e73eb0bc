"""The Rasa server's HTTP API, as the console uses it (token auth, typed errors).

Agents' messages are appended to the conversation's tracker as bot events
with `execute_side_effects`, so Rasa both stores them (the history stays
complete) and sends them live through the citizen's channel (socket.io room).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

logger = logging.getLogger(__name__)


class RasaIndisponible(Exception):
    """The Rasa server did not answer, or answered with an error."""


@dataclass(frozen=True)
class ConfigRasa:
    url: str  # e.g. http://127.0.0.1:5005
    jeton: str
    delai_s: float = 10.0

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"the Rasa URL must start with http:// or https://, got {self.url!r}")
        if not self.jeton:
            raise ValueError("the Rasa API token is empty")


class ApiRasa:
    def __init__(self, config: ConfigRasa, session: aiohttp.ClientSession | None = None) -> None:
        self.config, self._session = config, session

    async def fermer(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _appeler(self, methode: str, chemin: str, corps: Any = None, **parametres: str) -> Any:
        url = f"{self.config.url.rstrip('/')}{chemin}"
        if self._session is None:  # created on the server's event loop, on first use
            self._session = aiohttp.ClientSession()
        try:
            async with self._session.request(
                methode, url, json=corps, params={"token": self.config.jeton, **parametres},
                timeout=aiohttp.ClientTimeout(total=self.config.delai_s),
            ) as reponse:
                if reponse.status >= 400:
                    raise RasaIndisponible(f"{methode} {chemin.split('/')[1]}: HTTP {reponse.status}")
                return await reponse.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise RasaIndisponible(f"{methode} {chemin.split('/')[1]}: {type(exc).__name__}") from None

    @staticmethod
    def _conversation(sender_id: str) -> str:
        return f"/conversations/{quote(sender_id, safe='')}"

    async def tracker(self, sender_id: str) -> dict[str, Any]:
        """The conversation's state with every event since its last restart."""
        return dict(await self._appeler("GET", f"{self._conversation(sender_id)}/tracker", include_events="AFTER_RESTART"))

    async def ajouter(self, sender_id: str, evenements: list[dict[str, Any]]) -> None:
        """Append events; bot events are also sent to the citizen on their latest channel."""
        await self._appeler("POST", f"{self._conversation(sender_id)}/tracker/events", evenements,
                            output_channel="latest", execute_side_effects="true")

    async def executer(self, sender_id: str, action: str) -> None:
        """Run one action (e.g. a response) and send its messages on the latest channel."""
        await self._appeler("POST", f"{self._conversation(sender_id)}/execute", {"name": action}, output_channel="latest")

    async def declencher(self, sender_id: str, intention: str) -> None:
        """An external intent: the bot predicts and answers as if the citizen had said it."""
        await self._appeler("POST", f"{self._conversation(sender_id)}/trigger_intent", {"name": intention},
                            output_channel="latest")
