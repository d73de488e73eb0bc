"""Chatwoot as the handoff target: relays agents' replies to the citizen and the
citizen's messages to Chatwoot.

- Chatwoot → citizen: Chatwoot POSTs its events (agent bot outgoing URL or
  account webhook, `message_created` and `conversation_status_changed`) to
  `/chatwoot/webhook/<secret>` of the console. An agent's public reply becomes
  a bot event in the agent's name in the Rasa tracker, sent live to the
  widget; a resolved conversation resumes the bot with the satisfaction question.
- citizen → Chatwoot: every second, the citizen's new messages in the Rasa
  tracker of each linked conversation are posted as `incoming` messages.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from aiohttp import web

from connecteurs.chatwoot import ClientChatwoot, LiensChatwoot
from connecteurs.erreurs import ErreurConnecteur
from guichet.console.api_rasa import ApiRasa, RasaIndisponible
from guichet.console.prise_en_charge import (
    EVENEMENT_REJOINT,
    LONGUEUR_MAX_MESSAGE,
    cloturer_dans_rasa,
    evenement_bot,
    transcription,
)

logger = logging.getLogger(__name__)
LONGUEUR_MIN_SECRET = 16


class RelaisChatwoot:
    def __init__(self, client: ClientChatwoot, liens: LiensChatwoot, rasa: ApiRasa, secret: str, intervalle_s: float = 1.0) -> None:
        if len(secret) < LONGUEUR_MIN_SECRET:
            raise ValueError(f"GUICHET_CHATWOOT_SECRET must be at least {LONGUEUR_MIN_SECRET} characters")
        self.client, self.liens, self.rasa, self.secret, self.intervalle_s = client, liens, rasa, secret, intervalle_s

    async def recevoir(self, evenement: dict[str, Any]) -> str:
        """Handle one Chatwoot event; returns what was done (for the logs and the tests)."""
        genre = evenement.get("event")
        conversation = evenement.get("conversation") if genre == "message_created" else evenement
        ident = (conversation or {}).get("id") if isinstance(conversation, dict) else None
        if not isinstance(ident, int):
            return "ignore: no conversation id"
        lien = await self.liens.lien(ident)
        if lien is None or not lien.actif:
            return "ignore: not a Guichet conversation"
        if genre == "message_created":
            expediteur = evenement.get("sender") or {}
            contenu = evenement.get("content")
            if evenement.get("message_type") != "outgoing" or evenement.get("private") or expediteur.get("type") != "user":
                return "ignore: not an agent's public reply"
            if not isinstance(contenu, str) or not contenu.strip():
                return "ignore: empty"
            nom = str(expediteur.get("name") or "conseiller")[:100]
            evenements = [evenement_bot(None, nom, EVENEMENT_REJOINT)] if await self.liens.annoncer_conseiller(ident) else []
            evenements.append(evenement_bot(contenu.strip()[:LONGUEUR_MAX_MESSAGE], nom))
            await self.rasa.ajouter(lien.sender_id, evenements)
            return "reply relayed"
        if genre == "conversation_status_changed" and evenement.get("status") == "resolved":
            if await self.liens.clore(ident):
                await cloturer_dans_rasa(self.rasa, lien.sender_id, "chatwoot")
            return "closed"
        return f"ignore: {genre}"

    async def relayer_usagers(self) -> int:
        """One pass: the citizens' new messages to Chatwoot; the number forwarded."""
        envoyes = 0
        for lien in await self.liens.actifs():
            try:
                tracker = await self.rasa.tracker(lien.sender_id)
            except RasaIndisponible as exc:
                logger.warning("chatwoot relay: conversation not readable (%s)", exc)
                return envoyes
            marque = lien.dernier_horodatage
            for tour in transcription(tracker.get("events") or []):
                if tour.auteur == "usager" and tour.horodatage > marque and tour.texte:
                    # claim the message first: with several console processes, exactly one forwards it
                    if not await self.liens.avancer(lien.conversation, marque, tour.horodatage):
                        break  # another process is forwarding this conversation: its turn
                    try:
                        await self.client.envoyer_message(lien.conversation, tour.texte, type_="incoming")
                    except ErreurConnecteur:
                        await self.liens.avancer(lien.conversation, tour.horodatage, marque)  # give it back: sent next pass
                        raise
                    marque = tour.horodatage
                    envoyes += 1
        return envoyes

    async def boucle(self) -> None:
        while True:
            try:
                await self.relayer_usagers()
            except ErreurConnecteur as exc:
                logger.warning("chatwoot relay: %s", exc)
            except Exception as exc:  # supervised: an unexpected error never ends the relay
                logger.error("chatwoot relay: unexpected %s; the relay goes on at the next round", type(exc).__name__)
            await asyncio.sleep(self.intervalle_s)

    def ajouter_routes(self, app: web.Application) -> None:
        async def webhook(request: web.Request) -> web.Response:
            if not hmac.compare_digest(request.match_info["secret"].encode(), self.secret.encode()):
                raise web.HTTPNotFound()
            try:
                evenement = await request.json()
            except ValueError:
                return web.json_response({"error": "body must be JSON"}, status=400)
            if not isinstance(evenement, dict):
                return web.json_response({"error": "body must be a JSON object"}, status=400)
            try:
                resultat = await self.recevoir(evenement)
            except (RasaIndisponible, ErreurConnecteur) as exc:
                logger.error("chatwoot webhook: %s", exc)
                return web.json_response({"error": "temporarily unavailable"}, status=503)  # Chatwoot retries
            logger.info("chatwoot webhook: %s", resultat)
            return web.json_response({"ok": True, "resultat": resultat})

        app.router.add_post("/chatwoot/webhook/{secret}", webhook)
