"""Rasa's event broker that tells the console of new citizen messages, against a real local HTTP server."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from serveur_rasa import diffusion_console
from serveur_rasa.diffusion_console import DiffusionConsole
from tests.connecteurs.serveur_local import servir


async def attendre(condition, delai: float = 5.0) -> None:
    for _ in range(int(delai / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met in time")


async def test_only_citizen_messages_are_told_by_conversation_id_with_the_token_in_batches():
    recus: list[tuple[str, list[str]]] = []

    async def avis(request: web.Request) -> web.Response:
        recus.append((request.headers.get("Authorization", ""), (await request.json())["conversations"]))
        return web.json_response({"ok": True}, status=202)

    app = web.Application()
    app.router.add_post("/chatwoot/nouveaux-messages", avis)
    async with servir(app) as url:
        config = EndpointConfig(url=f"{url}/chatwoot/nouveaux-messages", headers={"Authorization": "Bearer le-jeton"},
                                type="serveur_rasa.diffusion_console.DiffusionConsole")
        broker = await EventBroker.create(config)  # as Rasa builds it from endpoints.yml
        assert isinstance(broker, DiffusionConsole)
        broker.publish({"sender_id": "c1", "event": "bot", "text": "Bonjour"})
        broker.publish({"sender_id": "c1", "event": "slot", "name": "x"})
        broker.publish({"sender_id": "c1", "event": "user", "text": "*** masqué"})
        broker.publish({"sender_id": "c2", "event": "user", "text": "bonjour"})
        broker.publish({"sender_id": "c1", "event": "user", "text": "encore"})
        await attendre(lambda: sum(len(ids) for _, ids in recus) >= 2)
        assert all(jeton == "Bearer le-jeton" for jeton, _ in recus)
        assert sorted(i for _, ids in recus for i in ids) == ["c1", "c2"]  # ids only, each once, never the text
        recus.clear()
        for i in range(1200):
            broker.publish({"sender_id": f"n{i:04d}", "event": "user"})
        await attendre(lambda: sum(len(ids) for _, ids in recus) >= 1200)
        assert max(len(ids) for _, ids in recus) <= diffusion_console.LOT_MAX
        await broker.close()


async def test_no_url_no_broker_and_a_console_away_is_logged_once(caplog):
    assert await EventBroker.create(EndpointConfig(url="", type="serveur_rasa.diffusion_console.DiffusionConsole")) is None
    broker = DiffusionConsole("http://127.0.0.1:9/chatwoot/nouveaux-messages", {})
    with caplog.at_level(logging.WARNING, logger="serveur_rasa.diffusion_console"):
        for i in range(3):
            broker.publish({"sender_id": f"c{i}", "event": "user"})
            await attendre(lambda: broker._tache is not None and broker._tache.done())
    assert len(caplog.records) == 1 and "does not take new-message notices (ClientConnectorError)" in caplog.records[0].getMessage()
    await broker.close()
