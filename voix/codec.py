"""Audio conversions between the phone line and the engines (pure functions).

The line speaks 8 kHz mono: signed 16-bit little-endian PCM (AudioSocket) or
G.711 µ-law (WebSocket media streams, SIP). Engines: Vosk takes 8 kHz PCM
directly; Piper produces 16-bit PCM at its voice's rate (22 050 Hz for medium
voices), resampled here.
"""

from __future__ import annotations

import warnings
from typing import Any

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # audioop: in the standard library up to 3.12
    import audioop

TAUX_LIGNE = 8000
OCTETS_PAR_ECHANTILLON = 2
TRAME_MS = 20
OCTETS_TRAME_PCM = TAUX_LIGNE * OCTETS_PAR_ECHANTILLON * TRAME_MS // 1000  # 320


def ulaw_vers_pcm(donnees: bytes) -> bytes:
    return audioop.ulaw2lin(donnees, OCTETS_PAR_ECHANTILLON)


def pcm_vers_ulaw(donnees: bytes) -> bytes:
    return audioop.lin2ulaw(donnees, OCTETS_PAR_ECHANTILLON)


def alaw_vers_pcm(donnees: bytes) -> bytes:
    return audioop.alaw2lin(donnees, OCTETS_PAR_ECHANTILLON)


def pcm_vers_alaw(donnees: bytes) -> bytes:
    return audioop.lin2alaw(donnees, OCTETS_PAR_ECHANTILLON)


class Reechantillonneur:
    """Streaming resampler (keeps its filter state between chunks of one stream)."""

    def __init__(self, taux_source: int, taux_cible: int = TAUX_LIGNE) -> None:
        if taux_source <= 0 or taux_cible <= 0:
            raise ValueError("sample rates must be positive")
        self.taux_source, self.taux_cible = taux_source, taux_cible
        self._etat: Any = None

    def convertir(self, pcm: bytes) -> bytes:
        if self.taux_source == self.taux_cible or not pcm:
            return pcm
        sortie, self._etat = audioop.ratecv(pcm, OCTETS_PAR_ECHANTILLON, 1, self.taux_source, self.taux_cible, self._etat)
        return sortie


def energie(pcm: bytes) -> int:
    """RMS of a PCM chunk (speech/silence decisions and barge-in)."""
    return audioop.rms(pcm, OCTETS_PAR_ECHANTILLON) if pcm else 0


def trames(pcm: bytes, taille: int = OCTETS_TRAME_PCM) -> list[bytes]:
    """PCM cut into 20 ms frames, the last one padded with silence."""
    morceaux = [pcm[i:i + taille] for i in range(0, len(pcm), taille)]
    if morceaux and len(morceaux[-1]) < taille:
        morceaux[-1] = morceaux[-1] + b"\x00" * (taille - len(morceaux[-1]))
    return morceaux
