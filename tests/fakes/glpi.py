"""A local GLPI REST API (apirest.php) for contract tests.

Follows GLPI's documented API: ``initSession`` with ``App-Token`` and
``Authorization: user_token …`` returns a ``session_token``; every other call
needs ``App-Token`` and ``Session-Token``; errors are ``["ERROR_CODE", "message"]``
with GLPI's status codes; ``POST /Ticket`` answers 201 with the new id;
``search/Ticket`` takes ``criteria[i][field|searchtype|value|link]`` and
``forcedisplay[i]`` and answers ``totalcount``/``count``/``data`` keyed by
search-option ids (1 title, 2 id, 12 status, 15 opening date); status
``notold`` means not solved (5) nor closed (6).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


def _erreur(statut: int, code: str, message: str) -> web.Response:
    return web.json_response([code, message], status=statut)


@dataclass
class FauxGlpi:
    jeton_application: str = "app-token-de-test"
    jeton_utilisateur: str = "user-token-de-test"
    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    suivis: list[dict[str, Any]] = field(default_factory=list)
    sessions: set[str] = field(default_factory=set)
    panne: str | None = None
    appels: list[str] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def expirer_sessions(self) -> None:
        self.sessions.clear()

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._pannes])
        app.router.add_get("/apirest.php/initSession", self._init_session)
        app.router.add_get("/apirest.php/killSession", self._kill_session)
        app.router.add_post("/apirest.php/Ticket", self._creer_ticket)
        app.router.add_get("/apirest.php/Ticket/{id}", self._lire_ticket)
        app.router.add_post("/apirest.php/Ticket/{id}/ITILFollowup", self._suivi)
        app.router.add_get("/apirest.php/search/Ticket", self._chercher)
        return app

    @web.middleware
    async def _pannes(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.appels.append(f"{request.method} {request.path}")
        if self.panne == "500":
            return web.Response(status=500, text="Internal Server Error")
        if self.panne == "lent":
            await asyncio.sleep(5)
        if self.panne == "json":
            return web.Response(text="<html>maintenance</html>", content_type="application/json")
        if self.panne == "429":
            return web.json_response(["ERROR", "Too Many Requests"], status=429, headers={"Retry-After": "3600"})
        if request.headers.get("App-Token") != self.jeton_application:
            return _erreur(400, "ERROR_WRONG_APP_TOKEN_PARAMETER", "Paramètre app_token incorrect")
        if request.path != "/apirest.php/initSession":
            session = request.headers.get("Session-Token")
            if not session:
                return _erreur(400, "ERROR_SESSION_TOKEN_MISSING", "Paramètre session_token manquant ou vide")
            if session not in self.sessions:
                return _erreur(401, "ERROR_SESSION_TOKEN_INVALID", "session_token semble incorrect")
        return await handler(request)

    async def _init_session(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"user_token {self.jeton_utilisateur}":
            return _erreur(401, "ERROR_GLPI_LOGIN_USER_TOKEN", "le paramètre user_token semble incorrect")
        session = secrets.token_hex(13)
        self.sessions.add(session)
        return web.json_response({"session_token": session})

    async def _kill_session(self, request: web.Request) -> web.Response:
        self.sessions.discard(request.headers["Session-Token"])
        return web.json_response(True)

    async def _creer_ticket(self, request: web.Request) -> web.Response:
        corps = await request.json()
        entree = corps.get("input") if isinstance(corps, dict) else None
        if not isinstance(entree, dict) or not entree.get("name"):
            return _erreur(400, "ERROR_BAD_ARRAY", "input parameter must be an array of objects")
        ident = next(self._ids)
        self.tickets[ident] = {"id": ident, "status": 1, "date": "2026-11-22 10:00:00", **entree}
        return web.json_response({"id": ident, "message": ""}, status=201, headers={"Location": f"/apirest.php/Ticket/{ident}"})

    async def _lire_ticket(self, request: web.Request) -> web.Response:
        ticket = self.tickets.get(int(request.match_info["id"]))
        if ticket is None:
            return _erreur(404, "ERROR_ITEM_NOT_FOUND", "Élément introuvable")
        return web.json_response(ticket)

    async def _suivi(self, request: web.Request) -> web.Response:
        ident = int(request.match_info["id"])
        if ident not in self.tickets:
            return _erreur(404, "ERROR_ITEM_NOT_FOUND", "Élément introuvable")
        entree = (await request.json())["input"]
        self.suivis.append(entree)
        return web.json_response({"id": len(self.suivis), "message": ""}, status=201)

    async def _chercher(self, request: web.Request) -> web.Response:
        criteres: dict[int, dict[str, str]] = {}
        affiches = []
        for cle, valeur in request.query.items():
            m = re.fullmatch(r"criteria\[(\d+)\]\[(\w+)\]", cle)
            if m:
                criteres.setdefault(int(m.group(1)), {})[m.group(2)] = valeur
            elif re.fullmatch(r"forcedisplay\[\d+\]", cle):
                affiches.append(valeur)
        resultats = [t for t in self.tickets.values() if all(self._convient(t, c) for c in criteres.values())]
        data = [{"1": t["name"], "2": t["id"], "12": t["status"], "15": t["date"]} for t in resultats]
        return web.json_response({"totalcount": len(data), "count": len(data), "sort": [1], "order": ["ASC"], "data": data})

    @staticmethod
    def _convient(ticket: dict[str, Any], critere: dict[str, str]) -> bool:
        champ, type_, valeur = critere.get("field"), critere.get("searchtype"), critere.get("value", "")
        if champ == "1" and type_ == "contains":
            return valeur.lower() in str(ticket["name"]).lower()
        if champ == "12" and type_ == "equals":
            return ticket["status"] not in (5, 6) if valeur == "notold" else str(ticket["status"]) == valeur
        raise web.HTTPBadRequest(text='["ERROR", "unsupported criterion in this fake"]')
