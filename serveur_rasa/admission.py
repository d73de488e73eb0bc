"""How many citizens' turns this Rasa process works on at once; the others wait their turn, phone calls first.

Without a gate every message that arrives starts at once, and under load a
turn is sliced between all the others at each of its awaits (NLU, each action-
server call, the tracker store): a turn with several actions (a report, an
agent request) took 2–3× the time of an FAQ turn at 10 clients (`make bench`).
With a few turns in progress at a time and the rest in arrival order, each turn
runs almost as fast as alone, the CPU stays busy during the action server's
answers, and the wait is the same for every kind of message. Messages of the
voice channel go ahead of the queue: a caller hears silence, a web user sees a
typing indicator.

``GUICHET_TOURS_SIMULTANES`` (default 3) per Rasa process; 0 turns the gate off.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

from configuration.environnement import entier

PLACES_PAR_DEFAUT = 3


@dataclass(frozen=True)
class ConfigAdmission:
    places: int = PLACES_PAR_DEFAUT  # 0: no gate

    @classmethod
    def depuis_env(cls, env: Mapping[str, str] = os.environ) -> ConfigAdmission:
        return cls(entier(env, "GUICHET_TOURS_SIMULTANES", PLACES_PAR_DEFAUT, 0, 1000))


class Admission:
    """A FIFO gate with a priority lane; a cancelled waiter gives its place back."""

    def __init__(self, places: int) -> None:
        self.places = places
        self._occupees = 0
        self._file: list[tuple[int, int, asyncio.Future[None]]] = []
        self._numeros = itertools.count()

    @property
    def en_attente(self) -> int:
        return sum(1 for *_, f in self._file if not f.done())

    @asynccontextmanager
    async def tour(self, prioritaire: bool = False) -> AsyncIterator[None]:
        if self.places <= 0:
            yield
            return
        if self._occupees < self.places and not self._file:
            self._occupees += 1
        else:
            attente: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._file, (0 if prioritaire else 1, next(self._numeros), attente))
            try:
                await attente  # the place is handed over by the turn that ends
            except asyncio.CancelledError:
                if attente.done() and not attente.cancelled():
                    self._liberer()  # it had just been given the place: pass it on
                raise
        try:
            yield
        finally:
            self._liberer()

    def _liberer(self) -> None:
        while self._file:
            *_, suivante = heapq.heappop(self._file)
            if not suivante.done():
                suivante.set_result(None)  # the place goes straight to the next waiter
                return
        self._occupees -= 1


_admissions: dict[int, Admission] = {}


def admission_du_processus(env: Mapping[str, str] = os.environ) -> Admission:
    """The gate shared by every channel of this process (created on first use, inside the event loop)."""
    cle = id(asyncio.get_running_loop())
    if cle not in _admissions:
        _admissions[cle] = Admission(ConfigAdmission.depuis_env(env).places)
    return _admissions[cle]
