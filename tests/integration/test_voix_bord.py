"""The phone gateway's edge: caps and timeouts, against the real gateway (packaged models) and Rasa."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from tests.integration.test_voix_appels import AppelAudioSocket, passerelle
from voix.appel import EvenementLigne
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
        file.put_nowait(EvenementLigne("audio", pcm=b"\x00" * 320))
    file.put_nowait(EvenementLigne("dtmf", touche="1"))
    file.put_nowait(EvenementLigne("fin"))
    genres = [file.get_nowait().genre for _ in range(file.qsize())]
    assert genres == ["audio", "audio", "audio", "dtmf", "fin"] and file.perdues == 7
