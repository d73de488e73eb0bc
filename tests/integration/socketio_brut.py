"""A minimal Socket.IO v5 client over a plain WebSocket (Engine.IO v4 framing).

The python-socketio client in the pinned set needs a newer aiohttp for its
WebSocket transport; this speaks the published wire protocol directly:
"0" open, "2"/"3" ping/pong, "40" namespace connect, "42[event, data]" events.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp


class ClientSocketIO:
    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def __aenter__(self) -> ClientSocketIO:
        self.ws = await self.session.ws_connect(self.url)
        ouverture = await self._trame()
        assert ouverture.startswith("0"), ouverture
        await self.ws.send_str("40")
        connexion = await self._trame()
        assert connexion.startswith("40"), connexion
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def _trame(self) -> str:
        assert self.ws is not None
        while True:
            message = await asyncio.wait_for(self.ws.receive(), 30)
            if message.type != aiohttp.WSMsgType.TEXT:
                raise ConnectionError(f"socket closed: {message.type}")
            if message.data == "2":  # ping
                await self.ws.send_str("3")
                continue
            return message.data

    async def emettre(self, evenement: str, donnees: Any) -> None:
        assert self.ws is not None
        await self.ws.send_str("42" + json.dumps([evenement, donnees]))

    async def attendre(self, evenement: str) -> Any:
        while True:
            trame = await self._trame()
            if trame.startswith("42"):
                nom, donnees = json.loads(trame[2:])
                if nom == evenement:
                    return donnees
