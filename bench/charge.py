"""Guichet benchmark: start-up, training, memory, turn latency and throughput.

`make bench` (or `python -m bench.charge`). Starts the real Rasa server and
action server on free ports with a throw-away data directory, then measures:
  - server ready time (process start -> REST channel answering);
  - training time (full retrain, `--entrainement`);
  - resident memory of both servers after the load;
  - latency p50/p95 of an FAQ turn and of a case-status turn (identity check
    + status from the embedded GRC) at 1, 10 and 50 concurrent conversations;
  - the highest throughput observed with p95 <= 300 ms.
Figures are printed and written to resultats/bench.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp

from guichet.construction.entrainement import RACINE, entrainer
from guichet.construction.projet import Projet
from tests.integration.serveurs import lancer

SEUIL_P95_MS = 300.0


@dataclass
class Mesure:
    scenario: str
    clients: int
    tours: int
    erreurs: int
    duree_s: float
    tours_par_s: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    workers: int = 1


def centile(valeurs: list[float], q: float) -> float:
    if not valeurs:
        return float("nan")
    ordonnees = sorted(valeurs)
    return ordonnees[min(len(ordonnees) - 1, int(round(q * (len(ordonnees) - 1))))]


async def tour(session: aiohttp.ClientSession, url: str, sender: str, texte: str) -> tuple[float, bool]:
    debut = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": texte}) as r:
            corps = await r.json()
            ok = r.status == 200 and bool(corps)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        ok = False
    return (time.perf_counter() - debut) * 1000, ok


async def client(session, url: str, scenario: str, fin: float, latences: list[float], erreurs: list[int]) -> None:
    while time.monotonic() < fin:
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        if scenario == "faq":
            ms, ok = await tour(session, url, sender, "quels sont les horaires de la mairie ?")
        else:
            _, ok1 = await tour(session, url, sender, "où en est mon dossier 24578301")
            ms, ok = await tour(session, url, sender, "12/03/1985")
            ok = ok and ok1
        latences.append(ms)
        if not ok:
            erreurs.append(1)


async def mesurer(url: str, scenario: str, clients: int, duree: float) -> Mesure:
    latences: list[float] = []
    erreurs: list[int] = []
    connecteur = aiohttp.TCPConnector(limit=clients + 5)
    async with aiohttp.ClientSession(connector=connecteur, timeout=aiohttp.ClientTimeout(total=60)) as session:
        await tour(session, url, "echauffement", "bonjour")
        debut = time.monotonic()
        await asyncio.gather(*(client(session, url, scenario, debut + duree, latences, erreurs) for _ in range(clients)))
        ecoule = time.monotonic() - debut
    tours_mesures = len(latences) * (1 if scenario == "faq" else 2)
    return Mesure(
        scenario=scenario,
        clients=clients,
        tours=len(latences),
        erreurs=len(erreurs),
        duree_s=round(ecoule, 1),
        tours_par_s=round(tours_mesures / ecoule, 1),
        p50_ms=round(statistics.median(latences), 1) if latences else float("nan"),
        p95_ms=round(centile(latences, 0.95), 1),
        max_ms=round(max(latences), 1) if latences else float("nan"),
    )


def rss_mo(pid: int) -> float:
    """Resident memory of a process and its children, in MiB (from /proc)."""
    total_ko = 0
    a_voir = [pid]
    while a_voir:
        p = a_voir.pop()
        try:
            statut = Path(f"/proc/{p}/status").read_text()
            total_ko += int(next(ligne for ligne in statut.splitlines() if ligne.startswith("VmRSS:")).split()[1])
            for tache in Path(f"/proc/{p}/task").iterdir():
                a_voir += [int(x) for x in (tache / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return round(total_ko / 1024)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark Guichet on this machine.")
    parser.add_argument("--duree", type=float, default=15.0, help="seconds per load level (default 15)")
    parser.add_argument("--clients", type=int, nargs="*", default=[1, 4, 10, 50])
    parser.add_argument("--entrainement", action="store_true", help="also time a full retrain")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2], help="Sanic worker counts to compare")
    parser.add_argument("--sortie", type=Path, default=RACINE / "resultats" / "bench.json")
    args = parser.parse_args(argv)
    import os

    resultats: dict[str, Any] = {"machine": {"coeurs": os.cpu_count()}}
    if args.entrainement:
        debut = time.monotonic()
        entrainer(Projet(), forcer=True)
        resultats["entrainement_s"] = round(time.monotonic() - debut, 1)
    mesures: list[Mesure] = []
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as dossier:
            serveurs = lancer(Path(dossier), RACINE / "contenu" / "commune.yml", workers=workers)
            try:
                resultats[f"demarrage_rasa_s_{workers}w"] = round(serveurs.duree_demarrage_rasa, 1)
                print(f"{workers} worker(s): Rasa ready in {serveurs.duree_demarrage_rasa:.1f} s", flush=True)
                url = f"{serveurs.url}/webhooks/rest/webhook"
                for scenario in ("faq", "dossier"):
                    for n in args.clients:
                        m = asyncio.run(mesurer(url, scenario, n, args.duree))
                        m.workers = workers
                        mesures.append(m)
                        print(f"  {scenario:8s} {n:3d} clients: {m.tours_par_s:6.1f} turns/s  p50 {m.p50_ms:7.1f} ms  "
                              f"p95 {m.p95_ms:7.1f} ms  max {m.max_ms:7.1f} ms  errors {m.erreurs}", flush=True)
                assert serveurs.rasa is not None and serveurs.actions is not None
                resultats[f"rss_rasa_mo_{workers}w"] = rss_mo(serveurs.rasa.pid)
                resultats[f"rss_actions_mo_{workers}w"] = rss_mo(serveurs.actions.pid)
            finally:
                serveurs.arreter()
    resultats["mesures"] = [asdict(m) for m in mesures]
    for scenario in ("faq", "dossier"):
        sous_seuil = [m for m in mesures if m.scenario == scenario and m.p95_ms <= SEUIL_P95_MS]
        meilleur = max(sous_seuil, key=lambda m: m.tours_par_s, default=None)
        resultats[f"max_tours_par_s_p95_300ms_{scenario}"] = meilleur.tours_par_s if meilleur else 0.0
        resultats[f"max_tours_par_s_p95_300ms_{scenario}_config"] = (
            f"{meilleur.workers} worker(s), {meilleur.clients} clients" if meilleur else None
        )
    resultats["ratio_objectif_60_tours_par_s"] = round(resultats["max_tours_par_s_p95_300ms_faq"] / 60, 2)
    defaut = f"demarrage_rasa_s_{args.workers[-1]}w"
    resultats["ratio_objectif_demarrage_20s"] = round(resultats[defaut] / 20, 2)
    args.sortie.parent.mkdir(parents=True, exist_ok=True)
    args.sortie.write_text(json.dumps(resultats, indent=2, ensure_ascii=False))
    print(json.dumps({k: v for k, v in resultats.items() if k != "mesures"}, indent=2))
    print(f"written to {args.sortie}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
