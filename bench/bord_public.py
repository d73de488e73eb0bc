"""`python -m bench.bord_public`: how much a hostile message delays other citizens.

REST « bonjour » latency (p50/p95) alone, then while maximal messages are sent
without pause on each channel: a 5,000-character REST message, the same over
socket.io and over the voice channel (as the gateway), and 300 KB socket.io
frames (refused before parsing). Figures are printed as ratios to the quiet
baseline measured in the same run (machines are shared and noisy), then in
milliseconds. Then the phone gateway (`python -m voix`, packaged test models)
with its call cap reached: its memory idle, with the cap's calls, and while
three times as many extra calls are turned away. Saved in resultats/bord_public.json.
Goal (issue « public edge »): p95 under load ≤ 300 ms on 2 cores.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

from bench.resultats import enregistrer
from guichet.construction.entrainement import RACINE
from tests.integration.conftest import TOUJOURS_OUVERT, commune_avec_horaires
from tests.integration.serveurs import JETON, attendre, lancer, ports_libres
from tests.integration.socketio_brut import ClientSocketIO
from tests.voix.modeles_test import NOM_PIPER, NOM_VOSK, dossier_modeles
from voix.audiosocket import GenreTrame, Trame, lire_trame
from voix.entetes import ENTETE_SECRET_VOIX, secret_canal_voix

MESURES = 60
MAXIMAL = ("b " * 2500)[:5000]
TON = b"".join(int(9000 * math.sin(2 * math.pi * 440 * i / 8000)).to_bytes(2, "little", signed=True) for i in range(160))
SILENCE = b"\x00\x00" * 160


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

            async def voix() -> None:
                async with session.post(f"{url}/webhooks/voix/webhook", json={"sender": "attaque-voix", "message": MAXIMAL},
                                        headers={ENTETE_SECRET_VOIX: secret_canal_voix(JETON)}) as r:
                    await r.read()

            charges = {"calme": (calme, 0), "rest_5000": await sous_charge(session, url, rest),
                       "socketio_5000": await sous_charge(session, url, socketio),
                       "voix_5000": await sous_charge(session, url, voix)}

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


def rss_mo(pid: int) -> float:
    for ligne in Path(f"/proc/{pid}/status").read_text().splitlines():
        if ligne.startswith("VmRSS:"):
            return int(ligne.split()[1]) / 1024
    return 0.0


class Appelant:
    """One AudioSocket call that speaks (a tone, then silence) without pause, as a busy line would."""

    def __init__(self, port: int) -> None:
        self.port, self.raccroche = port, asyncio.Event()

    async def appeler(self, duree_s: float) -> None:
        try:
            lecteur, ecrivain = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            self.raccroche.set()
            return
        ecrivain.write(Trame(GenreTrame.UUID, uuid.uuid4().bytes).en_octets())

        async def lire() -> None:
            try:
                while (await lire_trame(lecteur)).genre != GenreTrame.RACCROCHE:
                    pass
            except (asyncio.IncompleteReadError, ConnectionError, ValueError):
                pass
            self.raccroche.set()

        lecture = asyncio.create_task(lire())
        fin = time.monotonic() + duree_s
        try:
            i = 0
            while time.monotonic() < fin and not self.raccroche.is_set():
                ecrivain.write(Trame(GenreTrame.AUDIO, TON if (i // 50) % 2 == 0 else SILENCE).en_octets())
                await ecrivain.drain()
                i += 1
                await asyncio.sleep(0.02)
        except ConnectionError:
            pass
        finally:
            lecture.cancel()
            ecrivain.close()


async def memoire_passerelle(url_rasa: str, dossier: Path, appels_max: int = 4, refus: int = 12) -> dict[str, float]:
    port_tcp, port_http = ports_libres(2)
    env = {**os.environ, "GUICHET_RASA_URL": url_rasa, "GUICHET_API_TOKEN": JETON,
           "GUICHET_MODELES": str(dossier_modeles(dossier / "modeles")), "GUICHET_VOSK_MODELE": NOM_VOSK,
           "GUICHET_PIPER_VOIX": NOM_PIPER, "GUICHET_AUDIOSOCKET_PORT": str(port_tcp), "GUICHET_VOIX_PORT": str(port_http),
           "GUICHET_VOIX_APPELS_MAX": str(appels_max), "GUICHET_VOIX_PRE_SYNTHESE": "0",
           "GUICHET_DONNEES": str(dossier)}
    journal = open(dossier / "voix.log", "wb")
    passerelle = subprocess.Popen([sys.executable, "-m", "voix"], cwd=RACINE, env=env, stdout=journal, stderr=subprocess.STDOUT)
    try:
        attendre(f"http://127.0.0.1:{port_http}/sante", passerelle)
        figures = {"appels_max": appels_max, "repos_mo": round(rss_mo(passerelle.pid), 1)}
        admis = [Appelant(port_tcp) for _ in range(appels_max)]
        taches = [asyncio.create_task(a.appeler(40)) for a in admis]
        await asyncio.sleep(10)
        figures["au_plafond_mo"] = round(rss_mo(passerelle.pid), 1)
        refuses = [Appelant(port_tcp) for _ in range(refus)]
        taches_refus = [asyncio.create_task(a.appeler(30)) for a in refuses]
        pic = 0.0
        fin = time.monotonic() + 20
        while time.monotonic() < fin:
            pic = max(pic, rss_mo(passerelle.pid))
            await asyncio.sleep(0.5)
        figures["refus"] = refus
        figures["refus_en_cours_pic_mo"] = round(pic, 1)
        figures["refus_raccroches"] = sum(a.raccroche.is_set() for a in refuses)
        figures["admis_en_ligne"] = sum(not a.raccroche.is_set() for a in admis)
        await asyncio.gather(*taches, *taches_refus)
        figures["apres_mo"] = round(rss_mo(passerelle.pid), 1)
        return figures
    finally:
        passerelle.terminate()
        passerelle.wait(timeout=30)
        journal.close()


def main() -> None:
    dossier = Path(tempfile.mkdtemp(prefix="bord-public-"))
    serveurs = lancer(dossier, commune_avec_horaires(dossier, TOUJOURS_OUVERT))
    try:
        figures: dict[str, object] = dict(asyncio.run(mesurer(serveurs.url)))
        figures["passerelle"] = asyncio.run(memoire_passerelle(serveurs.url, dossier))
        figures["passerelle_sans_refus"] = asyncio.run(memoire_passerelle(serveurs.url, dossier, refus=0))
    finally:
        serveurs.arreter()
    print("REST « bonjour » while hostile messages are sent (ratio of p95 to the quiet p95 first):")
    for nom, f in figures.items():
        if not nom.startswith("passerelle"):
            print(f"  {nom:15} ×{f['ratio_p95']:<5} p50 {f['p50_ms']:7.1f} ms  p95 {f['p95_ms']:7.1f} ms  "  # type: ignore[index]
                  f"({f['messages_hostiles']} hostile messages)")  # type: ignore[index]
    for nom in ("passerelle", "passerelle_sans_refus"):
        v = figures[nom]
        print(f"phone gateway, cap {v['appels_max']} calls (RSS): idle {v['repos_mo']} MB, at the cap {v['au_plafond_mo']} MB, "  # type: ignore[index]
              f"peak over the next 20 s with {v['refus']} extra calls turned away {v['refus_en_cours_pic_mo']} MB "  # type: ignore[index]
              f"({v['refus_raccroches']} hung up, {v['admis_en_ligne']} admitted still on line), after {v['apres_mo']} MB")  # type: ignore[index]
    print(f"saved in {enregistrer('bord_public', figures)}")


if __name__ == "__main__":
    main()
