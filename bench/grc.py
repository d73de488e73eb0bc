"""The embedded GRC on SQLite and on PostgreSQL: operations per second and p95 under concurrency.

`python -m bench.grc [--operations 400] [--concurrence 1 8]`: for each database (a
SQLite file; a throwaway PostgreSQL server from Debian's package), runs the
operations a conversation makes — case identity check (right answer),
escalation creation, agents' queue read, take-over — from N concurrent
coroutines (worker threads, as in the action server) and prints ops/s, p50
and p95 per operation, then the PostgreSQL / SQLite ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.charge import centile
from bench.resultats import enregistrer
from connecteurs.grc_embarquee.grc import ConfigGrcEmbarquee, GrcEmbarquee
from connecteurs.modeles import ContexteConversation
from tests.integration.infrastructure import postgresql

CONTEXTE = ContexteConversation("bench", "socketio", (), (), {}, None)


async def mesurer(operation: Callable[[int], Awaitable[object]], total: int, concurrence: int) -> dict[str, float]:
    latences: list[float] = []
    suivant = iter(range(total))

    async def travailleur() -> None:
        for i in suivant:
            debut = time.perf_counter()
            await operation(i)
            latences.append((time.perf_counter() - debut) * 1000)

    debut = time.perf_counter()
    await asyncio.gather(*(travailleur() for _ in range(concurrence)))
    ecoule = time.perf_counter() - debut
    return {"ops_par_s": round(total / ecoule, 1), "p50_ms": round(statistics.median(latences), 2),
            "p95_ms": round(centile(latences, 0.95), 2)}


def operations(grc: GrcEmbarquee, naissance: dt.date) -> dict[str, Callable[[int], Awaitable[object]]]:
    """The operations to time, in order (take-overs use the escalations just created)."""
    references: list[str] = []

    async def escalade(_: int) -> None:
        references.append((await grc.creer_escalade(CONTEXTE)).reference)

    async def prise(i: int) -> None:
        await grc.prendre_escalade(references[i], "camille")

    return {
        "verification_identite": lambda _: grc.verifier_identite("24578301", naissance),
        "creation_escalade": escalade,
        "file_conseillers": lambda _: grc.escalades_ouvertes(),
        "prise_en_charge": prise,
    }


async def une_base(url: str, total: int, concurrences: list[int]) -> dict[str, dict[str, float]]:
    grc = await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(url))
    naissance = dt.date(1985, 3, 12)
    resultats: dict[str, dict[str, float]] = {}
    try:
        for n in concurrences:
            for nom, operation in operations(grc, naissance).items():
                volume = min(total, 100) if nom == "file_conseillers" else total
                resultats[f"{nom} ×{n}"] = m = await mesurer(operation, volume, n)
                print(f"  {nom:22} concurrency {n:2}: {m}", flush=True)
    finally:
        await grc.fermer()
    return resultats


def main() -> int:
    parser = argparse.ArgumentParser(description="The embedded GRC on SQLite and PostgreSQL.")
    parser.add_argument("--operations", type=int, default=400)
    parser.add_argument("--concurrence", type=int, nargs="*", default=[1, 8])
    args = parser.parse_args()
    resultats: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as dossier:
        print("SQLite (WAL, one file):", flush=True)
        resultats["sqlite"] = asyncio.run(une_base(f"sqlite:///{Path(dossier) / 'grc.sqlite3'}", args.operations, args.concurrence))
    with postgresql() as url:
        print("PostgreSQL (local, loopback):", flush=True)
        resultats["postgresql"] = asyncio.run(une_base(url, args.operations, args.concurrence))
    print("PostgreSQL / SQLite ops/s:")
    for cle, m in resultats["sqlite"].items():
        print(f"  {cle:26} {resultats['postgresql'][cle]['ops_par_s'] / m['ops_par_s']:.2f}")
    enregistrer("bench-grc", resultats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
