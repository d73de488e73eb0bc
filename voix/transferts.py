"""Transfers waiting for the telephony side: after the gateway hangs up its leg,
the PBX asks where to send the caller (HTTP, e.g. Asterisk's CURL()).

    GET /transferts/<call id>        -> {"cible": "conseillers", "reference": "24578301"}
    GET /transferts/<call id>/cible  -> conseillers   (text, for a dialplan)

404 when the call was not transferred (the dialplan then hangs up). Entries
expire after a few minutes: they only bridge the hang-up and the dialplan.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web


@dataclass(frozen=True)
class Transfert:
    cible: str
    reference: str
    cree: float


class Transferts:
    def __init__(self, duree_s: float = 300.0, horloge: Callable[[], float] = time.monotonic) -> None:
        self.duree_s, self._horloge = duree_s, horloge
        self._transferts: dict[str, Transfert] = {}

    def enregistrer(self, appel: str, cible: str, reference: str) -> None:
        self._purger()
        self._transferts[appel] = Transfert(cible, reference, self._horloge())

    def lire(self, appel: str) -> Transfert | None:
        self._purger()
        return self._transferts.get(appel)

    def _purger(self) -> None:
        limite = self._horloge() - self.duree_s
        for appel in [a for a, t in self._transferts.items() if t.cree < limite]:
            del self._transferts[appel]

    def ajouter_routes(self, app: web.Application) -> None:
        async def lire_json(request: web.Request) -> web.Response:
            t = self.lire(request.match_info["appel"])
            if t is None:
                raise web.HTTPNotFound(text="no transfer for this call")
            return web.json_response({"cible": t.cible, "reference": t.reference})

        async def lire_cible(request: web.Request) -> web.Response:
            t = self.lire(request.match_info["appel"])
            if t is None:
                raise web.HTTPNotFound(text="")
            return web.Response(text=t.cible)

        app.router.add_get("/transferts/{appel}", lire_json)
        app.router.add_get("/transferts/{appel}/cible", lire_cible)
