"""The console's Chatwoot relay: webhooks from a local Chatwoot (published payloads) and the citizen → Chatwoot pass."""
import asyncio

import aiohttp
import pytest
from aiohttp import web

from connecteurs.chatwoot import ClientChatwoot, ConfigChatwoot, EscaladesChatwoot, LiensChatwoot
from connecteurs.modeles import ContexteConversation, TourConversation
from guichet.console.api_rasa import ConfigRasa
from guichet.console.prise_en_charge import INTENTION_FIN
from guichet.console.relais_chatwoot import RelaisChatwoot
from tests.connecteurs.serveur_local import servir
from tests.fakes.chatwoot import FauxChatwoot
from tests.guichet.console.test_prise_en_charge import RasaEnregistreur

SECRET = "secret-du-webhook-chatwoot"


JETON_API = "jeton-api-rasa-de-test-0123"


class RasaAvecHistorique(RasaEnregistreur):
    def __init__(self) -> None:
        super().__init__()
        self.evenements: list[dict] = []
        self.lus: list[str] = []
        self.config = ConfigRasa("http://rasa.invalid", JETON_API)

    async def tracker(self, sender_id):
        self.lus.append(sender_id)
        return {"events": self.evenements, "slots": {}, "paused": True}


@pytest.fixture
async def relais(tmp_path):
    faux = FauxChatwoot()
    async with servir(faux.application()) as url_chatwoot:
        config = ConfigChatwoot(url_chatwoot, faux.jeton, faux.compte, faux.boite, f"sqlite:///{tmp_path / 'chatwoot.sqlite3'}")
        rasa = RasaAvecHistorique()
        relais = RelaisChatwoot(ClientChatwoot(config), LiensChatwoot(config.url_liens), rasa, SECRET)
        app = web.Application()
        relais.ajouter_routes(app)
        async with servir(app) as url_console:
            faux.url_webhook, faux.secret_webhook = f"{url_console}/chatwoot/webhook", SECRET
            connecteur = EscaladesChatwoot(config)
            contexte = ContexteConversation("citoyen-9", "socketio", (TourConversation("usager", "un humain", 50.0),), (), {}, None)
            escalade = await connecteur.creer_escalade(contexte)
            yield faux, rasa, relais, int(escalade.reference), url_console
            await connecteur.fermer()
            await relais.client.fermer()


async def test_agent_replies_reach_rasa_once_announced_and_private_notes_stay_private(relais):
    faux, rasa, _, conversation, _ = relais
    assert await faux.agent_repond(conversation, "Bonjour, je regarde votre dossier.") == 200
    assert await faux.agent_repond(conversation, "note interne : vérifier l'adresse", prive=True) == 200
    assert await faux.agent_repond(conversation, "C'est bon, il est validé.") == 200
    [(_, sender, premiers), (_, _, seconds)] = rasa.appels
    assert sender == "citoyen-9"
    assert premiers[0]["data"]["custom"]["data"]["guichet"]["evenement"] == "conseiller_rejoint"
    assert premiers[1]["text"] == "Bonjour, je regarde votre dossier."
    assert premiers[1]["metadata"] == {"auteur": "conseiller", "conseiller": "Camille Martin"}
    assert [e["text"] for e in seconds] == ["C'est bon, il est validé."]  # announced once


async def test_resolved_conversation_asks_satisfaction_once(relais):
    faux, rasa, _, conversation, _ = relais
    assert await faux.agent_resout(conversation) == 200
    assert await faux.agent_resout(conversation) == 200
    assert [a for a in rasa.appels if a[0] == "declencher"] == [("declencher", "citoyen-9", INTENTION_FIN)]
    assert await faux.agent_repond(conversation, "encore là ?") == 200  # closed: nothing relayed any more
    assert not any(e.get("text") == "encore là ?" for a in rasa.appels if a[0] == "ajouter" for e in a[2])


