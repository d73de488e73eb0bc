"""The domain's fixed answers, synthesised once and kept on disk per voice, so that a
restart (or a second gateway sharing the folder) does not synthesise them again.

Only the fixed texts of Rasa's responses (no slot placeholder) are written here:
never an answer built from a conversation, which may hold a case's details.
One file per sentence: a 4-byte magic, the sentence's UTF-8 length (4 bytes
big-endian) and text, then the audio at the line rate (16-bit PCM, 8 kHz).
The folder name carries a fingerprint of the voice file, so a new voice never
reads another one's audio.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from voix.codec import TAUX_LIGNE

logger = logging.getLogger(__name__)
MAGIE = b"GVX1"


def _cle(phrase: str) -> str:
    return hashlib.sha256(phrase.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheVoix:
    dossier: Path  # this voice's folder

    @classmethod
    def pour_voix(cls, racine: Path, chemin_onnx: Path, nom: str) -> CacheVoix:
        etat = chemin_onnx.stat()
        empreinte = hashlib.sha256(f"{nom}|{etat.st_size}|{etat.st_mtime_ns}|{TAUX_LIGNE}".encode()).hexdigest()[:16]
        return cls(racine / f"{nom}-{empreinte}")

    def charger(self) -> dict[str, bytes]:
        """Every readable entry; a damaged one is removed (it will be synthesised again)."""
        phrases: dict[str, bytes] = {}
        if not self.dossier.is_dir():
            return phrases
        for fichier in self.dossier.glob("*.pcm"):
            try:
                brut = fichier.read_bytes()
                if brut[:4] != MAGIE:
                    raise ValueError("magic")
                longueur = int.from_bytes(brut[4:8], "big")
                phrase = brut[8:8 + longueur].decode("utf-8")
                pcm = brut[8 + longueur:]
                if len(pcm) % 2 or not pcm or fichier.stem != _cle(phrase):
                    raise ValueError("content")
            except (OSError, ValueError, UnicodeDecodeError):
                logger.warning("voice cache: damaged entry %s removed", fichier.name)
                fichier.unlink(missing_ok=True)
                continue
            phrases[phrase] = pcm
        return phrases

    def ecrire(self, phrase: str, pcm: bytes) -> None:
        """Atomic (temporary file then rename); a folder that cannot be written only costs the disk copy."""
        texte = phrase.encode("utf-8")
        temporaire = self.dossier / f".{_cle(phrase)}.{os.getpid()}.tmp"
        try:
            self.dossier.mkdir(parents=True, exist_ok=True)
            temporaire.write_bytes(MAGIE + len(texte).to_bytes(4, "big") + texte + pcm)
            os.replace(temporaire, self.dossier / f"{_cle(phrase)}.pcm")
        except OSError as exc:
            logger.warning("voice cache: cannot write in %s (%s); kept in memory only", self.dossier, type(exc).__name__)
            with contextlib.suppress(OSError):
                temporaire.unlink(missing_ok=True)
