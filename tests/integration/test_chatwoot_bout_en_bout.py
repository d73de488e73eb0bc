"""Chatwoot as the handoff target, end to end: real Rasa and action servers, the
console's relay, a local Chatwoot following its published API, and a citizen on
Rasa's socket.io channel."""

import asyncio

import pytest

from connecteurs.chatwoot import ConfigChatwoot
from guichet.console.api_rasa import ConfigRasa
from guichet.console.application import ConfigConsole, creer_application
from tests.connecteurs.serveur_local import servir
from tests.fakes.chatwoot import FauxChatwoot
from tests.integration.serveurs import JETON
from tests.integration.socketio_brut import ClientSocketIO

pytestmark = pytest.mark.integration
SECRET = "secret-webhook-chatwoot-de-test"


async def bot_jusqu_a(client: ClientSocketIO, condition, delai: float = 30.0) -> list:
    recus: list = []

    async def lire():
        while True:
            message = await client.attendre("bot_uttered")
            recus.append(message)
            if condition(message):
                return

    await asyncio.wait_for(lire(), delai)
    return recus


async def test_handoff_to_chatwoot_and_back(serveurs, actions_avec, session, tmp_path):
    faux = FauxChatwoot()
    async with servir(faux.application()) as url_chatwoot:
        env = {"GUICHET_ESCALADES": "chatwoot", "GUICHET_CHATWOOT_URL": url_chatwoot, "GUICHET_CHATWOOT_JETON": faux.jeton,
               "GUICHET_CHATWOOT_COMPTE": str(faux.compte), "GUICHET_CHATWOOT_BOITE": str(faux.boite)}
        actions_avec(**env)
        config_chatwoot = ConfigChatwoot.depuis_env(env, serveurs.dossier)
        console = ConfigConsole(f"sqlite:///{serveurs.env['GUICHET_TRACKER_BASE']}", f"sqlite:///{tmp_path / 'comptes.sqlite3'}",
                                rasa=ConfigRasa(serveurs.url, JETON), url_grc=f"sqlite:///{serveurs.dossier / 'grc.sqlite3'}",
                                chatwoot=config_chatwoot, secret_chatwoot=SECRET, journal_audit=tmp_path / "audit.jsonl")
        # on the port the Rasa server tells of new citizen messages (tests/integration/serveurs.py)
        async with servir(creer_application(console), serveurs.config.port_console) as url_console, \
                ClientSocketIO(session, serveurs.url) as citoyen:
            faux.url_webhook, faux.secret_webhook = f"{url_console}/chatwoot/webhook", SECRET
            await citoyen.emettre("session_request", {"session_id": None})
            session_id = await citoyen.attendre("session_confirm")
            await citoyen.emettre("user_uttered", {"message": "je veux parler à un conseiller", "session_id": session_id})
            [reponse] = await bot_jusqu_a(citoyen, lambda m: "référence" in (m.get("text") or ""))
            [conversation] = faux.conversations.values()
            assert f"{conversation['id']:08d}" in reponse["text"] and conversation["status"] == "open"
            [note] = faux.messages
            assert note["private"] and "usager : je veux parler à un conseiller" in note["content"]

            # the agent answers in Chatwoot: the citizen sees it live, announced
            assert await faux.agent_repond(conversation["id"], "Bonjour, Camille à l'accueil. Que puis-je faire ?") == 200
            recus = await bot_jusqu_a(citoyen, lambda m: m.get("text", "").startswith("Bonjour, Camille"))
            assert recus[0] == {"guichet": {"evenement": "conseiller_rejoint"}}

            # the citizen answers: the bot stays silent and Chatwoot receives it at once, pushed by Rasa's event
            # broker (the relay's periodic pass is 30 s away)
            await citoyen.emettre("user_uttered", {"message": "mon permis de construire est bloqué", "session_id": session_id})
            debut = asyncio.get_running_loop().time()
            for _ in range(100):
                if any(m["message_type"] == "incoming" for m in faux.messages):
                    break
                await asyncio.sleep(0.05)
            delai = asyncio.get_running_loop().time() - debut
            assert [m["content"] for m in faux.messages if m["message_type"] == "incoming"] == ["mon permis de construire est bloqué"]
            assert delai < 5, f"forwarded after {delai:.1f} s"
            print(f"\ncitizen message to Chatwoot in {delai * 1000:.0f} ms")

            # the agent resolves: the bot comes back with the satisfaction question
            assert await faux.agent_resout(conversation["id"]) == 200
            recus = await bot_jusqu_a(citoyen, lambda m: bool(m.get("quick_replies")))
            assert [b["title"] for b in recus[-1]["quick_replies"]] == ["1", "2", "3", "4", "5"]
            assert any("terminé la conversation" in (m.get("text") or "") for m in recus)