async def test_citizen_messages_go_to_chatwoot_once(relais):
    faux, rasa, relais_, conversation, _ = relais
    rasa.evenements = [
        {"event": "user", "text": "un humain", "timestamp": 50.0},  # already in the private note
        {"event": "user", "text": "vous êtes là ?", "timestamp": 60.0},
        {"event": "bot", "text": "réponse", "timestamp": 61.0},
        {"event": "user", "text": "c'est pour mon permis", "timestamp": 62.0},
    ]
    assert await relais_.relayer_usagers() == 2
    assert await relais_.relayer_usagers() == 0
    entrants = [m for m in faux.messages if m["message_type"] == "incoming"]
    assert [(m["content"], m["conversation_id"]) for m in entrants] == [("vous êtes là ?", conversation), ("c'est pour mon permis", conversation)]


async def test_rasa_notices_wake_the_relay_for_those_conversations_only(relais):
    faux, rasa, relais_, conversation, url = relais
    relais_.intervalle_s = 3600  # the periodic pass does not come again in this test
    tache = asyncio.create_task(relais_.boucle())
    try:
        for _ in range(100):  # the first round is a full pass
            if rasa.lus:
                break
            await asyncio.sleep(0.01)
        assert rasa.lus == ["citoyen-9"]
        rasa.evenements = [{"event": "user", "text": "vous êtes là ?", "timestamp": 60.0}]
        avis = f"{url}/chatwoot/nouveaux-messages"
        async with aiohttp.ClientSession() as s:
            assert (await s.post(avis, json={"conversations": ["citoyen-9"]})).status == 401
            entete = {"Authorization": f"Bearer {JETON_API}"}
            assert (await s.post(avis, json={"conversations": "citoyen-9"}, headers=entete)).status == 400
            assert (await s.post(avis, data="{", headers=entete)).status == 400
            assert (await s.post(avis, json={"conversations": ["une-autre"]}, headers=entete)).status == 202
            await asyncio.sleep(0.2)
            assert rasa.lus == ["citoyen-9"]  # a conversation not handed to Chatwoot is not read
            debut = asyncio.get_running_loop().time()
            assert (await s.post(avis, json={"conversations": ["citoyen-9"]}, headers=entete)).status == 202
            for _ in range(200):
                if any(m["message_type"] == "incoming" for m in faux.messages):
                    break
                await asyncio.sleep(0.01)
        assert [m["content"] for m in faux.messages if m["message_type"] == "incoming"] == ["vous êtes là ?"]
        assert asyncio.get_running_loop().time() - debut < 1.0 and rasa.lus == ["citoyen-9", "citoyen-9"]
    finally:
        tache.cancel()


async def test_two_console_processes_forward_each_message_once_and_an_outage_loses_none(relais):
    import asyncio

    from connecteurs.erreurs import ErreurConnecteur

    faux, rasa, relais_, conversation, _ = relais
    second = RelaisChatwoot(relais_.client, LiensChatwoot(relais_.liens.base.url), rasa, SECRET)  # another console process
    rasa.evenements = [{"event": "user", "text": f"message {i}", "timestamp": 60.0 + i} for i in range(6)]
    faux.panne = "500"
    with pytest.raises(ErreurConnecteur):
        await relais_.relayer_usagers()
    faux.panne = None
    for _ in range(4):
        await asyncio.gather(relais_.relayer_usagers(), second.relayer_usagers())
    entrants = [m["content"] for m in faux.messages if m["message_type"] == "incoming"]
    assert entrants == [f"message {i}" for i in range(6)]  # each once, in order, none lost to the outage


