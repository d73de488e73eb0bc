"""Speech recognition with Vosk: one model loaded once, one recogniser per call.

Decoding runs off the event loop (`asyncio.to_thread`); Vosk's endpointing gives
the final result. While the bot waits for a case number, a date or a yes/no,
the call's recogniser is rebuilt on a restricted grammar (voix/grammaires.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from voix.codec import TAUX_LIGNE
from voix.erreurs import ModeleIntrouvable

logger = logging.getLogger(__name__)
FICHIERS_MODELE = ("am/final.mdl", "conf/model.conf")


@dataclass(frozen=True)
class Resultat:
    texte: str
    final: bool


class ModeleVosk:
    def __init__(self, chemin: Path, nom: str = "vosk-model-small-fr-0.22") -> None:
        manquants = [f for f in FICHIERS_MODELE if not (chemin / f).is_file()]
        if manquants:
            raise ModeleIntrouvable("Vosk", str(chemin / manquants[0]), nom)
        import vosk

        vosk.SetLogLevel(-1)
        try:
            self._modele = vosk.Model(str(chemin))  # a path, never lang=…: that reaches for the network
        except Exception as exc:  # Vosk raises a bare Exception on a broken model
            raise ModeleIntrouvable("Vosk", str(chemin), nom, f"unreadable ({exc})") from None
        self.chemin, self.nom = chemin, nom

    def mots_connus(self, mots: Sequence[str]) -> list[str]:
        return [m for m in mots if self._modele.vosk_model_find_word(m) != -1]

    def reconnaisseur(self, grammaire: Sequence[str] | None = None) -> Reconnaisseur:
        return Reconnaisseur(self, grammaire)


class Reconnaisseur:
    """Per-call state; feed 8 kHz 16-bit PCM, get partial and final results."""

    def __init__(self, modele: ModeleVosk, grammaire: Sequence[str] | None = None) -> None:
        import vosk

        self.modele = modele
        self.grammaire: list[str] | None = None
        if grammaire:
            connus = modele.mots_connus(grammaire)
            if len(connus) < len(grammaire):
                logger.info("grammar: %d of %d words unknown to the model, left out", len(grammaire) - len(connus), len(grammaire))
            self.grammaire = connus + ["[unk]"]
        if self.grammaire:
            # ensure_ascii=False: Vosk silently drops \\u-escaped (accented) words
            self._vosk = vosk.KaldiRecognizer(modele._modele, TAUX_LIGNE, json.dumps(self.grammaire, ensure_ascii=False))
        else:
            self._vosk = vosk.KaldiRecognizer(modele._modele, TAUX_LIGNE)

    def _accepter(self, pcm: bytes) -> Resultat | None:
        if self._vosk.AcceptWaveform(pcm):
            texte = json.loads(self._vosk.Result()).get("text", "")
            return Resultat(texte, True)
        partiel = json.loads(self._vosk.PartialResult()).get("partial", "")
        return Resultat(partiel, False) if partiel else None

    async def accepter(self, pcm: bytes) -> Resultat | None:
        return await asyncio.to_thread(self._accepter, pcm)

    def _finir(self) -> Resultat:
        return Resultat(json.loads(self._vosk.FinalResult()).get("text", ""), True)

    async def finir(self) -> Resultat:
        """Flush: the final result of what was heard so far (silence timeout, hang-up)."""
        return await asyncio.to_thread(self._finir)
