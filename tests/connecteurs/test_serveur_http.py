"""Guichet's aiohttp servers against slow and numerous clients (a real server on loopback)."""

from __future__ import annotations

import asyncio
import contextlib
import time

import aiohttp
import pytest
from aiohttp import web

from configuration.erreurs import ErreurConfiguration
from connecteurs.serveur_http import LimitesHttp, SiteGarde, limites_depuis_env


@contextlib.asynccontextmanager
async def serveur(limites: LimitesHttp):
    app = web.Application()

    async def bonjour(request: web.Request) -> web.Response:
        return web.Response(text="bonjour")

    app.router.add_get("/", bonjour)
    runner = web.AppRunner(app)
    await runner.setup()
    site = SiteGarde(runner, "127.0.0.1", 0, limites, "test")
    await site.start()
    try:
        yield site.port
    finally:
        await runner.cleanup()


async def ferme_par_le_serveur(lecteur: asyncio.StreamReader, delai: float) -> bool:
    try:
        return await asyncio.wait_for(lecteur.read(), delai) == b""
    except (asyncio.TimeoutError, ConnectionError):
        return False


async def test_a_client_trickling_its_headers_is_cut_off(caplog):
    async with serveur(LimitesHttp(delai_entetes_s=1.0)) as port:
        lecteur, ecrivain = await asyncio.open_connection("127.0.0.1", port)
        debut = time.monotonic()
        for morceau in (b"GET / HT", b"TP/1.1\r\n", b"Host: x\r\n"):  # never the blank line
            ecrivain.write(morceau)
            await ecrivain.drain()
            await asyncio.sleep(0.3)
        assert await ferme_par_le_serveur(lecteur, 5)
        assert time.monotonic() - debut < 4
        ecrivain.close()
        async with aiohttp.ClientSession() as s, s.get(f"http://127.0.0.1:{port}/") as r:  # others are served
            assert await r.text() == "bonjour"
    assert "no complete request within 1 s" in caplog.text


async def test_connections_beyond_the_cap_are_closed_at_once():
    async with serveur(LimitesHttp(connexions_max=3, delai_entetes_s=30)) as port:
        ouvertes = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
        lecteur, ecrivain = await asyncio.open_connection("127.0.0.1", port)
        assert await ferme_par_le_serveur(lecteur, 5)
        ecrivain.close()
        for _, e in ouvertes:
            e.close()
        await asyncio.sleep(0.2)
        async with aiohttp.ClientSession() as s, s.get(f"http://127.0.0.1:{port}/") as r:  # room again
            assert r.status == 200


async def test_keep_alive_requests_are_served_normally():
    async with serveur(LimitesHttp(delai_entetes_s=1.0)) as port, aiohttp.ClientSession() as s:
        for _ in range(3):
            async with s.get(f"http://127.0.0.1:{port}/") as r:
                assert await r.text() == "bonjour"
            await asyncio.sleep(0.6)  # past the header delay in total: a served connection is not cut


def test_limits_from_the_environment():
    assert limites_depuis_env({}) == LimitesHttp()
    assert limites_depuis_env({"GUICHET_HTTP_DELAI_ENTETES_S": "5", "GUICHET_HTTP_CONNEXIONS_MAX": "10"}) == LimitesHttp(5.0, 10)
    with pytest.raises(ErreurConfiguration, match="GUICHET_HTTP_CONNEXIONS_MAX must be a whole number"):
        limites_depuis_env({"GUICHET_HTTP_CONNEXIONS_MAX": "beaucoup"})