async def test_webhook_refuses_unsigned_forged_stale_and_replayed_deliveries_and_bad_bodies(relais):
    import json
    import time

    faux, rasa, _, conversation, url = relais
    reponse = {"event": "message_created", "content": "Bonjour", "message_type": "outgoing", "private": False,
               "sender": {"type": "user", "name": "Camille"}, "conversation": {"id": conversation}}
    corps = json.dumps(reponse).encode()
    async with aiohttp.ClientSession() as s:
        async def poster(donnees, entetes):
            async with s.post(f"{url}/chatwoot/webhook", data=donnees, headers=entetes) as r:
                return r.status, await r.json()

        assert (await poster(corps, {"Content-Type": "application/json"}))[0] == 401  # unsigned
        faux.secret_webhook = "un-autre-secret-que-le-bon"
        assert (await poster(corps, faux.entetes_signes(corps)))[0] == 401  # signed with another secret
        faux.secret_webhook = SECRET
        entetes = faux.entetes_signes(corps)
        assert (await poster(corps.replace(b"Bonjour", b"Bonsoir"), entetes))[0] == 401  # body changed after signing
        assert (await poster(corps, faux.entetes_signes(corps, horodatage=int(time.time()) - 3600)))[0] == 401  # stale
        assert rasa.appels == []
        assert await poster(corps, entetes) == (200, {"ok": True, "resultat": "reply relayed"})
        assert await poster(corps, entetes) == (200, {"ok": True, "resultat": "already received"})  # replayed: once
        assert len(rasa.appels) == 1
        for donnees in (b"{", b"[1]"):
            assert (await poster(donnees, faux.entetes_signes(donnees)))[0] == 400
        for evenement in ({"event": "message_created", "conversation": {"id": 999}, "message_type": "outgoing"},
                          {"event": "conversation_created", "id": 1}, {"event": "message_created"}):
            donnees = json.dumps(evenement).encode()
            statut, resultat = await poster(donnees, faux.entetes_signes(donnees))
            assert statut == 200 and resultat["resultat"].startswith("ignore")
    assert len(rasa.appels) == 1


async def test_agent_replies_sent_while_rasa_is_down_are_kept_and_delivered_in_order_once_it_is_back(relais):
    """Chatwoot does not retry: a reply that arrives while Rasa restarts is stored, answered 202, then handed over."""
    from guichet.console.api_rasa import RasaIndisponible

    faux, rasa, relais_, conversation, _ = relais
    ajouter = rasa.ajouter

    async def en_panne(*args, **kwargs):
        raise RasaIndisponible("restarting")

    rasa.ajouter = en_panne
    assert await faux.agent_repond(conversation, "Premier message") == 202
    assert await faux.agent_repond(conversation, "Second message") == 202
    assert await relais_.livrer_en_attente() == 0 and rasa.appels == []  # still away: nothing lost, nothing out of order
    rasa.ajouter = ajouter
    assert await relais_.livrer_en_attente() == 2
    assert await relais_.livrer_en_attente() == 0  # once
    textes = [e.get("text") for _, _, evenements in rasa.appels for e in evenements if e.get("text")]
    assert textes == ["Premier message", "Second message"]
    with relais_.liens.base.lire() as c:
        import sqlalchemy as sa

        corps = c.execute(sa.text("SELECT corps FROM livraisons_chatwoot")).scalars().all()
    assert corps and all(x is None for x in corps)  # handled deliveries keep no agent's words


def test_short_secret_refused():
    with pytest.raises(ValueError, match="at least 16"):
        RelaisChatwoot(None, None, None, "court")  # type: ignore[arg-type]


async def test_the_relay_loop_survives_an_unexpected_error(caplog):
    """Supervised: an unexpected exception is logged and the loop goes on (it used to end the task silently)."""
    relais = RelaisChatwoot(None, None, None, SECRET, intervalle_s=0.01)  # type: ignore[arg-type]
    tours = 0

    async def relayer(seulement=None) -> None:
        nonlocal tours
        tours += 1
        if tours == 1:
            raise KeyError("a malformed Chatwoot answer")

    relais.relayer_usagers = relayer  # type: ignore[method-assign]
    tache = asyncio.create_task(relais.boucle())
    for _ in range(200):
        if tours >= 3:
            break
        await asyncio.sleep(0.01)
    assert not tache.done() and tours >= 3
    tache.cancel()
    assert "unexpected KeyError" in caplog.text
