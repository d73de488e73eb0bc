"""Rasa's Redis lock store, with its ticket updates made atomic across replicas.

Rasa's ``RedisLockStore`` issues a ticket by reading the conversation's lock,
adding a ticket and writing it back: two replicas doing it at the same moment
can overwrite each other's ticket, and then two turns of one conversation run
at once (seen in the replica tests). Here every read-modify-write of a
conversation's lock runs under a short Redis mutex (``SET NX`` with expiry,
redis-py's ``Lock``), so tickets are handed out one at a time across every
replica. Configured in bot/endpoints.yml through the environment:

    GUICHET_VERROUS_TYPE=serveur_rasa.verrous_redis.VerrousRedis
    GUICHET_VERROUS_HOTE=redis.internal  GUICHET_VERROUS_PORT=6379  GUICHET_VERROUS_BASE=1
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from serveur_rasa.attente_verrou import ReveilVerrous

logger = logging.getLogger(__name__)
MUTEX_S = 5.0  # longest a ticket update can hold the mutex (it takes milliseconds)


class VerrousRedis(ReveilVerrous, RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        reglages = dict(endpoint_config.kwargs if endpoint_config else {}, **kwargs)
        hote = (endpoint_config.url if endpoint_config else None) or reglages.pop("host", None) or "localhost"
        try:
            port = int(reglages.pop("port", None) or 6379)
            base = int(reglages.pop("db", None) or 1)
        except ValueError:
            raise ValueError("GUICHET_VERROUS_PORT and GUICHET_VERROUS_BASE must be numbers for the Redis lock store") from None
        super().__init__(host=hote, port=port, db=base, password=reglages.get("password") or None,
                         key_prefix=reglages.get("key_prefix") or None)

    @contextlib.contextmanager
    def _mutex(self, conversation_id: str) -> Iterator[None]:
        verrou = self.red.lock(f"{self.key_prefix}mutex:{conversation_id}", timeout=MUTEX_S, blocking_timeout=MUTEX_S)
        if not verrou.acquire():
            raise LockError(f"could not update the lock of conversation '{conversation_id}'")
        try:
            yield
        finally:
            with contextlib.suppress(Exception):  # expired after MUTEX_S: nothing left to release
                verrou.release()

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().finish_serving(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            lock = self.get_lock(conversation_id)
            if lock is None:
                return
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                self.save_lock(lock)
            else:
                self.delete_lock(conversation_id)
