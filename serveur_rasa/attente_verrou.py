"""Waiting for a conversation's turn without Rasa's one-second naps.

When a message arrives while the previous one of the same conversation is still
being handled (a quick typist on the widget, a caller speaking again), Rasa 3.6
retries the conversation's lock every second: the second message waited up to a
whole second more than needed (`make bench`, socket.io). Here a waiter is woken
as soon as this process releases the lock, and checks the store every 50 ms for
a release by another process (workers sharing SQLite, replicas sharing Redis).
Same tickets, same order, same expiry as Rasa's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError

logger = logging.getLogger(__name__)

INTERVALLE_S = 0.05


class ReveilVerrous:
    """Mixin for a Rasa ``LockStore``: put it first in the bases."""

    def _reveils(self) -> dict[str, asyncio.Event]:
        return self.__dict__.setdefault("_guichet_reveils", {})

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        magasin: Any = self
        attente = min(wait_time_in_seconds, INTERVALLE_S)
        while True:
            lock = magasin.get_lock(conversation_id)
            if not lock:
                break
            if not lock.is_locked(ticket):
                return lock
            reveil = self._reveils().setdefault(conversation_id, asyncio.Event())
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(reveil.wait(), attente)
            magasin.update_lock(conversation_id)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        super().cleanup(conversation_id, ticket_number)  # type: ignore[misc]
        reveil = self._reveils().pop(conversation_id, None)
        if reveil is not None:
            reveil.set()  # every waiter of this conversation looks again; the next ticket goes first
