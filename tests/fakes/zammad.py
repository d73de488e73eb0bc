"""A local Zammad REST API v1 for contract tests.

Follows Zammad's documented API: ``Authorization: Token token=…``;
``POST /api/v1/tickets`` with ``title``, ``group``, ``customer_id``
(``guess:<email>`` creates or finds the customer), an ``article`` and
``tags``, answering 201 with the ticket (``id``, ``number``, ``state_id``,
``created_at``); ``GET /api/v1/tickets/{id}``; ``GET /api/v1/tickets/search``
with ``query`` and ``expand=true`` answering a list of expanded tickets (state
names); ``POST /api/v1/ticket_articles``; errors as ``{"error": …, "error_human": …}``.
Search supports the two query forms Guichet sends: ``title:"…"`` and ``number:…``.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

ETATS = {1: "new", 2: "open", 3: "pending reminder", 4: "closed", 5: "merged", 6: "removed", 7: "pending close"}


def _erreur(statut: int, message: str) -> web.Response:
    return web.json_response({"error": message, "error_human": message}, status=statut)


@dataclass
class FauxZammad:
    jeton: str = "zammad-token-de-test"
    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    articles: list[dict[str, Any]] = field(default_factory=list)
    panne: str | None = None
    appels: list[str] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._controle])
        app.router.add_post("/api/v1/tickets", self._creer)
        app.router.add_get("/api/v1/tickets/search", self._chercher)
        app.router.add_get("/api/v1/tickets/{id}", self._lire)
        app.router.add_post("/api/v1/ticket_articles", self._article)
        return app

    @web.middleware
    async def _controle(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.appels.append(f"{request.method} {request.path}")
        if self.panne == "500":
            return _erreur(500, "Internal Server Error")
        if self.panne == "lent":
            await asyncio.sleep(5)
        if self.panne == "json":
            return web.Response(text="{\"id\": ", content_type="application/json")
        if self.panne == "429":
            return _erreur(429, "Too Many Requests")
        if request.headers.get("Authorization") != f"Token token={self.jeton}":
            return _erreur(401, "Invalid token!")
        return await handler(request)

    async def _creer(self, request: web.Request) -> web.Response:
        corps = await request.json()
        for requis in ("title", "group", "customer_id", "article"):
            if not corps.get(requis):
                return _erreur(422, f"Need {requis}!")
        ident = next(self._ids)
        ticket = {
            "id": ident, "number": str(31000 + ident), "title": corps["title"], "group": corps["group"],
            "customer": str(corps["customer_id"]).removeprefix("guess:"), "state_id": 1,
            "created_at": "2026-11-22T10:00:00.000Z", "tags": corps.get("tags", ""),
        }
        self.tickets[ident] = ticket
        self.articles.append({"ticket_id": ident, **corps["article"]})
        return web.json_response(ticket, status=201)

    def _etendu(self, ticket: dict[str, Any]) -> dict[str, Any]:
        return {**ticket, "state": ETATS[ticket["state_id"]]}

    async def _lire(self, request: web.Request) -> web.Response:
        ticket = self.tickets.get(int(request.match_info["id"]))
        if ticket is None:
            return _erreur(404, f"Couldn't find Ticket with 'id'={request.match_info['id']}")
        return web.json_response(self._etendu(ticket))

    async def _chercher(self, request: web.Request) -> web.Response:
        requete = request.query.get("query", "")
        titre = re.fullmatch(r'title:"(.*)"', requete)
        numero = re.fullmatch(r"number:(\d+)", requete)
        if titre:
            trouves = [t for t in self.tickets.values() if titre.group(1).lower() in t["title"].lower()]
        elif numero:
            trouves = [t for t in self.tickets.values() if t["number"] == numero.group(1)]
        else:
            return _erreur(422, "query form not supported by this fake")
        if request.query.get("expand") == "true":
            return web.json_response([self._etendu(t) for t in trouves])
        return web.json_response({"tickets": [t["id"] for t in trouves], "tickets_count": len(trouves), "assets": {}})

    async def _article(self, request: web.Request) -> web.Response:
        corps = await request.json()
        if corps.get("ticket_id") not in self.tickets:
            return _erreur(422, "Need ticket_id!")
        self.articles.append(corps)
        return web.json_response({"id": len(self.articles), **corps}, status=201)
