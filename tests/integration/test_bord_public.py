"""The public edge, tried as an attacker would, against the real servers (issue: public edge)."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import aiohttp
import pytest

from serveur_rasa.session_socketio import JetonsSession
from tests.integration.serveurs import JETON
from tests.integration.socketio_brut import ClientSocketIO

pytestmark = pytest.mark.integration
JETONS = JetonsSession.depuis_env({"GUICHET_API_TOKEN": JETON})


async def ouvrir_session(client: ClientSocketIO, demande: str | None = None) -> str:
    await client.emettre("session_request", {"session_id": demande})
    return await client.attendre("session_confirm")


async def rien_recu(client: ClientSocketIO, delai: float = 2.0) -> bool:
    try:
        await asyncio.wait_for(client.attendre("bot_uttered"), delai)
    except asyncio.TimeoutError:
        return True
    return False


async def evenements(session: aiohttp.ClientSession, serveurs, sender: str) -> list[dict]:
    async with session.get(f"{serveurs.url}/conversations/{sender}/tracker", params={"token": JETON}) as r:
        assert r.status == 200
        return (await r.json())["events"]


async def test_a_conversation_cannot_be_joined_or_spoken_in_without_its_session_secret(session, serveurs):
    async with ClientSocketIO(session, serveurs.url) as victime, ClientSocketIO(session, serveurs.url) as intrus:
        jeton = await ouvrir_session(victime)
        conversation = JETONS.conversation(jeton)
        await victime.emettre("user_uttered", {"message": "où en est mon dossier 55512090", "session_id": jeton})
        assert "date de naissance" in (await victime.attendre("bot_uttered"))["text"]
        # the intruder knows the conversation id (shown to agents, written in tickets) and tries it as a session id
        jeton_intrus = await ouvrir_session(intrus, conversation)
        assert jeton_intrus not in (conversation, jeton)
        # and names the victim's session in a message: ignored
        await intrus.emettre("user_uttered", {"message": "01/01/1990", "session_id": jeton})
        await victime.emettre("user_uttered", {"message": "21/11/1972", "session_id": jeton})
        assert "avis d'imposition" in (await victime.attendre("bot_uttered"))["text"]
        assert await rien_recu(intrus), "the intruder received the victim's case status"
    textes = [e.get("text") for e in await evenements(session, serveurs, conversation) if e.get("event") == "user"]
    assert "01/01/1990" not in textes and "[date]" not in json.dumps(textes)
    assert len(textes) == 2


async def test_socketio_follows_the_rest_rules_and_answers_a_long_message_in_french(session, serveurs):
    async with ClientSocketIO(session, serveurs.url) as client:
        jeton = await ouvrir_session(client)
        await client.emettre("user_uttered", {"message": "b " * 3000, "session_id": jeton})
        assert "trop long" in (await client.attendre("bot_uttered"))["text"]
        await client.emettre("user_uttered", {"message": "/EXTERNAL_fin_conseiller", "session_id": jeton})
        await client.emettre("user_uttered", {"message": "\u202e\x00", "session_id": jeton})
        assert await rien_recu(client, 1.5)
        await client.emettre("user_uttered", {"message": "horaires de la mairie", "session_id": jeton,
                                              "customData": {"declencheur": True}})
        assert "8 h 30" in (await client.attendre("bot_uttered"))["text"]
    # socket.io answers while the turn is still being stored (off the event loop): wait for the stored turn
    utilisateur: list[dict] = []
    for _ in range(40):
        utilisateur = [e for e in await evenements(session, serveurs, JETONS.conversation(jeton)) if e.get("event") == "user"]
        if utilisateur:
            break
        await asyncio.sleep(0.05)
    assert [e["text"] for e in utilisateur] == ["horaires de la mairie"]
    assert not utilisateur[0].get("metadata", {}).get("declencheur")  # typed text is never hidden from agents


async def test_a_huge_socketio_frame_is_refused_before_parsing(session, serveurs):
    async with ClientSocketIO(session, serveurs.url) as client:
        jeton = await ouvrir_session(client)
        debut = time.monotonic()
        assert client.ws is not None
        await client.ws.send_str("42" + json.dumps(["user_uttered", {"message": "a " * 150_000, "session_id": jeton}]))
        with pytest.raises(ConnectionError):
            await asyncio.wait_for(client.attendre("bot_uttered"), 10)
        assert time.monotonic() - debut < 5
    async with session.post(f"{serveurs.url}/webhooks/rest/webhook", json={"sender": "apres-trame", "message": "bonjour"}) as r:
        assert r.status == 200


@pytest.mark.parametrize(
    "corps, statut",
    [
        (b"[" * 60_000, 400),
        (b'{"sender": "x", "message": "/EXTERNAL_retour_assistant"}', 400),
        (b'{"sender": "x", "message": "EXTERNAL: satisfaction"}', 400),
        (b'{"sender": "x\\u0661", "message": "bonjour"}', 400),
    ],
    ids=["nesting-bomb", "external-intent", "external-trace", "arabic-digit-sender"],
)
async def test_rest_hostile_bodies_get_a_clean_4xx(session, serveurs, corps, statut):
    async with session.post(f"{serveurs.url}/webhooks/rest/webhook", data=corps, headers={"Content-Type": "application/json"}) as r:
        assert r.status == statut
        assert "error" in await r.json()


async def test_rest_lone_surrogate_is_sanitised(session, serveurs):
    corps = b'{"sender": "surrogat", "message": "horaires de la mairie \\ud800"}'
    async with session.post(f"{serveurs.url}/webhooks/rest/webhook", data=corps, headers={"Content-Type": "application/json"}) as r:
        assert r.status == 200
        assert "8 h 30" in json.dumps(await r.json(), ensure_ascii=False)


async def test_rest_too_long_gets_the_french_answer(session, serveurs):
    async with session.post(f"{serveurs.url}/webhooks/rest/webhook", json={"sender": "long", "message": "é" * 5001}) as r:
        assert r.status == 413
        corps = await r.json()
    assert "error" in corps and "trop long" in corps["messages"][0]["text"]


def test_a_large_body_is_refused_from_its_headers(serveurs):
    """Content-Length over the limit: 413 at once, nothing buffered (Sanic's default would take 100 MB)."""
    hote, port = "127.0.0.1", serveurs.config.port_rasa
    with socket.create_connection((hote, port), timeout=10) as s:
        s.sendall(b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 50000000\r\n\r\n{")
        reponse = s.recv(4096).decode(errors="replace")
    assert reponse.startswith("HTTP/1.1 413")


async def test_the_action_server_refuses_calls_without_the_shared_secret(session, serveurs):
    url = f"http://127.0.0.1:{serveurs.config.port_actions}"
    appel = {"next_action": "action_suivre_dossier", "sender_id": "x", "tracker": {"sender_id": "x", "slots": {}, "events": []},
             "domain": {}, "version": "3.6.0"}
    async with session.post(f"{url}/webhook", json=appel) as r:
        assert r.status == 401
    async with session.post(f"{url}/webhook", json=appel, headers={"X-Guichet-Secret-Actions": "devine-devine-devine"}) as r:
        assert r.status == 401
    async with session.get(f"{url}/actions") as r:
        assert r.status == 401
    async with session.get(f"{url}/health") as r:
        assert r.status == 200
    # Rasa itself has the secret: a custom action still runs
    async with session.post(f"{serveurs.url}/webhooks/rest/webhook", json={"sender": "secret-ok", "message": "je veux faire une réclamation"}) as r:
        assert r.status == 200 and (await r.json())


async def messages_jusqu_au_calme(client: ClientSocketIO, calme: float = 1.5) -> list[dict]:
    recus = []
    while True:
        try:
            recus.append(await asyncio.wait_for(client.attendre("bot_uttered"), calme))
        except asyncio.TimeoutError:
            return recus


async def test_messages_sent_while_the_widget_was_away_are_replayed_once(session, serveurs):
    async with ClientSocketIO(session, serveurs.url) as client:
        jeton = await ouvrir_session(client)
        await client.emettre("user_uttered", {"message": "horaires de la mairie", "session_id": jeton})
        deja = await messages_jusqu_au_calme(client)
        assert deja and "8 h 30" in deja[0]["text"]
    # the socket is gone (page change, network blip): an agent writes meanwhile, and it reaches nobody
    async with session.post(f"{serveurs.url}/conversations/{JETONS.conversation(jeton)}/tracker/events",
                            params={"token": JETON, "output_channel": "socketio", "execute_side_effects": "true"},
                            json=[{"event": "bot", "text": "Message pendant votre absence", "metadata": {"auteur": "conseiller"}},
                                  {"event": "bot", "data": {"custom": {"data": {"guichet": {"evenement": "conseiller_parti"}}}}}]) as r:
        assert r.status == 200
    async with ClientSocketIO(session, serveurs.url) as client:  # the widget comes back with its count
        await client.emettre("session_request", {"session_id": jeton, "recus": len(deja)})
        assert await client.attendre("session_confirm") == jeton
        rejoues = await messages_jusqu_au_calme(client)
        assert rejoues == [{"text": "Message pendant votre absence"}, {"guichet": {"evenement": "conseiller_parti"}}]
    async with ClientSocketIO(session, serveurs.url) as client:  # all caught up: nothing twice
        await client.emettre("session_request", {"session_id": jeton, "recus": len(deja) + 2})
        await client.attendre("session_confirm")
        assert await messages_jusqu_au_calme(client) == []
    async with ClientSocketIO(session, serveurs.url) as client:  # the stock rasa-webchat sends no count: no replay
        await client.emettre("session_request", {"session_id": jeton})
        await client.attendre("session_confirm")
        assert await messages_jusqu_au_calme(client) == []
