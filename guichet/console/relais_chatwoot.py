"""Chatwoot as the handoff target: relays agents' replies to the citizen and the
citizen's messages to Chatwoot.

- Chatwoot → citizen: Chatwoot POSTs its events (agent bot outgoing URL or
  account webhook, `message_created` and `conversation_status_changed`) to
  `/chatwoot/webhook` of the console, signed as Chatwoot 4.x signs them
  (`X-Chatwoot-Signature: sha256=<HMAC-SHA256(secret, "<timestamp>.<body>")>`,
  `X-Chatwoot-Timestamp`, `X-Chatwoot-Delivery`): a wrong or missing signature,
  a timestamp more than five minutes away or a delivery already received is
  refused. Each delivery is stored before it is handled and answered 200:
  Chatwoot does not retry, so when the Rasa server is unreachable the delivery
  waits in the store and the relay hands it over, in order, once Rasa is back.
  An agent's public reply becomes a bot event in the agent's name in the Rasa
  tracker, sent live to the widget; a resolved conversation resumes the bot with
  the satisfaction question.
- citizen → Chatwoot: the Rasa server's event broker
  (serveur_rasa/diffusion_console.py) posts the ids of conversations where a
  citizen just wrote to `/chatwoot/nouveaux-messages` (the Rasa API token as
  Bearer); the relay reads those conversations' new messages at once and posts
  them as `incoming` messages. A full pass over every linked conversation every
  30 s catches what a lost notice missed (every second while Rasa is away).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from connecteurs.chatwoot import ClientChatwoot, LiensChatwoot, Livraison
from connecteurs.erreurs import ErreurConnecteur
from connecteurs.serveur_http import porteur_valide
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
FENETRE_HORODATAGE_S = 300  # a signed delivery older or newer than this is refused (replays)
GARDE_LIVRAISONS_S = 24 * 3600  # handled deliveries' ids kept this long (duplicates)
ENTETE_SIGNATURE, ENTETE_HORODATAGE, ENTETE_LIVRAISON = "X-Chatwoot-Signature", "X-Chatwoot-Timestamp", "X-Chatwoot-Delivery"


def signature_chatwoot(secret: str, horodatage: str, corps: bytes) -> str:
    """What Chatwoot sends in X-Chatwoot-Signature for a body sent at `horodatage` (Unix seconds, as text)."""
    return "sha256=" + hmac.new(secret.encode(), horodatage.encode() + b"." + corps, hashlib.sha256).hexdigest()


class RelaisChatwoot:
    def __init__(self, client: ClientChatwoot, liens: LiensChatwoot, rasa: ApiRasa, secret: str, intervalle_s: float = 30.0,
                 horloge: Callable[[], float] = time.time, intervalle_reprise_s: float = 1.0) -> None:
        if len(secret) < LONGUEUR_MIN_SECRET:
            raise ValueError(f"GUICHET_CHATWOOT_SECRET must be at least {LONGUEUR_MIN_SECRET} characters")
        self.client, self.liens, self.rasa, self.secret, self.intervalle_s = client, liens, rasa, secret, intervalle_s
        self.horloge, self.intervalle_reprise_s = horloge, intervalle_reprise_s
        self._signalees: set[str] = set()  # conversations with a citizen's message not yet forwarded
        self._reveil = asyncio.Event()
        self._en_retard = False  # Rasa was away in the last round: full passes every intervalle_reprise_s

    def signaler(self, conversations: list[str]) -> None:
        """The Rasa server says these conversations have a new citizen message: forward them now."""
        self._signalees.update(conversations)
        self._reveil.set()

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

    async def relayer_usagers(self, seulement: set[str] | None = None) -> int:
        """One pass (over ``seulement`` if given): the citizens' new messages to Chatwoot; the number forwarded."""
        envoyes = 0
        for lien in await self.liens.actifs():
            if seulement is not None and lien.sender_id not in seulement:
                continue
            try:
                tracker = await self.rasa.tracker(lien.sender_id)
            except RasaIndisponible as exc:
                logger.warning("chatwoot relay: conversation not readable (%s)", exc)
                self._en_retard = True
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

    async def traiter(self, livraison: Livraison) -> str:
        """Handle one stored delivery; it stays pending (for the next pass) while Rasa cannot be reached."""
        try:
            evenement = json.loads(livraison.corps)
        except ValueError:
            evenement = None
        resultat = await self.recevoir(evenement) if isinstance(evenement, dict) else "ignore: not a JSON object"
        await self.liens.livraison_traitee(livraison.ident, self.horloge())
        return resultat

    async def livrer_en_attente(self) -> int:
        """One pass over the deliveries that waited for Rasa, oldest first; the number handled."""
        faites = 0
        for livraison in await self.liens.livraisons_en_attente():
            try:
                resultat = await self.traiter(livraison)
            except RasaIndisponible:
                self._en_retard = True
                return faites  # still away: keep the order, try again at the next pass
            logger.info("chatwoot webhook (delivered late): %s", resultat)
            faites += 1
        await self.liens.oublier_livraisons(self.horloge() - GARDE_LIVRAISONS_S)
        return faites

    async def boucle(self) -> None:
        """Rounds woken by Rasa's notices (those conversations only) or by the clock (every linked conversation)."""
        complet = True
        while True:
            seulement, self._signalees = (None if complet else self._signalees), set()
            self._en_retard = False
            for passe in (self.livrer_en_attente, functools.partial(self.relayer_usagers, seulement)):  # one failing never stops the other
                try:
                    await passe()
                except ErreurConnecteur as exc:
                    logger.warning("chatwoot relay: %s", exc)
                except Exception as exc:  # supervised: an unexpected error never ends the relay
                    logger.error("chatwoot relay: unexpected %s; the relay goes on at the next round", type(exc).__name__)
            try:
                await asyncio.wait_for(self._reveil.wait(), self.intervalle_reprise_s if self._en_retard else self.intervalle_s)
                complet = self._en_retard
            except asyncio.TimeoutError:
                complet = True
            self._reveil.clear()

    def signature_valide(self, request_entetes: Any, corps: bytes) -> str | None:
        """Why a delivery is refused (an English sentence for the logs), or None when it is Chatwoot's."""
        horodatage = str(request_entetes.get(ENTETE_HORODATAGE) or "")
        signature = str(request_entetes.get(ENTETE_SIGNATURE) or "")
        if not horodatage or not signature:
            return "unsigned delivery"
        if not horodatage.isdigit() or abs(self.horloge() - int(horodatage)) > FENETRE_HORODATAGE_S:
            return "timestamp missing or more than five minutes away"
        if not hmac.compare_digest(signature.encode(), signature_chatwoot(self.secret, horodatage, corps).encode()):
            return "wrong signature"
        return None

    def ajouter_routes(self, app: web.Application) -> None:
        async def webhook(request: web.Request) -> web.Response:
            corps = await request.read()
            refus = self.signature_valide(request.headers, corps)
            if refus is not None:
                logger.warning("chatwoot webhook refused: %s", refus)
                return web.json_response({"error": "missing or wrong X-Chatwoot-Signature"}, status=401)
            try:
                evenement = json.loads(corps)
            except ValueError:
                return web.json_response({"error": "body must be JSON"}, status=400)
            if not isinstance(evenement, dict):
                return web.json_response({"error": "body must be a JSON object"}, status=400)
            ident = str(request.headers.get(ENTETE_LIVRAISON) or "")[:100] or signature_chatwoot(self.secret, "", corps)[7:]
            livraison = Livraison(ident, corps.decode("utf-8", errors="replace"))
            try:
                if not await self.liens.recevoir_livraison(livraison, self.horloge()):
                    return web.json_response({"ok": True, "resultat": "already received"})
            except ErreurConnecteur as exc:  # nowhere to keep it: the only case where Chatwoot is told to try again
                logger.error("chatwoot webhook: delivery not stored (%s)", exc)
                return web.json_response({"error": "temporarily unavailable"}, status=503)
            try:
                resultat = await self.traiter(livraison)
            except (RasaIndisponible, ErreurConnecteur) as exc:
                logger.warning("chatwoot webhook: kept for later (%s)", exc)
                return web.json_response({"ok": True, "resultat": "queued until the assistant is back"}, status=202)
            logger.info("chatwoot webhook: %s", resultat)
            return web.json_response({"ok": True, "resultat": resultat})

        async def nouveaux_messages(request: web.Request) -> web.Response:
            if not porteur_valide(request.headers, self.rasa.config.jeton):
                return web.json_response({"error": "missing or wrong API token (Authorization: Bearer …)"}, status=401)
            try:
                conversations = (await request.json())["conversations"]
            except (ValueError, KeyError, TypeError):
                conversations = None
            if not isinstance(conversations, list) or not all(isinstance(c, str) and 0 < len(c) <= 255 for c in conversations):
                return web.json_response({"error": 'body must be {"conversations": ["<sender id>", …]}'}, status=400)
            self.signaler(conversations)
            return web.json_response({"ok": True}, status=202)

        app.router.add_post("/chatwoot/webhook", webhook)
        app.router.add_post("/chatwoot/nouveaux-messages", nouveaux_messages)
