"""The voice gateway: shared engines, the AudioSocket server and the HTTP server
(WebSocket media streams at /flux, transfers at /transferts, health at /sante)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from connecteurs.serveur_http import SiteGarde
from voix.appel import Appel, EvenementLigne, Ligne, Mesures
from voix.cache_voix import CacheVoix
from voix.config import ConfigVoix
from voix.dialogue_rasa import DialogueRasa, choisir_invites, textes_fixes
from voix.entetes import ENTETE_SECRET_PBX, secret_valide
from voix.ligne_audiosocket import servir_connexion
from voix.ligne_flux import route_flux
from voix.limites import FileLigne
from voix.reconnaissance import ModeleVosk
from voix.synthese import VoixPiper
from voix.transferts import CiblesTransfert, Transferts

logger = logging.getLogger(__name__)
NUMERO = re.compile(r"^\+?\d{3,20}$")


@dataclass
class Passerelle:
    config: ConfigVoix
    vosk: ModeleVosk
    voix: VoixPiper
    dialogue: DialogueRasa
    invites: dict[str, str]
    textes_fixes: list[str] = field(default_factory=list)  # the domain's answers, pre-synthesised in the background
    cache: CacheVoix | None = None
    transferts: Transferts = field(init=False)
    appels: dict[str, Appel] = field(default_factory=dict)
    terminees: list[Mesures] = field(default_factory=list)
    numeros: dict[str, str] = field(default_factory=dict)  # call id -> caller number, announced by the dialplan

    def __post_init__(self) -> None:
        self.transferts = Transferts(CiblesTransfert(self.config.cible_transfert, self.config.cible_secours))

    def demarrer_appel(self, ident: str, ligne: Ligne, numero: str | None = None) -> tuple[asyncio.Queue[EvenementLigne], Awaitable[None]]:
        numero = numero or self.numeros.pop(ident, None)
        limites = self.config.limites
        if len(self.appels) >= limites.appels_max:
            logger.warning("call %s: refused, %d calls in progress (GUICHET_VOIX_APPELS_MAX)", ident[:8], len(self.appels))
            return FileLigne(limites.file_max, ident), self._lignes_occupees(ligne)
        appel = Appel(ident, ligne, self.dialogue, self.vosk, self.voix, self.invites, self.config.reglages, numero,
                      self.transferts)
        appel.evenements = FileLigne(limites.file_max, ident)
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

    async def _lignes_occupees(self, ligne: Ligne) -> None:
        """A call over the cap hears the polite « all lines busy » prompt, then is hung up cleanly."""
        try:
            async for pcm in self.voix.flux(self.invites["utter_lignes_occupees"]):
                await ligne.jouer(pcm)
            while ligne.en_lecture():
                await asyncio.sleep(0.05)
        finally:
            await ligne.raccrocher()

    def application_http(self) -> web.Application:
        secret = self.config.secret_pbx
        if not secret:
            logger.warning("GUICHET_VOIX_SECRET_PBX is not set: /appels, /transferts and media streams (/flux) are refused")

        @web.middleware
        async def pbx_seulement(request: web.Request, handler: Any) -> web.StreamResponse:
            """Only the PBX (or the telephony provider) that holds the shared secret reaches the call routes."""
            if request.path.startswith(("/appels/", "/transferts/")):
                presente = request.headers.get(ENTETE_SECRET_PBX) or request.query.get("secret")
                if not secret_valide(presente, secret):
                    logger.warning("gateway: %s refused without the PBX secret", request.path.split("/")[1])
                    return web.json_response({"error": "missing or wrong PBX secret"}, status=401)
            return await handler(request)

        app = web.Application(middlewares=[pbx_seulement], client_max_size=16 * 1024)
        app.router.add_get("/flux", route_flux(self.demarrer_appel,
                                               self.config.limites, secret))

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
    cache = CacheVoix.pour_voix(config.dossier_cache, config.chemin_piper, config.voix_piper) if config.dossier_cache else None
    dialogue = DialogueRasa(config.url_rasa, config.jeton)
    reponses = await dialogue.reponses()
    invites = choisir_invites(reponses)
    await voix.figer([t for t in invites.values() if "{" not in t], cache, priorite=0)  # before the first call
    return Passerelle(config, vosk, voix, dialogue, invites, textes_fixes(reponses), cache)


async def pre_synthetiser(passerelle: Passerelle) -> None:
    """The domain's fixed answers, behind callers' work: FAQ answers then cost no synthesis."""
    debut = time.monotonic()
    try:
        synthetisees, lues = await passerelle.voix.figer(passerelle.textes_fixes, passerelle.cache)
    except Exception:  # a bad sentence must not leave the gateway without its cache silently
        logger.exception("pre-synthesis of the domain's answers stopped")
        return
    logger.info("pre-synthesis: %d fixed sentences ready (%d synthesised, %d from the disk cache) in %.1f s",
                passerelle.voix.phrases_figees, synthetisees, lues, time.monotonic() - debut)


@contextlib.asynccontextmanager
async def servir(passerelle: Passerelle) -> AsyncIterator[tuple[int, int]]:
    """Run both servers; yield (AudioSocket port, HTTP port)."""
    config = passerelle.config

    ouvertes = 0

    async def connexion(lecteur: asyncio.StreamReader, ecrivain: asyncio.StreamWriter) -> None:
        nonlocal ouvertes
        if ouvertes >= config.limites.connexions_max:
            logger.warning("audiosocket: connection refused, %d already open", ouvertes)
            ecrivain.close()
            return
        ouvertes += 1
        try:
            await servir_connexion(lecteur, ecrivain, passerelle.demarrer_appel,
                                   config.limites)
        finally:
            ouvertes -= 1

    serveur_tcp = await asyncio.start_server(connexion, config.hote, config.port_audiosocket)
    runner = web.AppRunner(passerelle.application_http())
    await runner.setup()
    site = SiteGarde(runner, config.hote, config.port_http, config.limites_http, "voice gateway http")
    await site.start()
    port_tcp = serveur_tcp.sockets[0].getsockname()[1]
    port_http = site.port
    fond = asyncio.create_task(pre_synthetiser(passerelle)) if config.pre_synthese else None
    try:
        yield port_tcp, port_http
    finally:
        if fond is not None:
            fond.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await fond
        serveur_tcp.close()
        await runner.cleanup()
        await passerelle.dialogue.fermer()
