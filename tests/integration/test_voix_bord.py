"""The phone gateway's edge: caps and timeouts, against the real gateway (packaged models) and Rasa."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from tests.integration.test_voix_appels import AppelAudioSocket, passerelle
from voix.appel import EvenementLigne, GenreEvenement
from voix.limites import FileLigne, LimitesLigne

pytestmark = pytest.mark.integration


async def attendre(condition, delai: float, message: str) -> None:
    fin = time.monotonic() + delai
    while not condition():
        assert time.monotonic() < fin, message
        await asyncio.sleep(0.05)


async def test_a_call_over_the_cap_hears_lines_busy_and_is_hung_up(serveurs, tmp_path):
    async with passerelle(serveurs, tmp_path, limites=LimitesLigne(appels_max=1)) as (p, (port_tcp, _)):
        async with AppelAudioSocket(port_tcp) as premier:
            await premier.attendre_audio(10)
            assert len(p.appels) == 1
            async with AppelAudioSocket(port_tcp) as second:
                await second.attendre_audio(25)  # « toutes nos lignes sont occupées »
                assert len(p.appels) == 1  # the second call never became a conversation
                await asyncio.wait_for(second.raccroche.wait(), 30)
            assert len(p.appels) == 1 and not premier.raccroche.is_set()


async def test_an_audiosocket_peer_that_goes_silent_is_dropped(serveurs, tmp_path):
    """After the UUID, not a single frame (a stalled PBX): the call ends after the inactivity delay, with a log line."""
    limites = LimitesLigne(delai_inactivite_s=1.5)
    async with passerelle(serveurs, tmp_path, limites=limites) as (p, (port_tcp, _)):
        async with AppelAudioSocket(port_tcp) as appel:
            await attendre(lambda: len(p.appels) == 1, 30, "the call did not start")
            await asyncio.wait_for(appel.raccroche.wait(), 30)
            await attendre(lambda: not p.appels, 10, "the stalled call is still counted")


async def test_an_audiosocket_connection_without_uuid_is_closed(serveurs, tmp_path):
    async with passerelle(serveurs, tmp_path, limites=LimitesLigne(delai_debut_s=1.0)) as (p, (port_tcp, _)):
        lecteur, ecrivain = await asyncio.open_connection("127.0.0.1", port_tcp)
        debut = time.monotonic()
        assert await asyncio.wait_for(lecteur.read(), 10) == b""  # closed by the gateway
        assert time.monotonic() - debut < 5
        ecrivain.close()


async def test_a_media_stream_without_start_or_with_a_huge_message_is_closed(serveurs, tmp_path):
    async with passerelle(serveurs, tmp_path, limites=LimitesLigne(delai_debut_s=1.0)) as (p, (_, port_http)):
        async with aiohttp.ClientSession() as s:
            async with s.ws_connect(f"http://127.0.0.1:{port_http}/flux") as ws:
                debut = time.monotonic()
                message = await asyncio.wait_for(ws.receive(), 10)
                assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
                assert time.monotonic() - debut < 5
            async with s.ws_connect(f"http://127.0.0.1:{port_http}/flux") as ws:
                await ws.send_str('{"event": "connected", "pad": "' + "x" * 200_000 + '"}')
                message = await asyncio.wait_for(ws.receive(), 10)
                assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        assert not p.appels


def test_the_call_queue_is_bounded_but_keeps_keys_and_the_end():
    file = FileLigne(3, "appel-test")
    for _ in range(10):
        file.put_nowait(EvenementLigne(GenreEvenement.AUDIO, pcm=b"\x00" * 320))
    file.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche="1"))
    file.put_nowait(EvenementLigne(GenreEvenement.FIN))
    genres = [file.get_nowait().genre for _ in range(file.qsize())]
    assert genres == ["audio", "audio", "audio", "dtmf", "fin"] and file.perdues == 7


async def test_the_pbx_routes_need_the_shared_secret(serveurs, tmp_path):
    """The dialplan's routes and media streams: nobody without the PBX secret announces a caller number, reads a
    transfer or starts a call."""
    from tests.integration.test_voix_appels import SECRET_PBX
    from voix.flux_media import message_test

    async with passerelle(serveurs, tmp_path) as (p, (_, port_http)), aiohttp.ClientSession() as s:
        base = f"http://127.0.0.1:{port_http}"
        async with s.post(f"{base}/appels/abc", data={"numero_appelant": "0612345678"}) as r:
            assert r.status == 401
        async with s.post(f"{base}/appels/abc", data={"numero_appelant": "0612345678"},
                          headers={"X-Guichet-Secret": "pas-le-bon-secret-du-tout"}) as r:
            assert r.status == 401
        assert "abc" not in p.numeros
        for chemin in ("/transferts/abc", "/transferts/abc/cible"):
            async with s.get(base + chemin) as r:
                assert r.status == 401
        async with s.get(f"{base}/sante") as r:
            assert r.status == 200
        async with s.ws_connect(f"{base}/flux") as ws:
            await ws.send_str(message_test("start", streamSid="MZ9", start={"streamSid": "MZ9", "callSid": "CA-intrus",
                                                                            "customParameters": {"numero_appelant": "0600000000"}}))
            message = await asyncio.wait_for(ws.receive(), 10)
            assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        async with s.ws_connect(f"{base}/flux", headers={"X-Guichet-Secret": SECRET_PBX}) as ws:
            await ws.send_str(message_test("start", streamSid="MZ8", start={"streamSid": "MZ8", "callSid": "CA-pbx"}))
            await attendre(lambda: "CA-pbx" in p.appels, 30, "the authenticated stream did not start a call")
            await ws.send_str(message_test("stop", streamSid="MZ8"))
        assert "CA-intrus" not in p.appels


async def test_the_voice_channel_refuses_anyone_but_the_gateway(serveurs, session):
    """/webhooks/voix/webhook needs the gateway's secret; a caller number sent over a public channel is dropped."""
    from tests.integration.serveurs import JETON
    from voix.entetes import ENTETE_SECRET_VOIX, secret_canal_voix

    corps = {"sender": "intrus-voix", "message": "je veux parler à un conseiller", "metadata": {"numero_appelant": "0611111111"}}
    async with session.post(f"{serveurs.url}/webhooks/voix/webhook", json=corps) as r:
        assert r.status == 401
    async with session.post(f"{serveurs.url}/webhooks/voix/webhook", json=corps,
                            headers={ENTETE_SECRET_VOIX: secret_canal_voix(JETON)}) as r:
        assert r.status == 200
    corps = {**corps, "sender": "intrus-rest"}
    async with session.post(f"{serveurs.url}/webhooks/rest/webhook", json=corps) as r:
        assert r.status == 200
    async with session.get(f"{serveurs.url}/conversations/intrus-rest/tracker", params={"token": JETON}) as r:
        evenements = (await r.json())["events"]
    assert all("numero_appelant" not in (e.get("metadata") or {}) for e in evenements if e["event"] == "user")



