"""`make bench`: Guichet against a bare Rasa 3.6 bot on the mixed workload, side by side.

Both bots run on this machine in the same run (bench/reference_rasa.py builds and
trains the reference); each load level is measured on the reference then on
Guichet, so that drift between days cancels out: every figure is printed first
as a ratio to the reference. The workload is bench/melange.py. Measured:
  - start-up: `make run` (model trained) to the REST channel answering, against
    `rasa run` of the reference;
  - per channel (REST, socket.io) and level (1, 10, 50 clients): turns/s, p50/p95
    of all turns and of each message kind, errors, CPU ms per turn of each process;
  - Guichet with GUICHET_WORKERS=2 at 10 clients (REST) against the reference's.
Figures are written to resultats/trafic.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.melange import ATTENTE_ENTRE_MESSAGES_S, FIN_DE_REPONSE_S, Conversation, Genre, conversations
from bench.reference_rasa import ProjetReference, ServeursReference, entrainer_reference
from bench.resultats import enregistrer
from guichet.construction.entrainement import RACINE, entrainer
from guichet.construction.projet import Projet
from tests.integration.serveurs import attendre, lancer, ports_libres
from tests.integration.socketio_brut import ClientSocketIO

COMMUNE = RACINE / "contenu" / "commune.yml"
# every benchmark client comes from 127.0.0.1, one "source" for the per-source limits: lift them
# (each conversation stands for a different citizen)
SANS_QUOTAS = {"GUICHET_ESSAIS_SOURCE": "1000000", "GUICHET_ESCALADES_PAR_HEURE": "1000000",
               "GUICHET_RAPPELS_PAR_HEURE": "1000000"}


def centile(valeurs: list[float], q: float) -> float:
    if not valeurs:
        return float("nan")
    ordonnees = sorted(valeurs)
    return ordonnees[min(len(ordonnees) - 1, int(round(q * (len(ordonnees) - 1))))]


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a process and its live descendants, from /proc."""
    tic = os.sysconf("SC_CLK_TCK")
    total = 0.0
    a_voir = [pid]
    while a_voir:
        p = a_voir.pop()
        try:
            champs = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(champs[11]) + int(champs[12])) / tic
            for tache in Path(f"/proc/{p}/task").iterdir():
                a_voir += [int(x) for x in (tache / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


@dataclass
class Niveau:
    bot: str
    canal: str
    clients: int
    duree_s: float = 0.0
    tours: int = 0
    erreurs: int = 0
    causes: Counter[str] = field(default_factory=Counter)
    latences: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    cpu_ms_par_tour: dict[str, float] = field(default_factory=dict)

    @property
    def toutes(self) -> list[float]:
        return [x for v in self.latences.values() for x in v]

    @property
    def tours_par_s(self) -> float:
        return self.tours / self.duree_s if self.duree_s else 0.0

    def resume(self) -> dict[str, Any]:
        return {
            "bot": self.bot, "canal": self.canal, "clients": self.clients, "tours": self.tours, "erreurs": self.erreurs,
            "causes_erreurs": dict(self.causes), "tours_par_s": round(self.tours_par_s, 2), "p50_ms": round(statistics.median(self.toutes), 1) if self.toutes else None,
            "p95_ms": round(centile(self.toutes, 0.95), 1),
            "par_genre": {g: {"n": len(v), "p50_ms": round(statistics.median(v), 1), "p95_ms": round(centile(v, 0.95), 1)}
                          for g, v in sorted(self.latences.items())},
            "cpu_ms_par_tour": {k: round(v, 1) for k, v in self.cpu_ms_par_tour.items()},
        }


Envoi = Callable[[str], Awaitable[bool]]


async def conversation_rest(partagee: aiohttp.ClientSession, url: str, conv: Conversation, niveau: Niveau, fin: float,
                            etat: dict[str, Any]) -> None:
    """One citizen: their own HTTP connection, kept alive for the conversation (as a browser does).

    (One connection pool for all clients would pin every client to the Sanic worker that
    accepted the first connections: with GUICHET_WORKERS=2, one worker took all the work.)
    """
    async with aiohttp.ClientSession(timeout=partagee.timeout) as session:
        await _messages_rest(session, url, conv, niveau, fin)


async def _messages_rest(session: aiohttp.ClientSession, url: str, conv: Conversation, niveau: Niveau, fin: float) -> None:
    for message in conv.messages:
        if time.monotonic() >= fin:
            return
        debut = time.perf_counter()
        ok = False
        try:
            async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": conv.expediteur, "message": message.texte}) as r:
                ok = r.status == 200 and bool(await r.json())
                if not ok:
                    niveau.causes[f"{message.genre.value}: HTTP {r.status}" + (", no answer" if r.status == 200 else "")] += 1
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            niveau.causes[f"{message.genre.value}: {type(exc).__name__}"] += 1
        _compter(niveau, message.genre, debut, ok)
        await asyncio.sleep(ATTENTE_ENTRE_MESSAGES_S)


async def conversation_socketio(session: aiohttp.ClientSession, url: str, conv: Conversation, niveau: Niveau, fin: float,
                                etat: dict[str, Any]) -> None:
    """One widget page: connect, ask for the session (the previous one when the conversation continues), talk.

    A turn's latency is the time to the first answer (what the citizen sees appear).
    An answer comes in several socket.io messages and nothing marks its end: the
    turn ends after FIN_DE_REPONSE_S without a new one (the reading pause of
    bench/melange.py), so that no turn's late part is taken for the next answer.
    """
    try:
        async with ClientSocketIO(session, url) as client:
            await client.emettre("session_request", {"session_id": etat.get("session") if conv.reprise else None})
            etat["session"] = await asyncio.wait_for(client.attendre("session_confirm"), 30)
            for message in conv.messages:
                if time.monotonic() >= fin:
                    return
                debut = time.perf_counter()
                ok = False
                try:
                    await client.emettre("user_uttered", {"message": message.texte, "session_id": etat["session"]})
                    ok = bool(await asyncio.wait_for(client.attendre("bot_uttered"), 60))
                except (asyncio.TimeoutError, ConnectionError, aiohttp.ClientError):
                    niveau.causes[f"{message.genre.value}: no answer within 60 s"] += 1
                    _compter(niveau, message.genre, debut, False)
                    return
                _compter(niveau, message.genre, debut, ok)
                # the citizen reads the whole answer (its last part, then a pause) before typing again
                with contextlib.suppress(asyncio.TimeoutError):
                    while True:
                        await asyncio.wait_for(client.attendre("bot_uttered"), FIN_DE_REPONSE_S)
                await asyncio.sleep(ATTENTE_ENTRE_MESSAGES_S)
    except (asyncio.TimeoutError, ConnectionError, aiohttp.ClientError, AssertionError):
        niveau.erreurs += 1


def _compter(niveau: Niveau, genre: Genre, debut: float, ok: bool) -> None:
    niveau.latences[genre.value].append((time.perf_counter() - debut) * 1000)
    niveau.tours += 1
    niveau.erreurs += 0 if ok else 1


async def mesurer(bot: str, url: str, canal: str, clients: int, duree: float, pids: dict[str, int]) -> Niveau:
    niveau = Niveau(bot, canal, clients)
    mesure = uuid.uuid4().hex[:10]
    parler = conversation_rest if canal == "rest" else conversation_socketio
    connecteur = aiohttp.TCPConnector(limit=clients + 5)
    async with aiohttp.ClientSession(connector=connecteur, timeout=aiohttp.ClientTimeout(total=120)) as session:
        async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": "echauffement", "message": "bonjour"}) as r:
            await r.read()

        async def client(numero: int) -> None:
            etat: dict[str, Any] = {}
            for conv in conversations(numero, mesure):
                if time.monotonic() >= fin:
                    return
                await parler(session, url, conv, niveau, fin, etat)

        cpu_avant = {nom: cpu_s(pid) for nom, pid in pids.items()}
        debut = time.monotonic()
        fin = debut + duree
        await asyncio.gather(*(client(i) for i in range(clients)))
        niveau.duree_s = time.monotonic() - debut
        if niveau.tours:
            niveau.cpu_ms_par_tour = {nom: (cpu_s(pid) - cpu_avant[nom]) * 1000 / niveau.tours for nom, pid in pids.items()}
            niveau.cpu_ms_par_tour["total"] = sum(niveau.cpu_ms_par_tour.values())
    return niveau


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def comparer(ref: Niveau, gui: Niveau) -> dict[str, Any]:
    r, g = ref.resume(), gui.resume()
    faq_p95 = g["par_genre"].get("faq", {}).get("p95_ms")
    return {
        "canal": gui.canal, "clients": gui.clients,
        "ratio_tours_par_s": ratio(g["tours_par_s"], r["tours_par_s"]),
        "ratio_p50": ratio(g["p50_ms"], r["p50_ms"]), "ratio_p95": ratio(g["p95_ms"], r["p95_ms"]),
        "ratio_p95_par_genre": {k: ratio(v["p95_ms"], r["par_genre"].get(k, {}).get("p95_ms")) for k, v in g["par_genre"].items()},
        "p95_genre_sur_p95_faq": {k: ratio(v["p95_ms"], faq_p95) for k, v in g["par_genre"].items()},
        "ratio_cpu_par_tour": ratio(g["cpu_ms_par_tour"].get("total"), r["cpu_ms_par_tour"].get("total")),
        "reference": r, "guichet": g,
    }


def afficher(c: dict[str, Any]) -> None:
    r, g = c["reference"], c["guichet"]
    print(f"\n{c['canal']:8s} {c['clients']:2d} clients   Guichet/reference: turns/s ×{c['ratio_tours_par_s']}  "
          f"p50 ×{c['ratio_p50']}  p95 ×{c['ratio_p95']}  CPU/turn ×{c['ratio_cpu_par_tour']}", flush=True)
    for nom, x in (("reference", r), ("guichet", g)):
        genres = "  ".join(f"{k} {v['p50_ms']:.0f}/{v['p95_ms']:.0f}" for k, v in x["par_genre"].items())
        cpu = " ".join(f"{k} {v:.0f}" for k, v in x["cpu_ms_par_tour"].items())
        print(f"   {nom:9s} {x['tours_par_s']:6.1f} turns/s  p50 {x['p50_ms']} ms  p95 {x['p95_ms']} ms  errors {x['erreurs']}/{x['tours']}"
              f"  | p50/p95 ms: {genres}  | CPU ms/turn: {cpu}", flush=True)


def demarrage_make_run(dossier: Path) -> float:
    """Seconds from `make run` to Guichet's REST channel answering (model already trained)."""
    port, port_actions, port_console, port_modeles = ports_libres(4)
    env = {**os.environ, "GUICHET_DONNEES": str(dossier), "GUICHET_PORT": str(port), "GUICHET_ACTIONS_PORT": str(port_actions),
           "GUICHET_CONSOLE_PORT": str(port_console), "GUICHET_DEPOT_MODELES_PORT": str(port_modeles),
           "GUICHET_API_TOKEN": "jeton-du-banc-d-essai-4Hq8Zr2",
           "GUICHET_COMMUNE": str(COMMUNE)}
    debut = time.monotonic()
    processus = subprocess.Popen(["make", "-s", "run"], cwd=RACINE, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        attendre(f"http://127.0.0.1:{port}/webhooks/rest/", processus, delai=600)
        return time.monotonic() - debut
    finally:
        os.killpg(processus.pid, 15)
        processus.wait(timeout=60)


def comparer_demarrages(projet: ProjetReference, dossier: Path, paires: int) -> tuple[list[float], list[float]]:
    """Start-up seconds of the reference's `rasa run` and of `make run`, started in turn (one at a time)."""
    references, runs = [], []
    for i in range(paires):
        port_rasa, port_actions = ports_libres(2)
        seule = ServeursReference(projet, port_rasa, port_actions, dossier / f"demarrage-{i}.db")
        try:
            references.append(seule.demarrer(dossier / "reference.log"))
        finally:
            seule.arreter()
        (dossier / f"run-{i}").mkdir()
        runs.append(demarrage_make_run(dossier / f"run-{i}"))
    return references, runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Guichet against a bare Rasa bot on a mixed workload (ratios first).")
    parser.add_argument("--duree", type=float, default=20.0, help="seconds per load level and bot (default 20)")
    parser.add_argument("--clients", type=int, nargs="*", default=[1, 10, 50])
    parser.add_argument("--canaux", nargs="*", default=["rest", "socketio"], choices=["rest", "socketio"])
    parser.add_argument("--sans-workers-2", action="store_true", help="skip the GUICHET_WORKERS=2 level")
    parser.add_argument("--sans-demarrage", action="store_true", help="skip the start-up comparison")
    parser.add_argument("--demarrages", type=int, default=3, help="start-ups of each, alternated, for the start-up ratio (default 3)")
    args = parser.parse_args(argv)

    entrainer(Projet())
    projet = ProjetReference()
    figures: dict[str, Any] = {"date": time.strftime("%Y-%m-%d"), "coeurs": os.cpu_count(), "duree_par_niveau_s": args.duree,
                               "entrainement_reference_s": round(entrainer_reference(projet), 1)}
    with tempfile.TemporaryDirectory() as tmp:
        dossier = Path(tmp)
        port_rasa, port_actions = ports_libres(2)
        reference = ServeursReference(projet, port_rasa, port_actions, dossier / "reference-tracker.db")
        try:
            if not args.sans_demarrage:
                references, runs = comparer_demarrages(projet, dossier, args.demarrages)
                figures["demarrages_reference_s"] = [round(x, 1) for x in references]
                figures["demarrages_make_run_s"] = [round(x, 1) for x in runs]
                figures["demarrage_reference_s"] = round(statistics.median(references), 1)
                figures["demarrage_make_run_s"] = round(statistics.median(runs), 1)
                figures["ratio_demarrage"] = ratio(statistics.median(runs), statistics.median(references))
                print(f"start-up: make run ×{figures['ratio_demarrage']} of rasa run (medians of {args.demarrages} "
                      f"alternated starts: {figures['demarrage_make_run_s']} s against {figures['demarrage_reference_s']} s)", flush=True)
            reference.demarrer(dossier / "reference.log")
            (dossier / "guichet").mkdir()
            guichet = lancer(dossier / "guichet", COMMUNE, env_en_plus=SANS_QUOTAS)
            comparaisons = []
            niveaux_ref: dict[tuple[str, int], Niveau] = {}
            try:
                pids_guichet = {"rasa": guichet.rasa.pid, "actions": guichet.actions.pid}  # type: ignore[union-attr]
                for canal in args.canaux:
                    for n in args.clients:
                        ref = asyncio.run(mesurer("reference", reference.url, canal, n, args.duree, reference.pids))
                        gui = asyncio.run(mesurer("guichet", guichet.url, canal, n, args.duree, pids_guichet))
                        niveaux_ref[(canal, n)] = ref
                        comparaisons.append(comparer(ref, gui))
                        afficher(comparaisons[-1])
            finally:
                guichet.arreter()
            if not args.sans_workers_2 and ("rest", 10) in niveaux_ref:
                (dossier / "guichet2").mkdir()
                guichet2 = lancer(dossier / "guichet2", COMMUNE, workers=2, env_en_plus=SANS_QUOTAS)
                try:
                    pids = {"rasa": guichet2.rasa.pid, "actions": guichet2.actions.pid}  # type: ignore[union-attr]
                    gui2 = asyncio.run(mesurer("guichet-2-workers", guichet2.url, "rest", 10, args.duree, pids))
                    ref2 = asyncio.run(mesurer("reference", reference.url, "rest", 10, args.duree, reference.pids))
                    figures["workers_2"] = comparer(ref2, gui2)
                    print("\nGUICHET_WORKERS=2:", end="")
                    afficher(figures["workers_2"])
                finally:
                    guichet2.arreter()
        finally:
            reference.arreter()
    figures["comparaisons"] = comparaisons
    objectifs = _objectifs(figures)
    figures["objectifs"] = objectifs
    print("\naims (issue 14):")
    for nom, (valeur, tenu) in objectifs.items():
        print(f"  {'ok  ' if tenu else 'MISS'} {nom}: {valeur}")
    print(f"written to {enregistrer('trafic', figures)}")
    return 0


def _objectifs(figures: dict[str, Any]) -> dict[str, tuple[Any, bool]]:
    objectifs: dict[str, tuple[Any, bool]] = {}
    for c in figures["comparaisons"]:
        if c["clients"] == 10:
            objectifs[f"{c['canal']} 10 clients: turns/s ≥ 2.0× reference"] = (c["ratio_tours_par_s"], (c["ratio_tours_par_s"] or 0) >= 2.0)
            objectifs[f"{c['canal']} 10 clients: p95 ≤ 0.25× reference"] = (c["ratio_p95"], (c["ratio_p95"] or 99) <= 0.25)
            pire = max((v for v in c["p95_genre_sur_p95_faq"].values() if v), default=None)
            objectifs[f"{c['canal']} 10 clients: every kind's p95 ≤ 3× FAQ p95"] = (pire, (pire or 99) <= 3.0)
    if "workers_2" in figures:
        r = figures["workers_2"]["ratio_tours_par_s"]
        objectifs["2 workers, 10 clients: turns/s ≥ 3.5× reference"] = (r, (r or 0) >= 3.5)
    if "ratio_demarrage" in figures:
        objectifs["make run ready ≤ 0.3× rasa run"] = (figures["ratio_demarrage"], (figures["ratio_demarrage"] or 99) <= 0.3)
    return objectifs


if __name__ == "__main__":
    sys.exit(main())
