"""What one peer may cost the gateway: calls at once, queued events, message sizes, silences and stalls.

Every limit is a setting (GUICHET_VOIX_…, voix/config.py) and logs a line when it fires.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from voix.appel import EvenementLigne

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LimitesLigne:
    appels_max: int = 16  # simultaneous calls; more hear « lignes occupées » and are hung up (GUICHET_VOIX_APPELS_MAX)
    file_max: int = 250  # events queued per call (5 s of 20 ms frames); audio beyond is dropped
    taille_message_max: int = 16 * 1024  # bytes of one media-stream message (a 20 ms media message is ~300)
    delai_debut_s: float = 10.0  # the call's first frame (AudioSocket UUID, media-stream start)
    delai_inactivite_s: float = 30.0  # no frame at all from the peer for this long ends the call
    delai_ecriture_s: float = 5.0  # a peer that stops reading our audio for this long is dropped
    connexions_max: int = 64  # open TCP connections on the AudioSocket port

    def __post_init__(self) -> None:
        for nom in ("appels_max", "file_max", "taille_message_max", "connexions_max"):
            if getattr(self, nom) < 1:
                raise ValueError(f"{nom} must be at least 1")
        for nom in ("delai_debut_s", "delai_inactivite_s", "delai_ecriture_s"):
            if getattr(self, nom) <= 0:
                raise ValueError(f"{nom} must be positive")


class FileLigne(asyncio.Queue[EvenementLigne]):
    """A call's event queue, bounded: when the call lags, incoming audio is dropped (logged once per burst);
    keys and the end of the call are always kept."""

    def __init__(self, taille_max: int, ident: str = "") -> None:
        super().__init__()
        self.taille_max, self.ident, self.perdues = taille_max, ident, 0

    def put_nowait(self, item: EvenementLigne) -> None:
        if self.qsize() >= self.taille_max:
            if item.genre == "audio" or self.qsize() >= 2 * self.taille_max:
                if self.perdues == 0:
                    logger.warning("call %s: event queue full (%d), incoming %s dropped", self.ident[:8], self.taille_max,
                                   item.genre)
                self.perdues += 1
                return
        if self.perdues and self.qsize() < self.taille_max // 2:
            logger.info("call %s: event queue drained, %d events had been dropped", self.ident[:8], self.perdues)
            self.perdues = 0
        super().put_nowait(item)
