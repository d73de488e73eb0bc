"""WebSocket media-stream transport (Twilio-compatible JSON), served with aiohttp."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import WSMsgType, web

from voix.appel import EvenementLigne, GenreEvenement
from voix.codec import OCTETS_PAR_ECHANTILLON, TAUX_LIGNE, pcm_vers_ulaw, ulaw_vers_pcm
from voix.entetes import ENTETE_SECRET_PBX, secret_valide
from voix.flux_media import (
    Arret,
    Connecte,
    Demarrage,
    Media,
    MessageInvalide,
    Repere,
    Touche,
    lire_message,
    message_media,
    message_repere,
    message_vider,
)
from voix.limites import LimitesLigne
from voix.transferts import DemandeTransfert

logger = logging.getLogger(__name__)
MORCEAU_MS = 100  # media messages of 100 ms; one mark per spoken chunk


class LigneFlux:
    """The remote side buffers and plays; marks tell us what it has played."""

    def __init__(self, ws: web.WebSocketResponse, stream_sid: str, ident: str, delai_ecriture_s: float = 5.0) -> None:
        self.ws, self.stream_sid, self.ident = ws, stream_sid, ident
        self.delai_ecriture_s = delai_ecriture_s
        self._reperes: set[str] = set()
        self._compteur = 0
        self.ferme = False

    async def jouer(self, pcm: bytes) -> None:
        if self.ferme:
            return
        taille = TAUX_LIGNE * OCTETS_PAR_ECHANTILLON * MORCEAU_MS // 1000
        for i in range(0, len(pcm), taille):
            await self._envoyer(message_media(self.stream_sid, pcm_vers_ulaw(pcm[i:i + taille])))
        self._compteur += 1
        nom = f"m{self._compteur}"
        self._reperes.add(nom)
        await self._envoyer(message_repere(self.stream_sid, nom))

    async def _envoyer(self, message: str) -> None:
        """One message to the peer; a peer that stops reading for delai_ecriture_s is dropped."""
        if self.ferme:
            return
        try:
            await asyncio.wait_for(self.ws.send_str(message), self.delai_ecriture_s)
        except asyncio.TimeoutError:
            logger.warning("media stream: call %s, the peer stopped reading for %.0f s; closed", self.ident[:8],
                           self.delai_ecriture_s)
            self.ferme = True
            await self.ws.close()

    def repere_joue(self, nom: str) -> None:
        self._reperes.discard(nom)

    async def vider(self) -> None:
        if self._reperes and not self.ferme:
            await self._envoyer(message_vider(self.stream_sid))
        self._reperes.clear()

    def en_lecture(self) -> bool:
        return bool(self._reperes)

    async def raccrocher(self) -> None:
        if not self.ferme:
            self.ferme = True
            await self.ws.close()

    async def transferer(self, demande: DemandeTransfert) -> None:
        await self.raccrocher()  # the provider reads /transferts/<callSid> once the stream ends


Demarrer = Callable[[str, "LigneFlux", "str | None"], "tuple[asyncio.Queue[EvenementLigne], Awaitable[None]]"]


def route_flux(demarrer: Demarrer, limites: LimitesLigne = LimitesLigne(),
               secret: str = "") -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The media-stream route. The peer proves it holds the PBX secret in the upgrade request (X-Guichet-Secret header
    or ?secret=) or in the start message's custom parameters (Twilio <Parameter name="secret">); else no call starts."""

    async def flux(request: web.Request) -> web.StreamResponse:
        authentifie = secret_valide(request.headers.get(ENTETE_SECRET_PBX) or request.query.get("secret"), secret)
        ws = web.WebSocketResponse(heartbeat=30, max_msg_size=limites.taille_message_max)
        await ws.prepare(request)
        ligne: LigneFlux | None = None
        deroulement: asyncio.Future[None] | None = None
        file: asyncio.Queue[EvenementLigne] | None = None
        try:
            while True:
                delai = limites.delai_debut_s if ligne is None else limites.delai_inactivite_s
                try:
                    message = await ws.receive(timeout=delai)
                except asyncio.TimeoutError:
                    if ligne is None:
                        raise MessageInvalide(f"no start message within {delai:.0f} s") from None
                    logger.warning("media stream: call %s, no message for %.0f s; call ended", ligne.ident[:8], delai)
                    break
                if message.type == WSMsgType.ERROR:
                    raise MessageInvalide(f"websocket error ({type(ws.exception()).__name__}): too large or malformed")
                if message.type != WSMsgType.TEXT:
                    if message.type == WSMsgType.BINARY:
                        raise MessageInvalide("binary frame: JSON text messages expected")
                    break
                m = lire_message(message.data)
                if isinstance(m, Connecte):
                    continue
                if isinstance(m, Demarrage):
                    if ligne is not None:
                        raise MessageInvalide("second start message")
                    if not (authentifie or secret_valide(m.parametres.get("secret"), secret)):
                        raise MessageInvalide("start without the PBX secret")
                    ligne = LigneFlux(ws, m.stream_sid, m.call_sid, limites.delai_ecriture_s)
                    file, appel = demarrer(m.call_sid, ligne, m.parametres.get("numero_appelant"))  # authenticated: trusted
                    deroulement = asyncio.ensure_future(appel)
                    continue
                if ligne is None or file is None:
                    raise MessageInvalide(f"{type(m).__name__} before start")
                if isinstance(m, Media):
                    file.put_nowait(EvenementLigne(GenreEvenement.AUDIO, pcm=ulaw_vers_pcm(m.ulaw)))
                elif isinstance(m, Touche):
                    file.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche=m.chiffre))
                elif isinstance(m, Repere):
                    ligne.repere_joue(m.nom)
                elif isinstance(m, Arret):
                    file.put_nowait(EvenementLigne(GenreEvenement.FIN))
                    break
                if deroulement is not None and deroulement.done():
                    break
        except MessageInvalide as exc:
            logger.warning("media stream: malformed input, call ended (%s)", exc)
        except Exception:  # one call must never take the gateway down
            logger.exception("media stream: call failed")
        finally:
            if file is not None:
                file.put_nowait(EvenementLigne(GenreEvenement.FIN))
            if deroulement is not None:
                try:
                    await asyncio.wait_for(deroulement, 5)
                except (asyncio.TimeoutError, Exception):
                    deroulement.cancel()
            if not ws.closed:
                await ws.close()
        return ws

    return flux
