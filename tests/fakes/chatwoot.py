"""A local Chatwoot (Application API v1 + agent-bot/webhook callbacks) for contract tests.

Follows Chatwoot's published API (swagger/ in chatwoot/chatwoot):
- ``api_access_token`` header, else 401 ``{"error": "You need to sign in or sign up before continuing."}``;
- ``POST /api/v1/accounts/{account_id}/contacts``: ``inbox_id`` required; answers
  ``{"payload": {"contact": {...}, "contact_inbox": {"inbox": {...}, "source_id": "..."}}}``;
- ``POST /api/v1/accounts/{account_id}/conversations``: ``source_id`` required,
  ``inbox_id``, ``contact_id``, ``status`` in open/resolved/pending, ``additional_attributes``;
  answers the conversation (``id`` is the display id);
- ``POST …/conversations/{id}/messages``: ``content`` required, ``message_type``
  incoming/outgoing, ``private``; answers the message;
- ``POST …/conversations/{id}/toggle_status``: ``status`` in open/resolved/pending/snoozed;
  answers ``{"meta": {}, "payload": {"success": true, "current_status": …, "conversation_id": …}}``;
- unknown account/inbox/conversation: 404 ``{"error": "Resource could not be found"}``.

Outgoing webhooks (what Chatwoot POSTs to the agent bot / webhook URL) follow
``Message#webhook_data`` merged with ``event``: ``message_created`` with ``id``,
``content``, ``message_type``, ``private``, ``sender`` (``type: user`` for an
agent), ``conversation`` (``id``, ``status``), ``account``, ``inbox``; and
``conversation_status_changed`` with the conversation's ``id`` and ``status``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

STATUTS_CREATION = {"open", "resolved", "pending"}
STATUTS = STATUTS_CREATION | {"snoozed"}


def _erreur(statut: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=statut)


@dataclass
class FauxChatwoot:
    jeton: str = "chatwoot-user-token-de-test"
    compte: int = 3
    boite: int = 7
    url_webhook: str | None = None  # where "Chatwoot" posts its events (the console's relay)
    secret_webhook: str | None = None  # the webhook's secret: deliveries are then signed as Chatwoot 4.x signs them
    contacts: dict[int, dict[str, Any]] = field(default_factory=dict)
    conversations: dict[int, dict[str, Any]] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    appels: list[str] = field(default_factory=list)
    panne: str | None = None
    _ids: Any = field(default_factory=lambda: itertools.count(41))

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._controle])
        base = "/api/v1/accounts/{compte}"
        app.router.add_post(f"{base}/contacts", self._contact)
        app.router.add_post(f"{base}/conversations", self._conversation)
        app.router.add_post(f"{base}/conversations/{{id}}/messages", self._message)
        app.router.add_post(f"{base}/conversations/{{id}}/toggle_status", self._statut)
        return app

    @web.middleware
    async def _controle(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.appels.append(f"{request.method} {request.path}")
        if self.panne == "500":
            return _erreur(500, "Internal Server Error")
        if request.headers.get("api_access_token") != self.jeton:
            return _erreur(401, "You need to sign in or sign up before continuing.")
        if request.match_info.get("compte") != str(self.compte):
            return _erreur(404, "Resource could not be found")
        try:
            request["corps"] = await request.json()
        except ValueError:
            return _erreur(400, "Invalid JSON")
        return await handler(request)

    def _conv(self, request: web.Request) -> dict[str, Any] | None:
        ident = request.match_info.get("id", "")
        return self.conversations.get(int(ident)) if ident.isdigit() else None

    async def _contact(self, request: web.Request) -> web.Response:
        corps = request["corps"]
        if corps.get("inbox_id") != self.boite:
            return _erreur(422 if corps.get("inbox_id") is None else 404, "inbox_id is required and must exist")
        ident = next(self._ids)
        contact = {"id": ident, "name": corps.get("name"), "identifier": corps.get("identifier"), "email": corps.get("email")}
        source_id = str(uuid.uuid4())
        self.contacts[ident] = {**contact, "source_id": source_id}
        return web.json_response({"payload": {"contact": contact,
                                              "contact_inbox": {"inbox": {"id": self.boite, "name": "Guichet"}, "source_id": source_id}}})

    async def _conversation(self, request: web.Request) -> web.Response:
        corps = request["corps"]
        if not corps.get("source_id"):
            return _erreur(422, "source_id is required")
        contact = self.contacts.get(corps.get("contact_id"))
        if contact is None or contact["source_id"] != corps["source_id"] or corps.get("inbox_id") != self.boite:
            return _erreur(404, "Resource could not be found")
        statut = corps.get("status", "open")
        if statut not in STATUTS_CREATION:
            return _erreur(422, "status is not included in the list")
        ident = len(self.conversations) + 1
        conversation = {"id": ident, "account_id": self.compte, "inbox_id": self.boite, "status": statut,
                        "contact_id": contact["id"], "additional_attributes": corps.get("additional_attributes") or {}}
        self.conversations[ident] = conversation
        return web.json_response(conversation)

    async def _message(self, request: web.Request) -> web.Response:
        conversation, corps = self._conv(request), request["corps"]
        if conversation is None:
            return _erreur(404, "Resource could not be found")
        if not isinstance(corps.get("content"), str) or not corps["content"]:
            return _erreur(422, "content is required")
        if corps.get("message_type", "outgoing") not in ("incoming", "outgoing"):
            return _erreur(422, "message_type is not included in the list")
        message = {"id": len(self.messages) + 1, "content": corps["content"], "conversation_id": conversation["id"],
                   "message_type": corps.get("message_type", "outgoing"), "private": bool(corps.get("private", False))}
        self.messages.append(message)
        return web.json_response(message)

    async def _statut(self, request: web.Request) -> web.Response:
        conversation, corps = self._conv(request), request["corps"]
        if conversation is None:
            return _erreur(404, "Resource could not be found")
        if corps.get("status") not in STATUTS:
            return _erreur(422, "status is not included in the list")
        conversation["status"] = corps["status"]
        return web.json_response({"meta": {}, "payload": {"success": True, "current_status": corps["status"],
                                                          "conversation_id": conversation["id"]}})

    # -- what Chatwoot sends out -----------------------------------------------------------
    def entetes_signes(self, corps: bytes, horodatage: int | None = None, livraison: str | None = None) -> dict[str, str]:
        """Chatwoot's lib/webhooks/trigger.rb: X-Chatwoot-Delivery (a UUID per request), X-Chatwoot-Timestamp
        (Unix seconds) and, when the webhook has a secret, X-Chatwoot-Signature: sha256=<hex HMAC-SHA256 of
        "<timestamp>.<body>">."""
        ts = str(int(time.time()) if horodatage is None else horodatage)
        entetes = {"Content-Type": "application/json", "Accept": "application/json",
                   "X-Chatwoot-Delivery": livraison or str(uuid.uuid4()), "X-Chatwoot-Timestamp": ts}
        if self.secret_webhook:
            entetes["X-Chatwoot-Signature"] = "sha256=" + hmac.new(
                self.secret_webhook.encode(), f"{ts}.".encode() + corps, hashlib.sha256).hexdigest()
        return entetes

    async def _poster(self, evenement: dict[str, Any]) -> int:
        assert self.url_webhook, "url_webhook not set"
        corps = json.dumps(evenement).encode()  # Ruby's payload.to_json: the body is sent as it was signed
        async with aiohttp.ClientSession() as s:
            async with s.post(self.url_webhook, data=corps, headers=self.entetes_signes(corps)) as r:
                return r.status

    async def agent_repond(self, conversation: int, texte: str, agent: str = "Camille Martin", prive: bool = False) -> int:
        """An agent types a reply in Chatwoot's dashboard: message_created, outgoing, sender type user."""
        c = self.conversations[conversation]
        message = {"id": len(self.messages) + 1, "content": texte, "conversation_id": conversation, "message_type": "outgoing",
                   "private": prive}
        self.messages.append(message)
        return await self._poster({
            "event": "message_created", "id": message["id"], "content": texte, "created_at": "2026-11-22T14:00:00.000Z",
            "message_type": "outgoing", "content_type": "text", "content_attributes": {}, "source_id": None, "private": prive,
            "sender": {"id": 12, "name": agent, "email": "camille@ville.fr", "type": "user"},
            "contact": {"id": c["contact_id"], "name": "Usager Guichet"},
            "inbox": {"id": self.boite, "name": "Guichet"},
            "conversation": {"id": conversation, "status": c["status"], "additional_attributes": c["additional_attributes"]},
            "account": {"id": self.compte, "name": "Ville de Démo"},
        })

    async def agent_resout(self, conversation: int) -> int:
        c = self.conversations[conversation]
        c["status"] = "resolved"
        return await self._poster({"event": "conversation_status_changed", "id": conversation, "status": "resolved",
                                   "account": {"id": self.compte}, "inbox_id": self.boite,
                                   "additional_attributes": c["additional_attributes"]})
