"""The voice gateway: shared engines, the AudioSocket server and the HTTP server
(WebSocket media streams at /flux, transfers at /transferts, health at /sante)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass, field
from typing import AsyncIterator, Awaitable

from aiohttp import web

from voix.appel import Appel, EvenementLigne, Ligne, Mesures
from voix.config import ConfigVoix
from voix.dialogue_rasa import DialogueRasa
from voix.ligne_audiosocket import servir_connexion
from voix.ligne_flux import route_flux
from voix.reconnaissance import ModeleVosk
from voix.synthese import VoixPiper
from voix.transferts import Transferts

logger = logging.getLogger(__name__)
NUMERO = re.compile(r"^\+?\d{3,20}$")


@dataclass
class Passerelle:
    config: ConfigVoix
    vosk: ModeleVosk
    voix: VoixPiper
    dialogue: DialogueRasa
    invites: dict[str, str]
    transferts: Transferts = field(default_factory=Transferts)
    appels: dict[str, Appel] = field(default_factory=dict)
    terminees: list[Mesures] = field(default_factory=list)
    numeros: dict[str, str] = field(default_factory=dict)  # call id -> caller number, announced by the dialplan

    def demarrer_appel(self, ident: str, ligne: Ligne, numero: str | None = None) -> tuple[asyncio.Queue[EvenementLigne], Awaitable[None]]:
        numero = numero or self.numeros.pop(ident, None)
        appel = Appel(ident, ligne, self.dialogue, self.vosk, self.voix, self.invites, self.config.reglages, numero)
        self.appels[ident] = appel
        logger.info("call %s: started", ident[:8])

        async def derouler() -> None:
            try:
                await appel.derouler()
            finally:
                self.appels.pop(ident, None)
                self.terminees.append(appel.mesures)
                del self.terminees[:-1000]
                logger.info("call %s: ended%s", ident[:8], " (transferred)" if appel.transfere is not None else "")

        return appel.evenements, derouler()

    def application_http(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/flux", route_flux(self.transferts, self.config.cible_transfert, self.demarrer_appel))

        async def sante(request: web.Request) -> web.Response:
            return web.json_response({"status": "ok", "appels": len(self.appels)})

        async def annoncer(request: web.Request) -> web.Response:
            """The dialplan gives the caller's number before AudioSocket (which has no metadata)."""
            donnees = await request.post()
            numero = str(donnees.get("numero_appelant") or request.query.get("numero_appelant") or "")
            if not NUMERO.match(numero):
                return web.json_response({"error": "numero_appelant: 3 to 20 digits, optional leading +"}, status=400)
            self.numeros[request.match_info["appel"]] = numero
            del_anciens = list(self.numeros)[:-1000]
            for ancien in del_anciens:
                self.numeros.pop(ancien, None)
            return web.json_response({"ok": True})

        app.router.add_get("/sante", sante)
        app.router.add_post("/appels/{appel}", annoncer)
        self.transferts.ajouter_routes(app)
        return app


async def charger(config: ConfigVoix) -> Passerelle:
    """Load the models (clear error naming the missing file) and the prompts from Rasa."""
    vosk = await asyncio.to_thread(ModeleVosk, config.chemin_vosk, config.modele_vosk)
    voix = await asyncio.to_thread(VoixPiper, config.chemin_piper, config.voix_piper, 256, config.fils_piper or None)
    dialogue = DialogueRasa(config.url_rasa, config.jeton)
    invites = await dialogue.invites()
    await voix.prechauffer(list(invites.values()))
    return Passerelle(config, vosk, voix, dialogue, invites)


@contextlib.asynccontextmanager
async def servir(passerelle: Passerelle) -> AsyncIterator[tuple[int, int]]:
    """Run both servers; yield (AudioSocket port, HTTP port)."""
    config = passerelle.config

    async def connexion(lecteur: asyncio.StreamReader, ecrivain: asyncio.StreamWriter) -> None:
        await servir_connexion(lecteur, ecrivain, passerelle.transferts, config.cible_transfert, passerelle.demarrer_appel)

    serveur_tcp = await asyncio.start_server(connexion, config.hote, config.port_audiosocket)
    runner = web.AppRunner(passerelle.application_http())
    await runner.setup()
    site = web.TCPSite(runner, config.hote, config.port_http)
    await site.start()
    port_tcp = serveur_tcp.sockets[0].getsockname()[1]
    port_http = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield port_tcp, port_http
    finally:
        serveur_tcp.close()
        await runner.cleanup()
        await passerelle.dialogue.fermer()
