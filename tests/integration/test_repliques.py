"""Two Rasa replicas sharing a PostgreSQL tracker store and a Redis lock store (Rasa's distributed set-up)."""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import uuid

import aiohttp
import pytest

from guichet.construction.entrainement import entrainer
from guichet.construction.projet import Projet
from guichet.exploitation.lancement import ConfigLancement, commande_actions, commande_rasa, environnement_serveurs
from tests.integration.conftest import TOUJOURS_OUVERT, commune_avec_horaires
from tests.integration.infrastructure import postgresql, redis
from tests.integration.serveurs import JETON, RACINE, attendre, ports_libres

pytestmark = pytest.mark.integration
DELAI = aiohttp.ClientTimeout(total=60)


@pytest.fixture(scope="module")
def repliques(tmp_path_factory):
    entrainer(Projet())
    dossier = tmp_path_factory.mktemp("repliques")
    with postgresql() as url_pg, redis() as port_redis:
        port_a, port_b, port_actions = ports_libres(3)
        config = ConfigLancement(hote="127.0.0.1", port_rasa=port_a, port_actions=port_actions,
                                 dossier_donnees=dossier / "donnees", jeton_api=JETON)
        env = {
            **environnement_serveurs(config), "GUICHET_API_TOKEN": JETON,
            "GUICHET_TRACKER_DIALECTE": "postgresql", "GUICHET_TRACKER_HOTE": url_pg, "GUICHET_TRACKER_BASE": "guichet",
            "GUICHET_VERROUS_TYPE": "serveur_rasa.verrous_redis.VerrousRedis", "GUICHET_VERROUS_HOTE": "127.0.0.1", "GUICHET_VERROUS_PORT": str(port_redis),
            "GUICHET_VERROUS_BASE": "1", "GUICHET_SOCKETIO_REDIS": f"redis://127.0.0.1:{port_redis}/2",
            "GUICHET_GRC_BASE": url_pg,  # the embedded GRC's records on the same PostgreSQL
            "GUICHET_COMMUNE": str(commune_avec_horaires(dossier, TOUJOURS_OUVERT)),  # agents available whatever the day
        }
        journaux = [open(dossier / f"{nom}.log", "wb") for nom in ("actions", "rasa-a", "rasa-b")]
        processus = [subprocess.Popen(commande_actions(config), cwd=RACINE, env=env, stdout=journaux[0], stderr=subprocess.STDOUT)]
        for i, port in enumerate((port_a, port_b), start=1):
            cfg = dataclasses.replace(config, port_rasa=port)
            processus.append(subprocess.Popen(commande_rasa(cfg, JETON, Projet().modele), cwd=RACINE, env=env,
                                              stdout=journaux[i], stderr=subprocess.STDOUT))
        try:
            attendre(f"http://127.0.0.1:{port_actions}/health", processus[0])
            for p, port in zip(processus[1:], (port_a, port_b), strict=True):
                attendre(f"http://127.0.0.1:{port}/webhooks/rest/", p)
            yield {"a": f"http://127.0.0.1:{port_a}", "b": f"http://127.0.0.1:{port_b}", "processus": processus, "dossier": dossier,
                   "pg": url_pg}
        finally:
            for p in processus:
                if p.poll() is None:
                    p.terminate()
            for p in processus:
                p.wait(timeout=30)
            for j in journaux:
                j.close()


async def dire(session: aiohttp.ClientSession, url: str, sender: str, texte: str) -> str:
    async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": texte}) as r:
        assert r.status == 200, await r.text()
        return "\n".join(m.get("text", "") for m in await r.json())


async def evenements(session: aiohttp.ClientSession, url: str, sender: str) -> list[dict]:
    async with session.get(f"{url}/conversations/{sender}/tracker", params={"token": JETON}) as r:
        assert r.status == 200
        return (await r.json())["events"]


async def test_turns_alternating_between_replicas_keep_the_form_state(repliques):
    sender = f"alterne-{uuid.uuid4().hex[:8]}"
    async with aiohttp.ClientSession(timeout=DELAI) as session:
        assert "date de naissance" in (await dire(session, repliques["a"], sender, "où en est mon dossier 24578301")).lower()
        reponse = await dire(session, repliques["b"], sender, "12/03/1985")
        assert "Permis de construire" in reponse and "instruction" in reponse
        poses = [(e["name"], e["value"]) for e in await evenements(session, repliques["a"], sender) if e["event"] == "slot"]
        assert ("numero_dossier", "24578301") in poses and ("verification_identite", "confirmee") in poses


