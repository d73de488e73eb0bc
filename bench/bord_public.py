"""`python -m bench.bord_public`: how much a hostile message delays other citizens.

REST « bonjour » latency (p50/p95) alone, then while maximal messages are sent
without pause on each channel: a 5,000-character REST message, the same over
socket.io, and 300 KB socket.io frames (refused before parsing). Figures are
printed as ratios to the quiet baseline measured in the same run (machines are
shared and noisy), then in milliseconds; saved in resultats/bord_public.json.
Goal (issue « public edge »): p95 under load ≤ 300 ms on 2 cores.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Awaitable, Callable

import aiohttp

from bench.resultats import enregistrer
from tests.integration.conftest import TOUJOURS_OUVERT, commune_avec_horaires
from tests.integration.serveurs import lancer
from tests.integration.socketio_brut import ClientSocketIO

MESURES = 60
MAXIMAL = ("b " * 2500)[:5000]


def centile(valeurs: list[float], q: float) -> float:
    return statistics.quantiles(valeurs, n=100)[q - 1] if len(valeurs) > 1 else valeurs[0]


async def latences(session: aiohttp.ClientSession, url: str) -> list[float]:
    mesures = []
    for i in range(MESURES):
        debut = time.perf_counter()
        async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": f"mesure-{i % 5}", "message": "bonjour"}) as r:
            await r.read()
        mesures.append((time.perf_counter() - debut) * 1000)
        await asyncio.sleep(0.05)
    return mesures


async def sous_charge(session: aiohttp.ClientSession, url: str, attaque: Callable[[], Awaitable[None]]) -> tuple[list[float], int]:
    arret = asyncio.Event()
    envoyes = 0

    async def boucle() -> None:
        nonlocal envoyes
        while not arret.is_set():
            await attaque()
            envoyes += 1

    tache = asyncio.create_task(boucle())
    await asyncio.sleep(0.5)
    try:
        return await latences(session, url), envoyes
    finally:
        arret.set()
        await asyncio.wait_for(tache, 60)


async def mesurer(url: str) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    async with aiohttp.ClientSession() as session:
        await latences(session, url)  # warm-up
        calme = await latences(session, url)

        async def rest() -> None:
            async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": "attaque", "message": MAXIMAL}) as r:
                await r.read()

        async with ClientSocketIO(session, url) as client:
            await client.emettre("session_request", {"session_id": None})
            jeton = await client.attendre("session_confirm")

            async def socketio() -> None:
                await client.emettre("user_uttered", {"message": MAXIMAL, "session_id": jeton})
                await asyncio.wait_for(client.attendre("bot_uttered"), 30)

            charges = {"calme": (calme, 0), "rest_5000": await sous_charge(session, url, rest),
                       "socketio_5000": await sous_charge(session, url, socketio)}

        async def trame_geante() -> None:
            try:
                async with ClientSocketIO(session, url) as c:
                    await c.emettre("session_request", {"session_id": None})
                    await c.attendre("session_confirm")
                    assert c.ws is not None
                    await c.ws.send_str("42" + json.dumps(["user_uttered", {"message": "a " * 150_000}]))
                    await asyncio.wait_for(c.attendre("bot_uttered"), 10)
            except (ConnectionError, asyncio.TimeoutError, aiohttp.ClientError):
                pass

        charges["socketio_300ko"] = await sous_charge(session, url, trame_geante)
    base = centile(calme, 95)
    for nom, (mesures, envoyes) in charges.items():
        figures[nom] = {"p50_ms": round(statistics.median(mesures), 1), "p95_ms": round(centile(mesures, 95), 1),
                        "ratio_p95": round(centile(mesures, 95) / base, 2), "messages_hostiles": envoyes}
    return figures


def main() -> None:
    dossier = Path(tempfile.mkdtemp(prefix="bord-public-"))
    serveurs = lancer(dossier, commune_avec_horaires(dossier, TOUJOURS_OUVERT))
    try:
        figures = asyncio.run(mesurer(serveurs.url))
    finally:
        serveurs.arreter()
    print("REST « bonjour » while hostile messages are sent (ratio of p95 to the quiet p95 first):")
    for nom, f in figures.items():
        print(f"  {nom:15} ×{f['ratio_p95']:<5} p50 {f['p50_ms']:7.1f} ms  p95 {f['p95_ms']:7.1f} ms  "
              f"({f['messages_hostiles']} hostile messages)")
    print(f"saved in {enregistrer('bord_public', figures)}")


if __name__ == "__main__":
    main()
