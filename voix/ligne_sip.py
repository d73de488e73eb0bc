"""Direct SIP with pjsua2 (full PJSIP), for deployments without a PBX.

PJSIP runs in its own thread (`threadCnt = 0`, events polled there); every
PJSIP call happens in that thread through a command queue, and events go to
the call's asyncio queue with `call_soon_threadsafe`. Audio: G.711 µ-law and
A-law negotiated by PJSIP, bridged at 8 kHz/16-bit to an `AudioMediaPort`
(20 ms frames in both directions); DTMF: RFC 2833 (`onDtmfDigit`); transfer:
REFER to the agents' URI with a header carrying the escalation reference.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import queue
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from voix.appel import EvenementLigne, GenreEvenement
from voix.codec import OCTETS_TRAME_PCM, TAUX_LIGNE
from voix.entetes import ENTETE_MOTIF, ENTETE_REFERENCE
from voix.transferts import DemandeTransfert, MotifTransfert

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConfigSip:
    hote: str = "127.0.0.1"
    port: int = 5070
    cible_transfert: str = "sip:conseillers@127.0.0.1"  # REFER target of an escalation
    cible_secours: str = "sip:conseillers@127.0.0.1"  # REFER target when the dialogue cannot be reached


Demarrer = Callable[[str, "LigneSip", "str | None"], "tuple[asyncio.Queue[EvenementLigne], Awaitable[None]]"]


class LigneSip:
    """The asyncio side of one SIP call."""

    def __init__(self, telephonie: TelephonieSip, ident: str) -> None:
        self.telephonie, self.ident = telephonie, ident  # never the pjsua2 Call itself: PJSIP owns its lifetime
        self._tampon: collections.deque[bytes] = collections.deque()
        self._verrou = threading.Lock()
        self.ferme = False
        self.trames_envoyees = 0

    # called from the PJSIP media thread
    def trame_a_jouer(self) -> bytes:
        with self._verrou:
            if self._tampon:
                self.trames_envoyees += 1
                return self._tampon.popleft()
        return b"\x00" * OCTETS_TRAME_PCM

    async def jouer(self, pcm: bytes) -> None:
        with self._verrou:
            for i in range(0, len(pcm), OCTETS_TRAME_PCM):
                morceau = pcm[i:i + OCTETS_TRAME_PCM]
                self._tampon.append(morceau + b"\x00" * (OCTETS_TRAME_PCM - len(morceau)))

    async def vider(self) -> None:
        with self._verrou:
            self._tampon.clear()

    def en_lecture(self) -> bool:
        with self._verrou:
            return bool(self._tampon)

    async def raccrocher(self) -> None:
        if not self.ferme:
            self.ferme = True
            self.telephonie.commande(self.telephonie.raccrocher, self.ident)

    async def transferer(self, demande: DemandeTransfert) -> None:
        self.ferme = True
        self.telephonie.commande(self.telephonie.transferer, self.ident, demande)


class TelephonieSip:
    """A SIP user agent answering every INVITE on hote:port (no registrar)."""

    def __init__(self, config: ConfigSip, boucle: asyncio.AbstractEventLoop, demarrer: Demarrer) -> None:
        self.config, self.boucle, self.demarrer = config, boucle, demarrer
        self._commandes: queue.Queue[tuple[Callable[..., None], tuple[Any, ...]]] = queue.Queue()
        self._pret = threading.Event()
        self._arret = threading.Event()
        self._erreur: BaseException | None = None
        self._fil = threading.Thread(target=self._tourner, name="pjsip", daemon=True)
        self.appels: dict[str, Any] = {}
        self._a_detruire: list[Any] = []  # disconnected calls, deleted between two event polls (never in a callback)
        self.trames_par_appel: dict[str, int] = {}  # audio frames sent to each caller (checks and figures)

    def demarrer_fil(self, delai_s: float = 10.0) -> None:
        self._fil.start()
        if not self._pret.wait(delai_s) or self._erreur is not None:
            raise RuntimeError(f"SIP stack did not start: {self._erreur}")

    def arreter(self) -> None:
        self._arret.set()
        self._fil.join(timeout=10)

    def commande(self, fonction: Callable[..., None], *arguments: Any) -> None:
        self._commandes.put((fonction, arguments))

    # -- the PJSIP thread ------------------------------------------------------------------
    def _tourner(self) -> None:
        import pjsua2 as pj

        try:
            self.ep = pj.Endpoint()
            self.ep.libCreate()
            cfg = pj.EpConfig()
            cfg.uaConfig.threadCnt = 0
            cfg.uaConfig.mainThreadOnly = False
            cfg.uaConfig.userAgent = "Guichet"
            cfg.logConfig.level = 1
            cfg.logConfig.consoleLevel = 1
            cfg.medConfig.clockRate = TAUX_LIGNE
            cfg.medConfig.sndClockRate = TAUX_LIGNE
            cfg.medConfig.channelCount = 1
            cfg.medConfig.noVad = True
            cfg.medConfig.ecTailLen = 0
            self.ep.libInit(cfg)
            transport = pj.TransportConfig()
            transport.port = self.config.port
            transport.boundAddress = self.config.hote
            self.ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
            self.ep.libStart()
            self.ep.audDevManager().setNullDev()
            for codec in self.ep.codecEnum2():  # G.711 only: what the phone lines speak
                priorite = 255 if codec.codecId.startswith(("PCMU/", "PCMA/")) else 0
                self.ep.codecSetPriority(codec.codecId, priorite)
            compte = pj.AccountConfig()
            compte.idUri = f"sip:guichet@{self.config.hote}:{self.config.port}"
            compte.mediaConfig.transportConfig.boundAddress = self.config.hote
            self.compte = _Compte(self)
            self.compte.create(compte)
        except BaseException as exc:  # reported to demarrer_fil
            self._erreur = exc
            self._pret.set()
            return
        self._pret.set()
        try:
            while not self._arret.is_set():
                self.ep.libHandleEvents(10)
                self._detruire()
                while True:
                    try:
                        fonction, arguments = self._commandes.get_nowait()
                    except queue.Empty:
                        break
                    try:
                        fonction(*arguments)
                    except Exception:
                        logger.exception("sip: command failed")
        finally:
            try:
                self.ep.hangupAllCalls()
                for _ in range(50):
                    self.ep.libHandleEvents(10)
                self._a_detruire.extend(self.appels.values())
                self.appels.clear()
                self._detruire()
                del self.compte
                import gc

                gc.collect()  # every pjsua2 object gone before the library
                self.ep.libDestroy()
            except Exception:
                logger.exception("sip: shutdown")

    def _detruire(self) -> None:
        while self._a_detruire:
            appel = self._a_detruire.pop()
            if appel.port is not None:
                appel.port.appel = None
                appel.port = None
            appel.ligne = appel.file = None
            del appel

    def vers_boucle(self, fonction: Callable[..., Any], *arguments: Any) -> None:
        self.boucle.call_soon_threadsafe(fonction, *arguments)

    def raccrocher(self, ident: str) -> None:
        import pjsua2 as pj

        appel_pj = self.appels.get(ident)
        if appel_pj is None or not appel_pj.isActive():
            return
        prm = pj.CallOpParam()
        prm.statusCode = 200
        appel_pj.hangup(prm)

    def transferer(self, ident: str, demande: DemandeTransfert) -> None:
        import pjsua2 as pj

        appel_pj = self.appels.get(ident)
        if appel_pj is None:
            return
        prm = pj.CallOpParam(True)
        for nom, valeur in ((ENTETE_REFERENCE, demande.reference or "-"), (ENTETE_MOTIF, demande.motif.value)):
            entete = pj.SipHeader()
            entete.hName, entete.hValue = nom, valeur
            prm.txOption.headers.append(entete)
        secours = demande.motif is MotifTransfert.SECOURS
        appel_pj.xfer(self.config.cible_secours if secours else self.config.cible_transfert, prm)


def _classes() -> tuple[type, type, type]:
    import pjsua2 as pj

    class Port(pj.AudioMediaPort):
        def __init__(self, appel: AppelSip) -> None:
            super().__init__()
            self.appel = appel

        def onFrameRequested(self, frame: Any) -> None:  # media thread: audio to the caller
            appel = self.appel
            ligne = appel.ligne if appel is not None else None
            frame.type = pj.PJMEDIA_FRAME_TYPE_AUDIO
            frame.buf = pj.ByteVector(ligne.trame_a_jouer() if ligne is not None else b"\x00" * OCTETS_TRAME_PCM)
            frame.size = OCTETS_TRAME_PCM

        def onFrameReceived(self, frame: Any) -> None:  # media thread: the caller's audio
            appel = self.appel
            if appel is not None and frame.type == pj.PJMEDIA_FRAME_TYPE_AUDIO and frame.size:
                appel.recu(bytes(frame.buf))

    class AppelSip(pj.Call):
        def __init__(self, telephonie: TelephonieSip, compte: Any, ident_pj: int) -> None:
            super().__init__(compte, ident_pj)
            self.telephonie = telephonie
            self.ident = ""
            self.ligne: LigneSip | None = None
            self.file: asyncio.Queue[EvenementLigne] | None = None
            self.port: Any = None

        def recu(self, pcm: bytes) -> None:
            if self.file is not None:
                self.telephonie.vers_boucle(self.file.put_nowait, EvenementLigne(GenreEvenement.AUDIO, pcm=pcm))

        def onCallState(self, prm: Any) -> None:
            info = self.getInfo()
            if info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
                if self.ligne is not None:
                    self.telephonie.trames_par_appel[self.ident] = self.ligne.trames_envoyees
                if self.file is not None:
                    self.telephonie.vers_boucle(self.file.put_nowait, EvenementLigne(GenreEvenement.FIN))
                if self.telephonie.appels.pop(self.ident, None) is not None:
                    self.telephonie._a_detruire.append(self)

        def onCallMediaState(self, prm: Any) -> None:
            info = self.getInfo()  # keep it in a variable before reading .media
            for i, media in enumerate(info.media):
                if media.type == pj.PJMEDIA_TYPE_AUDIO and media.status == pj.PJSUA_CALL_MEDIA_ACTIVE and self.port is None:
                    self.port = Port(self)
                    fmt = pj.MediaFormatAudio()
                    fmt.init(pj.PJMEDIA_FORMAT_PCM, TAUX_LIGNE, 1, 20000, 16)
                    self.port.createPort(f"guichet-{self.ident[:8]}", fmt)
                    audio = self.getAudioMedia(i)
                    audio.startTransmit(self.port)
                    self.port.startTransmit(audio)

        def onDtmfDigit(self, prm: Any) -> None:
            if self.file is not None:
                self.telephonie.vers_boucle(self.file.put_nowait, EvenementLigne(GenreEvenement.DTMF, touche=str(prm.digit)))

        def onCallTransferStatus(self, prm: Any) -> None:
            if prm.finalNotify or prm.statusCode >= 200:
                prm.cont = False
                self.telephonie.raccrocher(self.ident)  # the peer took the transfer: end our leg

    class Compte(pj.Account):
        def __init__(self, telephonie: TelephonieSip) -> None:
            super().__init__()
            self.telephonie = telephonie

        def onIncomingCall(self, prm: Any) -> None:
            appel = AppelSip(self.telephonie, self, prm.callId)
            info = appel.getInfo()
            appel.ident = info.callIdString
            numero = _numero(info.remoteUri)
            appel.ligne = LigneSip(self.telephonie, appel.ident)
            self.telephonie.appels[appel.ident] = appel

            def lancer() -> None:
                file, deroulement = self.telephonie.demarrer(appel.ident, appel.ligne, numero)  # type: ignore[arg-type]
                appel.file = file
                asyncio.ensure_future(deroulement)

            self.telephonie.vers_boucle(lancer)
            reponse = pj.CallOpParam()
            reponse.statusCode = 200
            appel.answer(reponse)

    return Port, AppelSip, Compte


def _numero(uri: str) -> str | None:
    """The caller's number from a SIP URI ('"X" <sip:0612345678@host>' -> '0612345678'), when it is one."""
    partie = uri.split("sip:", 1)[-1].split("@", 1)[0]
    chiffres = partie.lstrip("+")
    return partie if chiffres.isdigit() and 3 <= len(chiffres) <= 20 else None


class _Compte:
    """Built lazily: pjsua2 is only imported in the SIP thread."""

    def __new__(cls, telephonie: TelephonieSip) -> Any:  # type: ignore[misc]
        _, _, compte = _classes()
        return compte(telephonie)