async def test_the_embedded_grc_lives_in_postgresql(repliques):
    """Cases, escalations and satisfaction answers go to PostgreSQL (GUICHET_GRC_BASE), not to a local SQLite file."""
    import sqlalchemy as sa

    sender = f"grc-pg-{uuid.uuid4().hex[:8]}"
    async with aiohttp.ClientSession(timeout=DELAI) as session:
        await dire(session, repliques["a"], sender, "je veux parler à un conseiller")
    moteur = sa.create_engine(repliques["pg"])
    try:
        with moteur.connect() as c:
            assert c.execute(sa.text("SELECT count(*) FROM dossiers")).scalar_one() == 5
            assert c.execute(sa.text("SELECT canal FROM escalades WHERE sender_id = :s"), {"s": sender}).all() == [("rest",)]
    finally:
        moteur.dispose()
    assert not list(repliques["dossier"].rglob("grc.sqlite3"))


async def test_simultaneous_messages_in_one_conversation_are_serialised(repliques):
    sender = f"simultane-{uuid.uuid4().hex[:8]}"
    messages = ["bonjour", "quels sont les horaires de la mairie", "merci", "comment refaire mon passeport",
                "où est la déchetterie", "merci beaucoup"]
    async with aiohttp.ClientSession(timeout=DELAI) as session:
        reponses = await asyncio.gather(*(
            dire(session, repliques["a" if i % 2 == 0 else "b"], sender, m) for i, m in enumerate(messages)
        ))
        assert all(reponses)
        tous = await evenements(session, repliques["b"], sender)
    utilisateur = [i for i, e in enumerate(tous) if e["event"] == "user"]
    assert sorted(e["text"] for e in tous if e["event"] == "user") == sorted(messages)  # none lost
    # turns never interleave: each user message is answered before the next one is processed
    for debut, fin in zip(utilisateur, [*utilisateur[1:], len(tous)], strict=True):
        assert any(e["event"] == "bot" for e in tous[debut:fin]), [e["event"] for e in tous[debut:fin]]


async def test_a_message_sent_through_one_replica_reaches_a_socket_on_the_other(repliques):
    """An agent's reply posted through replica B reaches the citizen's widget connected to replica A (Redis queue)."""
    from serveur_rasa.session_socketio import JetonsSession
    from tests.integration.socketio_brut import ClientSocketIO

    async with aiohttp.ClientSession(timeout=DELAI) as session, ClientSocketIO(session, repliques["a"]) as citoyen:
        await citoyen.emettre("session_request", {"session_id": None})
        session_id = await citoyen.attendre("session_confirm")
        conversation = JetonsSession.depuis_env({"GUICHET_API_TOKEN": JETON}).conversation(session_id)
        await citoyen.emettre("user_uttered", {"message": "bonjour", "session_id": session_id})
        await asyncio.wait_for(citoyen.attendre("bot_uttered"), 30)
        async with session.post(f"{repliques['b']}/conversations/{conversation}/tracker/events",
                                params={"token": JETON, "output_channel": "latest", "execute_side_effects": "true"},
                                json=[{"event": "bot", "text": "Message du conseiller, via la réplique B"}]) as r:
            assert r.status == 200
        for _ in range(10):
            message = await asyncio.wait_for(citoyen.attendre("bot_uttered"), 15)
            if message.get("text") == "Message du conseiller, via la réplique B":
                break
        else:
            pytest.fail("the message sent through replica B never reached the socket on replica A")


async def test_stopping_one_replica_mid_conversation_loses_nothing(repliques):
    sender = f"arret-{uuid.uuid4().hex[:8]}"
    async with aiohttp.ClientSession(timeout=DELAI) as session:
        await dire(session, repliques["a"], sender, "où en est mon dossier 10293847")
        replique_a = repliques["processus"][1]
        replique_a.terminate()
        replique_a.wait(timeout=30)
        reponse = await dire(session, repliques["b"], sender, "03/07/1990")
        assert "Inscription scolaire" in reponse and "accepté" in reponse
