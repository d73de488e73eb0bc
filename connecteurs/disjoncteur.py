"""Circuit breaker: a back end that keeps failing is answered "down" at once.

After ``seuil`` consecutive failures the circuit opens: calls fail immediately
with :class:`ConnecteurIndisponible` for ``pause_s`` seconds, so a citizen
gets the apology and a human at once instead of after every timeout. Then one
trial call goes through (half-open); its success closes the circuit, its
failure opens it again, and so does a trial that ends otherwise (cancelled):
the next trial comes after another pause. A trial never heard of again is
replaced by a new one after a pause, so the circuit cannot stay half-open.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable

from connecteurs.erreurs import ConnecteurIndisponible

logger = logging.getLogger(__name__)


class EtatCircuit(enum.Enum):
    FERME = "ferme"  # calls go through
    OUVERT = "ouvert"  # calls fail at once
    ENTROUVERT = "entrouvert"  # one trial call in flight


class Disjoncteur:
    def __init__(self, nom: str, seuil: int = 5, pause_s: float = 30.0, horloge: Callable[[], float] = time.monotonic) -> None:
        if seuil < 1 or pause_s <= 0:
            raise ValueError("seuil must be >= 1 and pause_s > 0")
        self.nom, self.seuil, self.pause_s, self._horloge = nom, seuil, pause_s, horloge
        self.etat = EtatCircuit.FERME
        self._echecs = 0
        self._ouvert_depuis = 0.0
        self._essai_depuis = 0.0

    def autoriser(self) -> None:
        """Raise at once while the circuit is open; let one trial through after the pause."""
        if self.etat is EtatCircuit.FERME:
            return
        maintenant = self._horloge()
        if (self.etat is EtatCircuit.OUVERT and maintenant - self._ouvert_depuis >= self.pause_s) or (
                self.etat is EtatCircuit.ENTROUVERT and maintenant - self._essai_depuis >= self.pause_s):
            self.etat, self._essai_depuis = EtatCircuit.ENTROUVERT, maintenant
            return
        raise ConnecteurIndisponible(f"{self.nom}: circuit open after repeated failures")

    def succes(self) -> None:
        if self.etat is not EtatCircuit.FERME:
            logger.info("%s: back end answers again, circuit closed", self.nom)
        self.etat, self._echecs = EtatCircuit.FERME, 0

    def abandonner(self) -> None:
        """A call ended without a verdict (cancelled): a half-open trial reopens the circuit, else nothing changes."""
        if self.etat is EtatCircuit.ENTROUVERT:
            logger.warning("%s: trial call abandoned, circuit open for %.0f s", self.nom, self.pause_s)
            self.etat, self._ouvert_depuis = EtatCircuit.OUVERT, self._horloge()

    def echec(self) -> None:
        self._echecs += 1
        if self.etat is EtatCircuit.ENTROUVERT or self._echecs >= self.seuil:
            if self.etat is not EtatCircuit.OUVERT:
                logger.warning("%s: %d consecutive failures, circuit open for %.0f s", self.nom, self._echecs, self.pause_s)
            self.etat, self._ouvert_depuis = EtatCircuit.OUVERT, self._horloge()