async def test_the_dry_run_guesses_responses_only_and_commits_nothing(serveurs, session):
    """The gateway's speculative turn (serveur_rasa/anticipation.py) against the real Rasa server and model."""
    from tests.integration.serveurs import JETON
    from voix.dialogue_rasa import DialogueRasa

    dialogue = DialogueRasa(serveurs.url, JETON)
    try:
        async with session.post(f"{serveurs.url}/webhooks/voix/anticiper", json={"sender": "x", "message": "bonjour"}) as r:
            assert r.status == 401  # the gateway's secret, as for its turns
        assert await dialogue.anticiper("appel-anticipe", "quels sont les horaires de la mairie") is None  # no conversation yet
        await dialogue.dire("appel-anticipe", "/saluer", declencheur=True)

        async def evenements() -> list:
            async with session.get(f"{serveurs.url}/conversations/appel-anticipe/tracker", params={"token": JETON}) as r:
                return (await r.json())["events"]

        avant = await evenements()
        devine = await dialogue.anticiper("appel-anticipe", "quels sont les horaires de la mairie")
        assert devine is not None and devine.textes[0].startswith("La mairie vous accueille")  # the voice variant
        assert await evenements() == avant  # nothing saved
        reel = await dialogue.dire("appel-anticipe", "quels sont les horaires de la mairie")
        assert reel.textes == devine.textes  # the guess is the answer
        # a request that starts a form (its questions are validated by the action server): no guess, nothing saved
        apres_tour = await evenements()
        assert len(apres_tour) > len(avant)
        assert await dialogue.anticiper("appel-anticipe", "je voudrais savoir où en est mon dossier") is None
        assert await evenements() == apres_tour
    finally:
        await dialogue.fermer()
