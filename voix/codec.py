"""Audio conversions between the phone line and the engines (pure functions).

The line speaks 8 kHz mono: signed 16-bit little-endian PCM (AudioSocket) or
G.711 µ-law (WebSocket media streams, SIP). Engines: Vosk takes 8 kHz PCM
directly; Piper produces 16-bit PCM at its voice's rate (22 050 Hz for medium
voices), resampled here.
"""

from __future__ import annotations

import math
from math import gcd

import numpy as np
from scipy.signal import resample_poly

TAUX_LIGNE = 8000
OCTETS_PAR_ECHANTILLON = 2
TRAME_MS = 20
OCTETS_TRAME_PCM = TAUX_LIGNE * OCTETS_PAR_ECHANTILLON * TRAME_MS // 1000  # 320

# G.711 as ITU-T defines it (the reference coder that Sun's g711.c, Asterisk and CPython's former audioop follow)
_BIAS_ULAW, _CLIP_ULAW = 0x84, 8159
_FINS_ULAW = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)
_FINS_ALAW = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)


def _segment(valeur: int, fins: tuple[int, ...]) -> int:
    return next((i for i, fin in enumerate(fins) if valeur <= fin), len(fins))


def _ulaw_octet(echantillon: int) -> int:
    valeur = echantillon >> 2  # 14-bit
    masque = 0xFF
    if valeur < 0:
        valeur, masque = -valeur, 0x7F
    valeur = min(valeur, _CLIP_ULAW) + (_BIAS_ULAW >> 2)
    seg = _segment(valeur, _FINS_ULAW)
    if seg >= 8:
        return 0x7F ^ masque
    return ((seg << 4) | ((valeur >> (seg + 1)) & 0xF)) ^ masque


def _alaw_octet(echantillon: int) -> int:
    valeur = echantillon >> 3  # 13-bit
    if valeur >= 0:
        masque = 0xD5
    else:
        masque, valeur = 0x55, -valeur - 1
    seg = _segment(valeur, _FINS_ALAW)
    if seg >= 8:
        return 0x7F ^ masque
    octet = seg << 4
    octet |= ((valeur >> 1) if seg < 2 else (valeur >> seg)) & 0xF
    return octet ^ masque


def _ulaw_lineaire(octet: int) -> int:
    u = ~octet & 0xFF
    t = (((u & 0xF) << 3) + _BIAS_ULAW) << ((u & 0x70) >> 4)
    return _BIAS_ULAW - t if u & 0x80 else t - _BIAS_ULAW


def _alaw_lineaire(octet: int) -> int:
    a = octet ^ 0x55
    t = (a & 0xF) << 4
    seg = (a & 0x70) >> 4
    t = t + 8 if seg == 0 else (t + 0x108) << max(seg - 1, 0)
    return t if a & 0x80 else -t


def _construire_tables() -> dict[str, np.ndarray]:
    """Encoding tables indexed by the 16-bit sample (as uint16), decoding tables by the code."""
    echantillons = range(-32768, 32768)
    return {
        "ulaw": np.array([_ulaw_octet(e) for e in echantillons], dtype=np.uint8),
        "alaw": np.array([_alaw_octet(e) for e in echantillons], dtype=np.uint8),
        "ulaw_pcm": np.array([_ulaw_lineaire(o) for o in range(256)], dtype="<i2"),
        "alaw_pcm": np.array([_alaw_lineaire(o) for o in range(256)], dtype="<i2"),
    }


_TABLES = _construire_tables()  # 0.15 s once, at the gateway's start rather than in its first call


def _encoder(donnees: bytes, table: str) -> bytes:
    pcm = np.frombuffer(donnees[: len(donnees) // 2 * 2], dtype="<i2").astype(np.int32) + 32768
    return _TABLES[table][pcm].tobytes()


def ulaw_vers_pcm(donnees: bytes) -> bytes:
    return _TABLES["ulaw_pcm"][np.frombuffer(donnees, dtype=np.uint8)].tobytes()


def pcm_vers_ulaw(donnees: bytes) -> bytes:
    return _encoder(donnees, "ulaw")


def alaw_vers_pcm(donnees: bytes) -> bytes:
    return _TABLES["alaw_pcm"][np.frombuffer(donnees, dtype=np.uint8)].tobytes()


def pcm_vers_alaw(donnees: bytes) -> bytes:
    return _encoder(donnees, "alaw")


class Reechantillonneur:
    """Polyphase resampler with an anti-aliasing low-pass (scipy's resample_poly, Kaiser window).

    Each call converts one complete piece of audio (a synthesised sentence): what lies above the
    target's Nyquist frequency (4 kHz on the line) is filtered out instead of folding back into
    the band callers hear.
    """

    def __init__(self, taux_source: int, taux_cible: int = TAUX_LIGNE) -> None:
        if taux_source <= 0 or taux_cible <= 0:
            raise ValueError("sample rates must be positive")
        self.taux_source, self.taux_cible = taux_source, taux_cible
        commun = gcd(taux_source, taux_cible)
        self._haut, self._bas = taux_cible // commun, taux_source // commun

    def convertir(self, pcm: bytes) -> bytes:
        if self.taux_source == self.taux_cible or not pcm:
            return pcm
        signal = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64)
        sortie = resample_poly(signal, self._haut, self._bas)
        return np.clip(np.rint(sortie), -32768, 32767).astype("<i2").tobytes()


def energie(pcm: bytes) -> int:
    """RMS of a PCM chunk (speech/silence decisions and barge-in)."""
    if len(pcm) < 2:
        return 0
    signal = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64)
    return int(math.sqrt(float(np.dot(signal, signal)) / len(signal)))


def trames(pcm: bytes, taille: int = OCTETS_TRAME_PCM) -> list[bytes]:
    """PCM cut into 20 ms frames, the last one padded with silence."""
    morceaux = [pcm[i:i + taille] for i in range(0, len(pcm), taille)]
    if morceaux and len(morceaux[-1]) < taille:
        morceaux[-1] = morceaux[-1] + b"\x00" * (taille - len(morceaux[-1]))
    return morceaux
