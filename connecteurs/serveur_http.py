"""Guichet's own aiohttp servers (console and widget, phone gateway) guarded against slow and numerous clients.

aiohttp has no header timeout: a client trickling its request line and headers
one byte at a time holds a connection (and its memory) as long as it likes, and
nothing caps how many it opens. `SiteGarde` serves an application like
`web.TCPSite`, with:
- a header timeout: a connection whose first request is not complete within
  `delai_entetes_s` is closed (a log line says so);
- a cap on open connections: beyond `connexions_max`, a new one is closed at once;
- a shorter keep-alive for idle connections.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from configuration.environnement import entier, reel

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LimitesHttp:
    delai_entetes_s: float = 10.0
    connexions_max: int = 256
    keepalive_s: float = 15.0

    def __post_init__(self) -> None:
        if self.delai_entetes_s <= 0 or self.keepalive_s <= 0 or self.connexions_max < 1:
            raise ValueError("delai_entetes_s and keepalive_s must be positive, connexions_max at least 1")


@dataclass
class _Compteur:
    ouvertes: int = 0


class _ProtocoleGarde(RequestHandler):
    def __init__(self, manager: Any, limites: LimitesHttp, compteur: _Compteur, nom: str, **options: Any) -> None:
        super().__init__(manager, **options)
        self._limites, self._compteur, self._nom = limites, compteur, nom
        self._minuteur: asyncio.TimerHandle | None = None
        self._compte = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        if self._compteur.ouvertes >= self._limites.connexions_max:
            logger.warning("%s: connection refused, %d already open", self._nom, self._compteur.ouvertes)
            transport.close()
            return
        self._compteur.ouvertes += 1
        self._compte = True
        self._minuteur = asyncio.get_running_loop().call_later(self._limites.delai_entetes_s, self._trop_lent)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._minuteur is not None and self._request_count > 0:
            self._minuteur.cancel()
            self._minuteur = None

    def _trop_lent(self) -> None:
        self._minuteur = None
        if self._request_count == 0 and self.transport is not None:
            logger.warning("%s: no complete request within %.0f s, connection closed", self._nom, self._limites.delai_entetes_s)
            self.transport.close()

    def connection_lost(self, exc: BaseException | None) -> None:
        if self._minuteur is not None:
            self._minuteur.cancel()
            self._minuteur = None
        if self._compte:
            self._compteur.ouvertes -= 1
            self._compte = False
        super().connection_lost(exc)


class SiteGarde(web.TCPSite):
    """`web.TCPSite` whose connections are guarded (see the module)."""

    def __init__(self, runner: web.BaseRunner, hote: str, port: int, limites: LimitesHttp = LimitesHttp(),
                 nom: str = "http server") -> None:
        super().__init__(runner, hote, port)
        self._limites, self._nom, self._compteur = limites, nom, _Compteur()

    async def start(self) -> None:
        await web.BaseSite.start(self)
        boucle = asyncio.get_running_loop()
        serveur = self._runner.server
        assert serveur is not None
        options = {**serveur._kwargs, "keepalive_timeout": self._limites.keepalive_s}

        def fabrique() -> _ProtocoleGarde:
            return _ProtocoleGarde(serveur, self._limites, self._compteur, self._nom, loop=boucle, **options)

        self._server = await boucle.create_server(fabrique, self._host, self._port, backlog=self._backlog,
                                                  reuse_address=self._reuse_address, reuse_port=self._reuse_port)

    @property
    def port(self) -> int:
        sockets = getattr(self._server, "sockets", None)  # asyncio's or uvloop's server
        assert sockets, "the site is not started"
        return int(sockets[0].getsockname()[1])


def porteur_valide(entetes: Mapping[str, str], jeton: str) -> bool:
    """Whether a request carries ``Authorization: Bearer <jeton>`` (compared in constant time)."""
    donne = entetes.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(donne.encode(), jeton.encode())


def limites_depuis_env(env: Mapping[str, str]) -> LimitesHttp:
    """GUICHET_HTTP_DELAI_ENTETES_S and GUICHET_HTTP_CONNEXIONS_MAX, else the defaults; ErreurConfiguration naming the variable."""
    defaut = LimitesHttp()
    return LimitesHttp(delai_entetes_s=reel(env, "GUICHET_HTTP_DELAI_ENTETES_S", defaut.delai_entetes_s),
                       connexions_max=entier(env, "GUICHET_HTTP_CONNEXIONS_MAX", defaut.connexions_max, 1))


async def servir_jusqu_a_l_arret(app: web.Application, hote: str, port: int, limites: LimitesHttp, nom: str) -> None:
    """Serve until SIGTERM or SIGINT, then clean up (the console's `__main__`)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = SiteGarde(runner, hote, port, limites, nom)
    await site.start()
    arret = asyncio.Event()
    boucle = asyncio.get_running_loop()
    for signal_ in (signal.SIGTERM, signal.SIGINT):
        boucle.add_signal_handler(signal_, arret.set)
    try:
        await arret.wait()
    finally:
        await runner.cleanup()
