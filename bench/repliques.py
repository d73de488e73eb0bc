"""Rasa's distributed set-up on this machine: 1 vs 2 replicas on PostgreSQL + Redis (GRC records in PostgreSQL too).

`python -m bench.repliques`: starts throwaway PostgreSQL and Redis servers,
one action server and 1 then 2 Rasa replicas, spreads clients over the
replicas (as a balancer would) and prints FAQ and case-status turns/s, p50/p95
per load, and the CPU time per turn measured on the Rasa processes.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.charge import centile, client, tour
from bench.resultats import enregistrer
from guichet.construction.entrainement import RACINE, entrainer
from guichet.construction.projet import Projet
from guichet.exploitation.lancement import ConfigLancement, commande_actions, commande_rasa, environnement_serveurs
from tests.integration.infrastructure import postgresql, redis
from tests.integration.serveurs import JETON, attendre, ports_libres


def temps_cpu(pid: int) -> float:
    champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(champs[11]) + int(champs[12])) / os.sysconf("SC_CLK_TCK")


async def charge(urls: list[str], scenario: str, clients: int, duree: float) -> dict[str, float]:
    """bench.charge's clients, spread over the replicas as a balancer would."""
    latences: list[float] = []
    erreurs: list[int] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        for url in urls:
            await tour(session, url, "echauffement", "bonjour")
        debut = time.monotonic()
        await asyncio.gather(*(client(session, urls[i % len(urls)], scenario, debut + duree, latences, erreurs) for i in range(clients)))
        ecoule = time.monotonic() - debut
    tours = len(latences) * (1 if scenario == "faq" else 2)
    return {"tours_par_s": round(tours / ecoule, 1), "p50_ms": round(statistics.median(latences), 1),
            "p95_ms": round(centile(latences, 0.95), 1), "erreurs": len(erreurs), "tours": tours}


def main() -> int:
    parser = argparse.ArgumentParser(description="1 vs 2 Rasa replicas on PostgreSQL + Redis.")
    parser.add_argument("--duree", type=float, default=15.0)
    parser.add_argument("--clients", type=int, nargs="*", default=[4, 10])
    args = parser.parse_args()
    entrainer(Projet())
    resultats: dict[str, object] = {}
    with postgresql() as url_pg, redis() as port_redis, tempfile.TemporaryDirectory() as dossier:
        ports = ports_libres(3)
        config = ConfigLancement(hote="127.0.0.1", port_rasa=ports[1], port_actions=ports[0],
                                 dossier_donnees=Path(dossier), jeton_api=JETON)
        env = {**environnement_serveurs(config), "GUICHET_API_TOKEN": JETON, "GUICHET_TRACKER_DIALECTE": "postgresql", "GUICHET_TRACKER_HOTE": url_pg,
               "GUICHET_TRACKER_BASE": "guichet", "GUICHET_VERROUS_TYPE": "serveur_rasa.verrous_redis.VerrousRedis",
               "GUICHET_VERROUS_HOTE": "127.0.0.1", "GUICHET_VERROUS_PORT": str(port_redis), "GUICHET_VERROUS_BASE": "1",
               "GUICHET_GRC_BASE": url_pg}  # the production profile: the GRC's records in the same PostgreSQL
        journal = open(Path(dossier) / "serveurs.log", "wb")
        actions = subprocess.Popen(commande_actions(config), cwd=RACINE, env=env, stdout=journal, stderr=subprocess.STDOUT)
        repliques: list[subprocess.Popen[bytes]] = []
        try:
            attendre(f"http://127.0.0.1:{ports[0]}/health", actions)
            for n in (1, 2):
                while len(repliques) < n:
                    port = ports[len(repliques) + 1]
                    p = subprocess.Popen(commande_rasa(dataclasses.replace(config, port_rasa=port), JETON, Projet().modele),
                                         cwd=RACINE, env=env, stdout=journal, stderr=subprocess.STDOUT)
                    repliques.append(p)
                    attendre(f"http://127.0.0.1:{port}/webhooks/rest/", p)
                urls = [f"http://127.0.0.1:{ports[i + 1]}/webhooks/rest/webhook" for i in range(n)]
                for scenario in ("faq", "dossier"):
                    for clients in args.clients:
                        cpu_avant = sum(temps_cpu(p.pid) for p in repliques) + temps_cpu(actions.pid)
                        m = asyncio.run(charge(urls, scenario, clients, args.duree))
                        cpu = sum(temps_cpu(p.pid) for p in repliques) + temps_cpu(actions.pid) - cpu_avant
                        m["cpu_ms_par_tour"] = round(cpu * 1000 / max(m["tours"], 1), 1)
                        resultats[f"{n} réplique(s) {scenario} {clients} clients"] = m
                        print(f"{n} replica(s) {scenario:7} {clients:3} clients: {m}", flush=True)
        finally:
            for p in [*repliques, actions]:
                p.terminate()
            for p in [*repliques, actions]:
                p.wait(timeout=30)
            journal.close()
    enregistrer("bench-repliques", resultats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
