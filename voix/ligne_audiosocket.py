"""AudioSocket transport: Asterisk connects over TCP, one connection per call."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from voix.appel import EvenementLigne, GenreEvenement
from voix.audiosocket import GenreTrame, TrameInvalide, lire_trame, trame_audio, trame_raccroche, uuid_appel
from voix.codec import OCTETS_TRAME_PCM, TRAME_MS, trames
from voix.limites import LimitesLigne
from voix.transferts import DemandeTransfert

logger = logging.getLogger(__name__)


class LigneAudioSocket:
    """Sends the caller's audio paced at 20 ms per frame; drop-able for barge-in."""

    def __init__(self, ecrivain: asyncio.StreamWriter, ident: str,
                 delai_ecriture_s: float = 5.0) -> None:
        self.ecrivain, self.ident = ecrivain, ident
        self.delai_ecriture_s = delai_ecriture_s
        self._file: asyncio.Queue[bytes] = asyncio.Queue()
        self._envoi = asyncio.ensure_future(self._envoyer())
        self.ferme = False

    async def _envoyer(self) -> None:
        prochain = asyncio.get_running_loop().time()
        while True:
            trame = await self._file.get()
            maintenant = asyncio.get_running_loop().time()
            prochain = max(prochain, maintenant)
            if self.ferme:
                return
            try:
                self.ecrivain.write(trame_audio(trame))
                await asyncio.wait_for(self.ecrivain.drain(), self.delai_ecriture_s)
            except asyncio.TimeoutError:
                logger.warning("audiosocket: call %s, the PBX stopped reading our audio for %.0f s; connection closed",
                               self.ident[:8], self.delai_ecriture_s)
                self.ferme = True
                self.ecrivain.close()
                return
            except (ConnectionError, RuntimeError):
                self.ferme = True
                return
            prochain += TRAME_MS / 1000
            await asyncio.sleep(max(0.0, prochain - asyncio.get_running_loop().time()))

    async def jouer(self, pcm: bytes) -> None:
        for trame in trames(pcm, OCTETS_TRAME_PCM):
            self._file.put_nowait(trame)

    async def vider(self) -> None:
        while not self._file.empty():
            self._file.get_nowait()

    def en_lecture(self) -> bool:
        return not self._file.empty()

    async def raccrocher(self) -> None:
        if self.ferme:
            return
        self.ferme = True
        self._envoi.cancel()
        try:
            self.ecrivain.write(trame_raccroche())
            await asyncio.wait_for(self.ecrivain.drain(), self.delai_ecriture_s)
        except (ConnectionError, RuntimeError, asyncio.TimeoutError):
            pass
        self.ecrivain.close()

    async def transferer(self, demande: DemandeTransfert) -> None:
        await self.raccrocher()  # the dialplan reads /transferts/<call> after our hang-up

    def fermer(self) -> None:
        self.ferme = True
        self._envoi.cancel()


async def servir_connexion(lecteur: asyncio.StreamReader, ecrivain: asyncio.StreamWriter, demarrer: Callable[[str, LigneAudioSocket], tuple[asyncio.Queue[EvenementLigne], Awaitable[None]]],
                           limites: LimitesLigne = LimitesLigne()) -> None:
    """One call: UUID frame first, then audio/DTMF until hang-up; never raises, never waits forever."""
    ligne: LigneAudioSocket | None = None
    deroulement: asyncio.Future[None] | None = None
    delai_uuid_s = limites.delai_debut_s
    try:
        ident = uuid_appel(await asyncio.wait_for(lire_trame(lecteur), delai_uuid_s))
        ligne = LigneAudioSocket(ecrivain, ident, limites.delai_ecriture_s)
        file, appel = demarrer(ident, ligne)
        deroulement = asyncio.ensure_future(appel)
        while not deroulement.done():
            lecture = asyncio.ensure_future(lire_trame(lecteur))
            fait, _ = await asyncio.wait({lecture, deroulement}, timeout=limites.delai_inactivite_s,
                                         return_when=asyncio.FIRST_COMPLETED)
            if not fait:
                lecture.cancel()
                logger.warning("audiosocket: call %s, no frame from the PBX for %.0f s; call ended", ident[:8],
                               limites.delai_inactivite_s)
                file.put_nowait(EvenementLigne(GenreEvenement.FIN))
                break
            if lecture not in fait:
                lecture.cancel()
                break
            trame = lecture.result()
            if trame.genre == GenreTrame.AUDIO:
                if len(trame.charge) > 8 * OCTETS_TRAME_PCM:
                    raise TrameInvalide(f"audio frame of {len(trame.charge)} bytes: 8 kHz slin expected")
                file.put_nowait(EvenementLigne(GenreEvenement.AUDIO, pcm=trame.charge))
            elif trame.genre == GenreTrame.DTMF:
                file.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche=trame.charge.decode("ascii", "replace")))
            elif trame.genre in (GenreTrame.RACCROCHE, GenreTrame.ERREUR):
                if trame.genre == GenreTrame.ERREUR:
                    logger.warning("audiosocket: error frame from the PBX (code %s)", trame.charge.hex() or "none")
                file.put_nowait(EvenementLigne(GenreEvenement.FIN))
                break
            else:
                raise TrameInvalide(f"unexpected {trame.genre.name} frame during the call")
        if deroulement is not None and not deroulement.done():
            await asyncio.wait_for(deroulement, 5)
    except asyncio.IncompleteReadError:
        logger.info("audiosocket: the PBX closed the connection")
    except (TrameInvalide, ValueError) as exc:
        logger.warning("audiosocket: malformed input, call ended (%s)", exc)
    except asyncio.TimeoutError:
        logger.warning("audiosocket: no call UUID within %.0f s, connection closed", delai_uuid_s)
    except ConnectionError as exc:
        logger.info("audiosocket: connection lost (%s)", type(exc).__name__)
    except Exception:  # one call must never take the gateway down
        logger.exception("audiosocket: call failed")
    finally:
        if deroulement is not None and not deroulement.done():
            deroulement.cancel()
        if ligne is not None:
            if not ligne.ferme:
                await ligne.raccrocher()
        else:
            ecrivain.close()
