"""The gate of turns: a few at once, the others in arrival order, phone calls first, no place lost."""

from __future__ import annotations

import asyncio

import pytest

from configuration.erreurs import ErreurConfiguration
from serveur_rasa.admission import Admission, ConfigAdmission


async def _tour(gate: Admission, nom: str, journal: list[str], liberation: asyncio.Event, prioritaire: bool = False) -> None:
    async with gate.tour(prioritaire):
        journal.append(nom)
        await liberation.wait()


async def test_turns_over_the_places_wait_and_go_in_arrival_order_calls_first():
    gate = Admission(2)
    journal: list[str] = []
    fins = {n: asyncio.Event() for n in "abcdef"}
    taches = [asyncio.create_task(_tour(gate, n, journal, fins[n], prioritaire=(n == "f"))) for n in "abcdef"]
    await asyncio.sleep(0.01)
    assert journal == ["a", "b"] and gate.en_attente == 4
    fins["a"].set()
    await asyncio.sleep(0.01)
    assert journal == ["a", "b", "f"]  # the call goes ahead of c, d, e
    for n in "bfcde":
        fins[n].set()
        await asyncio.sleep(0.01)
    await asyncio.gather(*taches)
    assert journal == ["a", "b", "f", "c", "d", "e"] and gate.en_attente == 0


async def test_a_waiter_that_gives_up_loses_no_place():
    gate = Admission(1)
    journal: list[str] = []
    fin_a, fin_c = asyncio.Event(), asyncio.Event()
    a = asyncio.create_task(_tour(gate, "a", journal, fin_a))
    await asyncio.sleep(0)
    b = asyncio.create_task(_tour(gate, "b", journal, asyncio.Event()))
    c = asyncio.create_task(_tour(gate, "c", journal, fin_c))
    await asyncio.sleep(0.01)
    b.cancel()  # the citizen closed the page
    fin_a.set()
    fin_c.set()
    await asyncio.gather(a, c)
    assert journal == ["a", "c"]
    await asyncio.wait_for(_entrer(gate), 1)  # the place came back


async def test_an_error_in_a_turn_gives_its_place_back():
    gate = Admission(1)
    with pytest.raises(RuntimeError):
        async with gate.tour():
            raise RuntimeError("the dialogue failed")
    await asyncio.wait_for(_entrer(gate), 1)


async def _entrer(gate: Admission) -> None:
    async with gate.tour():
        pass


async def test_zero_places_is_no_gate():
    gate = Admission(0)
    journal: list[str] = []
    fin = asyncio.Event()
    taches = [asyncio.create_task(_tour(gate, str(i), journal, fin)) for i in range(20)]
    await asyncio.sleep(0.01)
    assert len(journal) == 20
    fin.set()
    await asyncio.gather(*taches)


def test_the_setting_is_read_at_the_edge():
    assert ConfigAdmission.depuis_env({}).places == 3
    assert ConfigAdmission.depuis_env({"GUICHET_TOURS_SIMULTANES": "0"}).places == 0
    for mauvais in ("-1", "trois", "99999"):
        with pytest.raises(ErreurConfiguration, match="GUICHET_TOURS_SIMULTANES"):
            ConfigAdmission.depuis_env({"GUICHET_TOURS_SIMULTANES": mauvais})
