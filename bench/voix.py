"""``make bench-voix``: latency and capacity of the phone pipeline on this machine.

Real engines (Vosk, Piper) and the real Rasa and action servers, calls over
real AudioSocket connections. Models: the French ones when `make modeles` has
installed them (GUICHET_MODELES), else the packaged test models (Vosk Korean,
Piper en_US joe: same code path and sizes close to the small French model and
a medium French voice). Figures:

- STT real-time factor (decode time / audio time, 20 ms frames);
- TTS first-audio time of typical answers (not cached);
- per call, end of caller input -> first audio byte of the answer: keypad turns
  (digits then #: no endpointing) and spoken turns (speech then silence: includes
  Vosk's endpointing), p50 / p95;
- memory per call (RSS growth with simultaneous calls);
- concurrency: simultaneous calls whose turns keep p95 <= 800 ms, in two cases:
  the worst one (every call answering at the same instant, nothing cached) and
  calls as they come (staggered starts, the caller speaking 1 to 4 s between
  turns, a case lookup whose status answer is synthesised per call, the
  domain's fixed answers pre-synthesised at start as the gateway does);
- the pre-synthesis of the domain's fixed answers: first start, then from disk;
- speech detection on the sound set of tests/voix/sons: false barge-ins on noises (clicks, breathing,
  coughs, a door, line hiss, far-away talk), truncated utterances (a turn closed inside a hesitation or
  before the last word) and speech-onset detection time, for the detector in use and, side by side, the
  energy rule it replaced (RMS >= 600 on two frames; 400 ms below it ends the turn).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import wave
from pathlib import Path
from typing import Any

from tests.integration.conftest import TOUJOURS_OUVERT, commune_avec_horaires
from tests.integration.serveurs import JETON, lancer
from tests.voix.modeles_test import NOM_PIPER, NOM_VOSK, dossier_modeles
from voix.activite_vocale import DetecteurParole, Evenement, ReglagesParole
from voix.appel import ReglagesAppel
from voix.audiosocket import GenreTrame, Trame, lire_trame
from voix.codec import TAUX_LIGNE, Reechantillonneur, energie, trames
from voix.config import PIPER_PAR_DEFAUT, VOSK_PAR_DEFAUT, ConfigVoix
from voix.passerelle import charger, pre_synthetiser, servir
from voix.reconnaissance import ModeleVosk, Resultat
from voix.synthese import VoixPiper

REPONSES_TYPES = [
    "La mairie vous accueille du lundi au vendredi, de huit heures trente à midi, et de treize heures trente à dix-sept heures trente.",
    "Je vous passe un conseiller. Il aura tout l'historique, vous n'aurez rien à répéter.",
    "Quelle est votre date de naissance ?",
]


def centile(valeurs: list[float], p: float) -> float:
    v = sorted(valeurs)
    return v[max(0, math.ceil(p * len(v)) - 1)]


def rss_mo() -> float:
    with open("/proc/self/status") as f:
        for ligne in f:
            if ligne.startswith("VmRSS:"):
                return int(ligne.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def parole(texte: str, voix_espeak: str) -> bytes:
    with tempfile.TemporaryDirectory() as d:
        wav = Path(d) / "p.wav"
        subprocess.run(["espeak-ng", "-v", voix_espeak, texte, "-w", str(wav)], check=True)
        with wave.open(str(wav)) as w:
            return Reechantillonneur(w.getframerate()).convertir(w.readframes(w.getnframes()))


class Client:
    """An AudioSocket caller that timestamps the first audio of each answer."""

    def __init__(self, port: int) -> None:
        self.port, self.ident = port, uuid.uuid4()
        self.derniere_audio = 0.0
        self.premieres: list[float] = []
        self._attente: asyncio.Event = asyncio.Event()

    async def ouvrir(self) -> None:
        self.lecteur, self.ecrivain = await asyncio.open_connection("127.0.0.1", self.port)
        self.ecrivain.write(Trame(GenreTrame.UUID, self.ident.bytes).en_octets())
        self.tache = asyncio.ensure_future(self._lire())

    async def _lire(self) -> None:
        try:
            while True:
                t = await lire_trame(self.lecteur)
                if t.genre == GenreTrame.AUDIO:
                    maintenant = time.monotonic()
                    if not self._attente.is_set():
                        self.premieres.append(maintenant)
                        self._attente.set()
                    self.derniere_audio = maintenant
                elif t.genre == GenreTrame.RACCROCHE:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            return

    async def silence_de(self, duree: float) -> None:
        """Wait until no audio has come for `duree` seconds (the answer has been played)."""
        while time.monotonic() - max(self.derniere_audio, 0) < duree:
            await asyncio.sleep(0.05)

    async def tour_touches(self, chiffres: str) -> float:
        self._attente.clear()
        for c in chiffres:
            self.ecrivain.write(Trame(GenreTrame.DTMF, c.encode()).en_octets())
        await self.ecrivain.drain()
        fin = time.monotonic()
        await asyncio.wait_for(self._attente.wait(), 30)
        return (self.premieres[-1] - fin) * 1000

    async def tour_parle(self, pcm: bytes) -> float:
        voisees = [i for i, t in enumerate(trames(pcm)) if energie(t) >= ReglagesParole().niveau_min]
        pcm = b"".join(trames(pcm)[: voisees[-1] + 1])  # up to the last voiced frame: the end of speech
        for trame in trames(pcm):
            self.ecrivain.write(Trame(GenreTrame.AUDIO, trame).en_octets())
            await asyncio.sleep(0.02)
        self._attente.clear()
        fin = time.monotonic()  # end of the caller's speech
        silence = Trame(GenreTrame.AUDIO, b"\x00" * 320).en_octets()
        while not self._attente.is_set():
            self.ecrivain.write(silence)
            await asyncio.sleep(0.02)
            if time.monotonic() - fin > 30:
                raise TimeoutError("no answer")
        return (self.premieres[-1] - fin) * 1000

    def fermer(self) -> None:
        self.tache.cancel()
        self.ecrivain.close()


async def un_appel(port: int, pcm: bytes) -> tuple[list[float], list[float]]:
    """One call: six keypad turns then four spoken turns; the latencies (ms) of each kind."""
    c = Client(port)
    await c.ouvrir()
    await asyncio.wait_for(c._attente.wait(), 30)
    await c.silence_de(0.3)
    touches, parles = [], []
    for _ in range(6):
        touches.append(await c.tour_touches("*1#"))  # a short number: the bot answers it does not understand
        await c.silence_de(0.3)
    for _ in range(4):
        parles.append(await c.tour_parle(pcm))
        await c.silence_de(0.3)
    c.fermer()
    return touches, parles


QUESTION_FAQ = "quels sont les horaires d'ouverture de la mairie"


class FrancaisSurModeleDeTest:
    """Stands in for the French Vosk model where it is not installed: the real (test) recogniser decodes every frame —
    its cost and its endpointing are real — but its words are replaced by a French FAQ question. Speech detection,
    the dialogue, synthesis and the line stay real."""

    def __init__(self, reel: Any, phrase: str) -> None:
        self.reel, self.phrase, self.grammaire = reel, phrase, reel.grammaire

    async def accepter(self, pcm: bytes) -> Resultat | None:
        r = await self.reel.accepter(pcm)
        return None if r is None else Resultat(self.phrase, r.final)

    async def finir(self) -> Resultat:
        await self.reel.finir()
        return Resultat(self.phrase, True)


async def tours_parles(port: int, pcm: bytes, n: int) -> list[float]:
    c = Client(port)
    await c.ouvrir()
    await asyncio.wait_for(c._attente.wait(), 30)
    await c.silence_de(0.3)
    mesures = []
    for _ in range(n):
        mesures.append(await c.tour_parle(pcm))
        await c.silence_de(0.5)
    c.fermer()
    return mesures


async def mesurer_anticipation(passerelle: Any, port: int, pcm: bytes, n: int = 8) -> dict:
    """Spoken FAQ turns with the speculative turn (voix/anticipation.py) and without it, side by side."""
    modele = passerelle.vosk
    d_origine = modele.reconnaisseur
    modele.reconnaisseur = lambda grammaire=None: FrancaisSurModeleDeTest(d_origine(grammaire), QUESTION_FAQ)
    avec = passerelle.config
    try:
        figures: dict = {"reconnaissance": f"« {QUESTION_FAQ} » in place of the test model's words"}
        for nom, reglages in (("sans", dataclasses.replace(avec.reglages, anticipation_ms=0)), ("avec", avec.reglages)):
            passerelle.config = dataclasses.replace(avec, reglages=reglages)
            deja = len(passerelle.terminees)
            mesures = await tours_parles(port, pcm, n)
            for _ in range(100):
                if len(passerelle.terminees) > deja:
                    break
                await asyncio.sleep(0.05)
            figures[nom] = {"p50_ms": round(statistics.median(mesures)), "p95_ms": round(centile(mesures, 0.95))}
            if nom == "avec" and len(passerelle.terminees) > deja:
                figures["tours_anticipes"] = dataclasses.asdict(passerelle.terminees[-1].anticipations)
        figures["rapport_p50"] = round(figures["avec"]["p50_ms"] / figures["sans"]["p50_ms"], 2)
        figures["rapport_p95"] = round(figures["avec"]["p95_ms"] / figures["sans"]["p95_ms"], 2)
        return figures
    finally:
        modele.reconnaisseur = d_origine
        passerelle.config = avec


async def mesurer(dossier_modeles: Path, vosk_nom: str, piper_nom: str, espeak: str, serveurs, appels_max: int,
                  anticipation_seulement: bool = False) -> dict:
    resultats: dict = {"modeles": {"vosk": vosk_nom, "piper": piper_nom}}
    vosk = ModeleVosk(dossier_modeles / vosk_nom, vosk_nom)
    pcm = parole("안녕하세요 하나 둘 셋 넷 다섯" if espeak == "ko" else "bonjour je voudrais les horaires de la mairie", espeak)
    r = vosk.reconnaisseur()
    debut = time.perf_counter()
    for t in trames(pcm):
        await r.accepter(t)
    await r.finir()
    resultats["stt_rtf"] = round((time.perf_counter() - debut) / (len(pcm) / 2 / TAUX_LIGNE), 3)

    voix = VoixPiper(dossier_modeles / f"{piper_nom}.onnx", piper_nom, taille_cache=0)
    premiers = []
    for texte in REPONSES_TYPES:
        debut = time.perf_counter()
        async for _ in voix.flux(texte):
            premiers.append((time.perf_counter() - debut) * 1000)
            break
    resultats["tts_premier_audio_ms"] = {"moyenne": round(statistics.mean(premiers)), "max": round(max(premiers))}

    cache_dossier = Path(tempfile.mkdtemp(prefix="guichet-cache-voix-"))
    config = ConfigVoix(url_rasa=serveurs.url, jeton=JETON, dossier_modeles=dossier_modeles, modele_vosk=vosk_nom,
                        voix_piper=piper_nom, port_audiosocket=0, port_http=0, reglages=ReglagesAppel(silence_s=30),
                        dossier_cache=cache_dossier, pre_synthese=False)
    passerelle = await charger(config)
    debut = time.monotonic()
    await pre_synthetiser(passerelle)  # what the gateway does in the background at start
    premiere = time.monotonic() - debut
    figees = dict(passerelle.voix._figees)
    passerelle.voix._figees.clear()
    passerelle.voix._sur_disque = None  # as a restart: the disk cache read again
    debut = time.monotonic()
    await pre_synthetiser(passerelle)
    resultats["pre_synthese"] = {"phrases": len(figees), "premier_demarrage_s": round(premiere, 1),
                                 "depuis_le_disque_s": round(time.monotonic() - debut, 2),
                                 "memoire_mo": round(sum(len(a) for a in figees.values()) / 1e6, 1)}
    print(f"pre-synthesis: {resultats['pre_synthese']}", file=sys.stderr, flush=True)
    rss_avant = rss_mo()
    async with servir(passerelle) as (port, _):
        if anticipation_seulement:
            resultats["anticipation"] = await mesurer_anticipation(passerelle, port, pcm)
            passerelle.voix._taille_cache = 0
            passerelle.voix._cache.clear()
            passerelle.voix._figees.clear()  # the FAQ answer synthesised at each turn, as a case-status answer is
            resultats["anticipation_sans_cache"] = await mesurer_anticipation(passerelle, port, pcm)
            return resultats
        # one call: keypad turns and spoken turns
        touches, parles = await un_appel(port, pcm)
        resultats["anticipation"] = await mesurer_anticipation(passerelle, port, pcm)
        print(f"speculative turn: {resultats['anticipation']}", file=sys.stderr, flush=True)
        # calls as they come, the domain's answers pre-synthesised (before the worst case empties the caches);
        # no LRU cache, so that every call's case-status answer is synthesised for it (as with different cases)
        passerelle.voix._taille_cache = 0
        passerelle.voix._cache.clear()
        resultats["appels_comme_ils_viennent"], resultats["capacite_p95_800ms_appels_comme_ils_viennent"] = \
            await comme_ils_viennent(port, appels_max)
        # the same without any cache (answers never said before: case status, dates)
        passerelle.voix._taille_cache = 0
        passerelle.voix._cache.clear()
        passerelle.voix._figees.clear()
        touches_sans, parles_sans = await un_appel(port, pcm)

        def resume(v: list[float]) -> dict:
            return {"p50": round(statistics.median(v)), "p95": round(centile(v, 0.95))}

        resultats["un_appel"] = {"touches_ms_avec_cache": resume(touches), "parole_ms_avec_cache": resume(parles),
                                 "touches_ms_sans_cache": resume(touches_sans), "parole_ms_sans_cache": resume(parles_sans)}
        # simultaneous calls (without the cache: the worst case)
        paliers = {}
        for n in [k for k in (1, 2, 4, 8, 12, 16) if k <= appels_max]:
            clients = [Client(port) for _ in range(n)]
            for cl in clients:
                await cl.ouvrir()
            await asyncio.gather(*(asyncio.wait_for(cl._attente.wait(), 60) for cl in clients))
            await asyncio.gather(*(cl.silence_de(0.3) for cl in clients))
            rss_pendant = rss_mo()
            mesures: list[float] = []

            async def trois_tours(cl: Client, releves: list[float]) -> None:
                for _ in range(3):
                    releves.append(await cl.tour_touches("*1#"))
                    await cl.silence_de(0.3)

            await asyncio.gather(*(trois_tours(cl, mesures) for cl in clients))
            for cl in clients:
                cl.fermer()
            paliers[n] = {"p50": round(statistics.median(mesures)), "p95": round(centile(mesures, 0.95)),
                          "rss_mo_par_appel": round((rss_pendant - rss_avant) / n, 1)}
            await asyncio.sleep(1)
        resultats["appels_simultanes"] = paliers
        tenus = [n for n, v in paliers.items() if v["p95"] <= 800]
        resultats["capacite_p95_800ms"] = max(tenus) if tenus else 0
    return resultats


async def comme_ils_viennent(port: int, appels_max: int) -> tuple[dict, int]:
    """N calls starting within 5 s of each other; each looks a case up by keypad (number, then birth date:
    a status answer with dates, synthesised for that call), then two fixed answers; the caller
    listens to each answer then speaks 1 to 4 s before the next key."""
    aleatoire = random.Random(22)
    paliers: dict[int, dict] = {}
    for n in [k for k in (4, 8, 12, 16) if k <= appels_max]:
        mesures: list[float] = []

        async def appel(decalage: float, mesures: list[float]) -> None:
            await asyncio.sleep(decalage)
            cl = Client(port)
            await cl.ouvrir()
            await asyncio.wait_for(cl._attente.wait(), 60)
            await cl.silence_de(0.3)
            for touches in ("24578301#", "12031985#", "*1#", "*1#"):
                await asyncio.sleep(aleatoire.uniform(1.0, 4.0))  # the caller speaks
                mesures.append(await cl.tour_touches(touches))
                await cl.silence_de(0.3)  # the answer is played
            cl.fermer()

        await asyncio.gather(*(appel(aleatoire.uniform(0, 5), mesures) for _ in range(n)))
        paliers[n] = {"p50": round(statistics.median(mesures)), "p95": round(centile(mesures, 0.95)), "tours": len(mesures)}
        print(f"calls as they come, {n}: {paliers[n]}", file=sys.stderr, flush=True)
        await asyncio.sleep(1)
    tenus = [n for n, v in paliers.items() if v["p95"] <= 800]
    return paliers, max(tenus) if tenus else 0


class RegleEnergie:
    """The detector the gateway used before voix/activite_vocale.py, for comparison: RMS >= 600 on two
    consecutive frames starts speech, 400 ms below it ends it."""

    def __init__(self) -> None:
        self.fortes, self.calmes, self.en_parole = 0, 0, False

    def trame(self, pcm: bytes) -> Evenement | None:
        if energie(pcm) >= 600:
            self.fortes, self.calmes = self.fortes + 1, 0
            if not self.en_parole and self.fortes >= 2:
                self.en_parole = True
                return Evenement.DEBUT
            return None
        self.fortes = 0
        self.calmes += 1
        if self.en_parole and self.calmes * 20 >= 400:
            self.en_parole = False
            return Evenement.FIN
        return None


def detection_parole() -> dict:
    """False barge-ins, truncations and onset time on tests/voix/sons, for both detectors."""
    sons = Path(__file__).resolve().parents[1] / "tests" / "voix" / "sons"

    def lire(chemin: Path) -> bytes:
        with wave.open(str(chemin)) as w:
            return w.readframes(w.getnframes())

    resultats = {}
    for nom, fabrique in (("detecteur", lambda: DetecteurParole()), ("regle_energie_precedente", RegleEnergie)):
        bruits = sorted(sons.glob("bruit-*.wav"))
        declenchements = duree_bruit = 0.0
        bruits_declenches = 0
        for chemin in bruits:
            pcm = lire(chemin)
            d = fabrique()
            n = sum(d.trame(t) is Evenement.DEBUT for t in trames(pcm + b"\0\0" * 8000))
            declenchements += n
            bruits_declenches += n > 0
            duree_bruit += len(pcm) / 2 / TAUX_LIGNE
        paroles = sorted(sons.glob("parole-*.wav"))
        tronquees, delais = 0, []
        for chemin in paroles:
            morceaux = trames(lire(chemin) + b"\0\0" * 8000)
            fortes = [i for i, t in enumerate(morceaux) if energie(t) >= 400]
            d = fabrique()
            vus = [(i, e) for i, t in enumerate(morceaux) if (e := d.trame(t)) is not None]
            debuts = [i for i, e in vus if e is Evenement.DEBUT]
            fins = [i for i, e in vus if e is Evenement.FIN]
            tronquees += len(debuts) != 1 or not fins or fins[0] <= fortes[-1]
            if debuts:
                delais.append((debuts[0] - fortes[0]) * 20)
        resultats[nom] = {
            "faux_barge_in": f"{bruits_declenches}/{len(bruits)} noises",
            "faux_barge_in_par_minute_de_bruit": round(declenchements / duree_bruit * 60, 1),
            "enonces_tronques": f"{tronquees}/{len(paroles)}",
            "detection_debut_ms": {"p50": round(statistics.median(delais)) if delais else None,
                                   "max": max(delais) if delais else None},
        }
    return resultats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appels-max", type=int, default=12)
    parser.add_argument("--anticipation-seulement", action="store_true",
                        help="only the spoken FAQ turns with and without the speculative turn (voix/anticipation.py)")
    args = parser.parse_args()
    detection = detection_parole()
    print(f"speech detection: {json.dumps(detection, ensure_ascii=False)}", file=sys.stderr, flush=True)
    francais = Path(os.environ.get("GUICHET_MODELES") or Path(__file__).resolve().parents[1] / "modeles")
    with tempfile.TemporaryDirectory() as d:
        dossier = Path(d)
        if (francais / VOSK_PAR_DEFAUT).is_dir() and (francais / f"{PIPER_PAR_DEFAUT}.onnx").is_file():
            modeles, vosk_nom, piper_nom, espeak = francais, VOSK_PAR_DEFAUT, PIPER_PAR_DEFAUT, "fr"
        else:
            print("French models not installed (make modeles): measuring with the packaged test models", file=sys.stderr)
            modeles, vosk_nom, piper_nom, espeak = dossier_modeles(dossier / "modeles"), NOM_VOSK, NOM_PIPER, "ko"
        serveurs = lancer(dossier / "guichet", commune_avec_horaires(dossier, TOUJOURS_OUVERT))
        try:
            resultats = asyncio.run(mesurer(modeles, vosk_nom, piper_nom, espeak, serveurs, args.appels_max,
                                            args.anticipation_seulement))
        finally:
            serveurs.arreter()
    print(json.dumps({"detection_parole": detection, **resultats}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
