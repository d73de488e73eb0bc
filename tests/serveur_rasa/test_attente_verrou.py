"""A message waiting for its conversation's turn goes as soon as the previous one is done, in ticket order."""

from __future__ import annotations

import asyncio
import time

from rasa.core.lock_store import InMemoryLockStore, LockStore

from serveur_rasa.verrous_memoire import VerrousMemoire
from serveur_rasa.verrous_sqlite import VerrousSqlite


async def _tour(magasin: LockStore, journal: list[str], nom: str, duree: float, debuts: dict[str, float]) -> None:
    async with magasin.lock("conversation"):
        debuts[nom] = time.monotonic()
        journal.append(f"{nom} début")
        await asyncio.sleep(duree)
        journal.append(f"{nom} fin")


async def _file(magasin: LockStore) -> tuple[list[str], dict[str, float], float]:
    journal: list[str] = []
    debuts: dict[str, float] = {}
    premier = asyncio.create_task(_tour(magasin, journal, "1", 0.2, debuts))
    await asyncio.sleep(0.01)
    suivants = [asyncio.create_task(_tour(magasin, journal, n, 0.0, debuts)) for n in ("2", "3")]
    await asyncio.gather(premier, *suivants)
    return journal, debuts, debuts["2"] - debuts["1"]


async def test_in_memory_waiters_go_when_the_turn_ends_in_ticket_order():
    journal, debuts, ecart = await _file(VerrousMemoire())
    assert journal == ["1 début", "1 fin", "2 début", "2 fin", "3 début", "3 fin"]
    assert 0.19 <= ecart < 0.5  # (asyncio may wake a sleep a millisecond early) Rasa's own store makes the second message wait for its next one-second retry


async def test_rasa_s_own_store_waits_for_its_one_second_retry():
    """What the fix is about (the same scenario with Rasa's InMemoryLockStore)."""
    journal, _, ecart = await _file(InMemoryLockStore())
    assert journal[:3] == ["1 début", "1 fin", "2 début"] and ecart >= 0.9


async def test_a_release_by_another_process_is_seen_within_the_polling_interval(tmp_path):
    """Two workers share the SQLite lock store: the waiter is in one, the turn ends in the other."""
    ici, ailleurs = VerrousSqlite(db=str(tmp_path / "v.sqlite3")), VerrousSqlite(db=str(tmp_path / "v.sqlite3"))
    ticket = ailleurs.issue_ticket("c")
    debut = time.monotonic()

    async def attendre() -> float:
        async with ici.lock("c"):
            return time.monotonic() - debut

    attente = asyncio.create_task(attendre())
    await asyncio.sleep(0.2)
    assert not attente.done()
    ailleurs.cleanup("c", ticket)
    assert 0.19 <= await asyncio.wait_for(attente, 2) < 0.6  # asyncio may wake a sleep a millisecond early
    assert ici.get_lock("c") is None
