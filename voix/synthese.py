"""Speech synthesis with Piper: one voice loaded once; text split into sentences,
each synthesised off the event loop and streamed as soon as it is ready,
resampled to the line rate. The domain's fixed answers are synthesised once, in
the background behind callers' work, and kept (memory, and disk through
voix/cache_voix.py); other sentences go through a small LRU cache."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import os
import re
from collections import OrderedDict
from collections.abc import AsyncGenerator
from pathlib import Path

from voix.cache_voix import CacheVoix
from voix.codec import TAUX_LIGNE, Reechantillonneur
from voix.erreurs import ModeleIntrouvable

logger = logging.getLogger(__name__)
_PHRASES = re.compile(r"(?<=[.!?…:;])\s+")
PREMIER_MORCEAU_MAX = 60
PRIORITE_APPEL, PRIORITE_SUIVANTE, PRIORITE_FOND = 0, 1, 2  # a caller waits; look-ahead; background pre-synthesis


def phrases(texte: str) -> list[str]:
    """Sentences to synthesise one by one; a long first sentence is cut at its first comma
    (the caller hears something sooner: first-audio time grows with the chunk's length)."""
    morceaux = [p.strip() for p in _PHRASES.split(" ".join(texte.split())) if p.strip()]
    if morceaux and len(morceaux[0]) > PREMIER_MORCEAU_MAX:
        virgule = morceaux[0].find(", ", 20)
        if 0 < virgule < len(morceaux[0]) - 20:
            morceaux[0:1] = [morceaux[0][:virgule + 1], morceaux[0][virgule + 2:]]
    return morceaux


class FileSyntheses:
    """At most n syntheses at once (one per core), the first sentence of an answer served before look-ahead ones."""

    def __init__(self, n: int) -> None:
        self.libres, self._attente = max(1, n), []  # type: ignore[var-annotated]
        self._ordre = itertools.count()

    async def prendre(self, priorite: int) -> None:
        if self.libres > 0 and not self._attente:
            self.libres -= 1
            return
        futur: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._attente, (priorite, next(self._ordre), futur))
        try:
            await futur
        except asyncio.CancelledError:
            if futur.done() and not futur.cancelled():
                self.rendre()  # granted while being cancelled: give it back
            raise

    def rendre(self) -> None:
        while self._attente:
            _, _, futur = heapq.heappop(self._attente)
            if not futur.done():
                futur.set_result(None)
                return
        self.libres += 1


class VoixPiper:
    def __init__(self, chemin_onnx: Path, nom: str = "fr_FR-siwis-medium", taille_cache: int = 256, fils: int | None = 1) -> None:
        config = Path(f"{chemin_onnx}.json")
        for fichier in (chemin_onnx, config):
            if not fichier.is_file():
                raise ModeleIntrouvable("Piper", str(fichier), nom)
        from piper import PiperVoice

        try:
            self._voix = PiperVoice.load(str(chemin_onnx), config_path=str(config))
            if fils:
                # one thread per synthesis: simultaneous calls share the cores instead of fighting over them
                # (measured here: 2 syntheses at once, first audio 186 ms instead of 245; one alone 179 instead of 146)
                import onnxruntime

                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads, options.inter_op_num_threads = fils, 1
                self._voix.session = onnxruntime.InferenceSession(str(chemin_onnx), sess_options=options,
                                                                  providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime / JSON errors on a broken voice
            raise ModeleIntrouvable("Piper", str(chemin_onnx), nom, f"unreadable ({type(exc).__name__}: {exc})") from None
        self.nom, self.taux = nom, int(self._voix.config.sample_rate)
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._taille_cache = taille_cache
        self._figees: dict[str, bytes] = {}  # the domain's fixed sentences: never evicted
        self._sur_disque: dict[str, bytes] | None = None  # the disk cache, read once, emptied as sentences are pinned
        self._guichets = FileSyntheses(os.cpu_count() or 1)

    def _synthetiser(self, phrase: str) -> bytes:
        """One sentence at the line rate (16-bit PCM, 8 kHz)."""
        brut = b"".join(morceau.audio_int16_bytes for morceau in self._voix.synthesize(phrase))
        return Reechantillonneur(self.taux, TAUX_LIGNE).convertir(brut)

    async def _produire(self, phrase: str, priorite: int) -> bytes:
        await self._guichets.prendre(priorite)
        try:
            return await asyncio.to_thread(self._synthetiser, phrase)
        finally:
            self._guichets.rendre()

    async def phrase(self, phrase: str, priorite: int = PRIORITE_APPEL) -> bytes:
        """One sentence; PRIORITE_APPEL for what a caller is waiting for, PRIORITE_SUIVANTE for look-ahead."""
        figee = self._figees.get(phrase)
        if figee is not None:
            return figee
        if phrase in self._cache:
            self._cache.move_to_end(phrase)
            return self._cache[phrase]
        pcm = await self._produire(phrase, priorite)
        if self._taille_cache > 0:
            self._cache[phrase] = pcm  # answers repeat: synthesised once
            if len(self._cache) > self._taille_cache:
                self._cache.popitem(last=False)
        return pcm

    @property
    def phrases_figees(self) -> int:
        return len(self._figees)

    async def figer(self, textes: list[str], cache: CacheVoix | None = None, priorite: int = PRIORITE_FOND) -> tuple[int, int]:
        """Synthesise once and keep every sentence of these fixed texts, one at a time (at most one core,
        behind callers' work at PRIORITE_FOND); (sentences synthesised, sentences read from disk)."""
        if cache is not None and self._sur_disque is None:
            self._sur_disque = await asyncio.to_thread(cache.charger)  # once: the prompts then the answers share it
        sur_disque = self._sur_disque or {}
        synthetisees = lues = 0
        for texte in textes:
            for p in phrases(texte):
                if p in self._figees:
                    continue
                if p in sur_disque:
                    self._figees[p], lues = sur_disque.pop(p), lues + 1
                    continue
                pcm = self._cache.get(p) or await self._produire(p, priorite)
                self._figees[p], synthetisees = pcm, synthetisees + 1
                if cache is not None:
                    await asyncio.to_thread(cache.ecrire, p, pcm)
        return synthetisees, lues

    async def flux(self, texte: str) -> AsyncGenerator[bytes, None]:
        """Audio sentence by sentence; the next sentence is synthesised while this one plays."""
        morceaux = phrases(texte)
        if not morceaux:
            return
        suivante: asyncio.Task[bytes] = asyncio.ensure_future(self.phrase(morceaux[0]))
        try:
            for i in range(len(morceaux)):
                pcm = await suivante
                if i + 1 < len(morceaux):
                    suivante = asyncio.ensure_future(self.phrase(morceaux[i + 1], priorite=PRIORITE_SUIVANTE))
                yield pcm
        finally:
            if not suivante.done():
                suivante.cancel()
