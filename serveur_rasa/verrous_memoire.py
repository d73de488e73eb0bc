"""Rasa's in-memory lock store (one Rasa process), with waiters woken as soon as a turn ends.

The default with one worker: ``GUICHET_VERROUS_TYPE=serveur_rasa.verrous_memoire.VerrousMemoire``
(serveur_rasa/attente_verrou.py).
"""

from __future__ import annotations

from typing import Any

from rasa.core.lock_store import InMemoryLockStore
from rasa.utils.endpoints import EndpointConfig

from serveur_rasa.attente_verrou import ReveilVerrous


class VerrousMemoire(ReveilVerrous, InMemoryLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **_: Any) -> None:
        super().__init__()
