"""A local w.c.s. (Publik) API for contract tests, with signed-URL checks as w.c.s. does them.

Signature check (w.c.s. ``is_url_signed``): ``orig`` must name a known key;
``algo`` must be a guaranteed hashlib algorithm; the signature must equal the
base64 HMAC of the raw query string up to ``&signature=``; ``timestamp``
(``%Y-%m-%dT%H:%M:%SZ``) must be within 30 s of now; a ``nonce`` is accepted
once. Refusals are HTTP 403 ``{"err": 1, "err_class": "Access Forbidden", "err_desc": …}``.
Endpoints: ``GET /api/forms/<slug>/<id>/``, ``GET /api/forms/<slug>/list``
(``filter=pending`` and ``filter-<varname>=<value>``),
``POST /api/formdefs/<slug>/submit`` (``{"data": {...}}`` → ``{"err": 0, "data": {"id": …}}``),
``POST /api/forms/<slug>/<id>/hooks/<trigger>/``.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import itertools
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

DUREE = 30


def _refus(message: str) -> web.Response:
    return web.json_response({"err": 1, "err_class": "Access Forbidden", "err_desc": message}, status=403)


@dataclass
class FauxPublik:
    cles: dict[str, str] = field(default_factory=lambda: {"guichet": "cle-partagee-de-test"})
    formulaires: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    declenchements: list[tuple[str, int, str, dict[str, Any]]] = field(default_factory=list)
    nonces: set[str] = field(default_factory=set)
    decalage_horloge: dt.timedelta = dt.timedelta(0)
    panne: str | None = None
    pannes_apres_signature: list[int] = field(default_factory=list)  # one HTTP status per request, once its nonce is spent
    _ids: Any = field(default_factory=lambda: itertools.count(100))

    def ajouter_dossier(self, slug: str, ident: int, statut: str, final: bool, date_naissance: str) -> None:
        self.formulaires.setdefault(slug, {})[ident] = {
            "id": str(ident), "display_id": f"1-{ident}", "title": "Inscription à la cantine",
            "receipt_time": "2026-09-02T08:30:00", "last_update_time": "2026-10-12T14:00:00",
            "fields": {"nom": "Martin", "date_de_naissance": date_naissance},
            "user": {"id": 7, "name": "Claire Martin", "email": "claire.martin@example.org"},
            "workflow": {"status": {"id": "2", "name": statut, "endpoint": final}, "real_status": {"id": "2", "name": statut}},
        }

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._controle])
        app.router.add_get("/api/forms/{slug}/list", self._liste)
        app.router.add_get("/api/forms/{slug}/{id}/", self._formulaire)
        app.router.add_post("/api/formdefs/{slug}/submit", self._soumettre)
        app.router.add_post("/api/forms/{slug}/{id}/hooks/{declencheur}/", self._declencher)
        return app

    def _verifier_signature(self, query: str, form: Any) -> str | None:
        signature = form.getall("signature", [])
        if len(signature) != 1:
            return "Missing/multiple signature field."
        origs = form.getall("orig", [])
        if len(origs) != 1:
            return "Missing/multiple orig field."
        cle = self.cles.get(origs[0])
        if not cle:
            return "Invalid orig."
        algos = form.getall("algo", [])
        if len(algos) != 1:
            return "Missing/multiple algo field."
        if algos[0] not in hashlib.algorithms_guaranteed:
            return "Invalid algo."
        attendue = base64.standard_b64encode(
            hmac.new(cle.encode(), query[: query.find("&signature=")].encode(), getattr(hashlib, algos[0])).digest()
        )
        if signature[0].encode() != attendue:
            return "Invalid signature."
        try:
            instant = dt.datetime.strptime(form.get("timestamp", ""), "%Y-%m-%dT%H:%M:%SZ")
        except ValueError as exc:
            return f"Invalid timestamp field; {exc}."
        maintenant = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + self.decalage_horloge
        if abs(maintenant - instant) > dt.timedelta(seconds=DUREE):
            return f"timestamp is more than {DUREE} seconds away"
        nonce = form.get("nonce")
        if nonce:
            if nonce in self.nonces:
                return "Nonce already used."
            self.nonces.add(nonce)
        return None

    @web.middleware
    async def _controle(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self.panne == "500":
            return web.Response(status=500, text="<h1>Internal Server Error</h1>")
        if self.panne == "lent":
            await asyncio.sleep(5)
        if self.panne == "json":
            return web.Response(text="{\"err\": 0, ", content_type="application/json")
        if self.panne == "429":
            return web.Response(status=429, headers={"Retry-After": "120"})
        # w.c.s. checks the raw QUERY_STRING (aiohttp's query_string is already decoded)
        raison = self._verifier_signature(request.raw_path.partition("?")[2], request.query)
        if raison:
            return _refus(raison)
        if self.pannes_apres_signature:  # a failure after w.c.s. has recorded the nonce
            return web.Response(status=self.pannes_apres_signature.pop(0), text="<h1>Service Unavailable</h1>")
        return await handler(request)

    async def _formulaire(self, request: web.Request) -> web.Response:
        f = self.formulaires.get(request.match_info["slug"], {}).get(int(request.match_info["id"]))
        if f is None:
            return web.json_response({"err": 1, "err_class": "Page not found", "err_desc": None}, status=404)
        return web.json_response(f)

    async def _liste(self, request: web.Request) -> web.Response:
        resultats = []
        for f in self.formulaires.get(request.match_info["slug"], {}).values():
            if request.query.get("filter") == "pending" and f["workflow"]["status"]["endpoint"]:
                continue
            filtres = {k.removeprefix("filter-"): v for k, v in request.query.items() if k.startswith("filter-")}
            if all(str(f["fields"].get(k)) == v for k, v in filtres.items()):
                resultats.append({k: f[k] for k in ("id", "display_id", "receipt_time", "last_update_time")})
        return web.json_response(resultats)

    async def _soumettre(self, request: web.Request) -> web.Response:
        corps = await request.json()
        if not isinstance(corps.get("data"), dict):
            return web.json_response({"err": 1, "err_class": "Invalid request", "err_desc": "missing data"}, status=400)
        ident = next(self._ids)
        self.formulaires.setdefault(request.match_info["slug"], {})[ident] = {
            "id": str(ident), "display_id": f"2-{ident}", "title": request.match_info["slug"],
            "receipt_time": "2026-11-22T10:00:00", "last_update_time": "2026-11-22T10:00:00", "fields": corps["data"],
            "workflow": {"status": {"id": "1", "name": "Nouveau", "endpoint": False}},
        }
        base = f"http://publik.test/{request.match_info['slug']}/{ident}/"
        return web.json_response({"err": 0, "data": {"id": str(ident), "display_id": f"2-{ident}", "url": base,
                                                      "backoffice_url": base.replace("publik.test", "publik.test/backoffice")}})

    async def _declencher(self, request: web.Request) -> web.Response:
        slug, ident = request.match_info["slug"], int(request.match_info["id"])
        if ident not in self.formulaires.get(slug, {}):
            return web.json_response({"err": 1, "err_class": "Page not found"}, status=404)
        self.declenchements.append((slug, ident, request.match_info["declencheur"], await request.json()))
        return web.json_response({"err": 0, "url": None})


def requete_signee_valide(query: str, cle: str) -> bool:
    """Independent check used by the tests of the signing function."""
    signature = urllib.parse.parse_qs(query)["signature"][0]
    attendue = base64.standard_b64encode(hmac.new(cle.encode(), query[: query.find("&signature=")].encode(), hashlib.sha256).digest())
    return signature.encode() == attendue
