"""Whether the caller is speaking: WebRTC's voice-activity detector, a voicing check and a minimum duration.

A 20 ms frame counts as speech when WebRTC's VAD says so, its level is above a floor (line hiss and
far-away voices stay below) and, over the run, enough frames are voiced (periodic, as vowels are:
coughs, breathing and clicks are not). Speech *starts* once such frames last `parole_min_ms`
(a click or a door slam is shorter), and *ends* after `fin_parole_ms` without speech. The call uses
the start to stop its playback (barge-in) and the end to close the caller's turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from voix.codec import OCTETS_TRAME_PCM, TAUX_LIGNE, energie

DUREE_TRAME_MS = 20
_RETARDS = range(TAUX_LIGNE // 400, TAUX_LIGNE // 70 + 1)  # pitch periods of 70 to 400 Hz, in samples


@dataclass(frozen=True)
class ReglagesParole:
    """Settings of speech detection (GUICHET_VOIX_VAD_AGRESSIVITE, _PAROLE_MIN_MS, _NIVEAU_MIN, _VOISEMENT_MIN)."""

    agressivite: int = 2  # WebRTC VAD mode, 0 (lenient) to 3 (strict about what is speech)
    parole_min_ms: int = 160  # speech this long before it interrupts the bot or opens a turn
    fin_parole_ms: int = 400  # this long without speech closes the caller's turn
    niveau_min: int = 400  # RMS of 16-bit PCM under which a frame is never speech (hiss, voices far away)
    voisement_min: float = 0.4  # share of voiced frames a run of speech needs (vowels; not coughs nor breath)

    def __post_init__(self) -> None:
        if not 0 <= self.agressivite <= 3:
            raise ValueError("agressivite: 0 to 3")
        if self.parole_min_ms < DUREE_TRAME_MS or self.fin_parole_ms < DUREE_TRAME_MS:
            raise ValueError(f"parole_min_ms and fin_parole_ms: at least {DUREE_TRAME_MS} ms")
        if not 0.0 <= self.voisement_min <= 1.0:
            raise ValueError("voisement_min: 0 to 1")


class Evenement(str, Enum):
    DEBUT = "debut"  # the caller started speaking (barge-in, a turn opens)
    FIN = "fin"  # the caller stopped speaking (the turn may close)


def voisee(signal: np.ndarray) -> bool:
    """Whether a short window is periodic at a voice pitch (normalised autocorrelation peak ≥ 0.5)."""
    x = signal - signal.mean()
    puissance = float(np.dot(x, x))
    if puissance <= 0.0:
        return False
    meilleur = max(float(np.dot(x[:-r], x[r:])) / puissance * len(x) / (len(x) - r) for r in _RETARDS)
    return meilleur >= 0.5


class DetecteurParole:
    """Per-call state; feed 20 ms frames of 8 kHz 16-bit PCM in order."""

    def __init__(self, reglages: ReglagesParole = ReglagesParole()) -> None:
        import webrtcvad

        self.reglages = reglages
        self._vad = webrtcvad.Vad(reglages.agressivite)
        self._precedente = np.zeros(0)
        self._course = 0  # consecutive speech-like frames
        self._voisees = 0  # voiced ones among them
        self._calme = 0  # consecutive non-speech frames since speech was heard
        self.en_parole = False  # speech started and not ended

    @property
    def course(self) -> int:
        """Frames in the current run of speech (the onset was that many frames ago)."""
        return self._course

    @property
    def calme(self) -> int:
        """Frames without speech since the last speech-like one."""
        return self._calme

    def _semblable_parole(self, pcm: bytes) -> bool:
        """Strict to start (the VAD and the level floor); lenient to go on (half the floor is enough), so that
        the quiet ends of words and short hesitations do not end a turn."""
        niveau = energie(pcm)
        if self.en_parole and niveau >= self.reglages.niveau_min // 2:
            return True
        return niveau >= self.reglages.niveau_min and bool(self._vad.is_speech(pcm, TAUX_LIGNE))

    def trame(self, pcm: bytes) -> Evenement | None:
        """The event this frame completes, if any."""
        if len(pcm) != OCTETS_TRAME_PCM:
            pcm = pcm[:OCTETS_TRAME_PCM].ljust(OCTETS_TRAME_PCM, b"\x00")
        signal = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
        fenetre = np.concatenate([self._precedente, signal])  # 40 ms: two periods of a low voice
        self._precedente = signal
        parole = self._semblable_parole(pcm)
        if parole:
            self._course += 1
            self._voisees += voisee(fenetre)
            self._calme = 0
        else:
            if not self.en_parole:
                self._course = self._voisees = 0
            self._calme += 1
        r = self.reglages
        if not self.en_parole:
            if (parole and self._course * DUREE_TRAME_MS >= r.parole_min_ms
                    and self._voisees >= r.voisement_min * self._course):
                self.en_parole = True
                return Evenement.DEBUT
            return None
        if self._calme * DUREE_TRAME_MS >= r.fin_parole_ms:
            self.en_parole = False
            self._course = self._voisees = 0
            return Evenement.FIN
        return None
