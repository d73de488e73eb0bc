"""Whole conversations over HTTP with the real Rasa server and action server."""

import asyncio
import json
import re
import sqlite3
import time

import pytest

pytestmark = pytest.mark.integration

FAQ_MARQUEURS = ("ants.gouv.fr", "service-public.fr", "déchetterie", "Collecte à la", "zone bleue", "8 h 30")


def sans_faq(texte: str) -> bool:
    return not any(m in texte for m in FAQ_MARQUEURS)


async def test_greeting_and_faq(conversation):
    c = conversation()
    assert "assistant virtuel de la Ville de Démo" in await c.textes("Bonjour")
    assert "8 h 30" in await c.textes("quels sont les horaires de la mairie ?")
    reponse = await c.textes("je dois refaire ma carte d'identité")
    assert "ants.gouv.fr" in reponse and "25 €" in reponse


async def test_two_questions_in_one_message_the_second_offered_as_a_button(conversation):
    c = conversation()
    reponses = await c.dire("je veux refaire ma carte d'identité et aussi mon passeport")
    *reponse, offre = reponses
    premiere = "\n".join(m["text"] for m in reponse)
    assert "carte nationale d'identité" in premiere and "25 €" in premiere and "86 €" not in premiere  # the first asked: answered
    assert offre["text"].startswith("Vous avez aussi posé une question sur : Passeport")
    [bouton] = offre["buttons"]
    assert bouton["payload"] == '/choisir_sujet{"sujet": "passeport"}'
    passeport = await c.textes(bouton["payload"])
    assert "Pour un passeport" in passeport and "86 €" in passeport
    # one question with an « et » in it: one answer, nothing offered
    seule = await c.dire("quels sont les horaires d'ouverture de la mairie le samedi et le dimanche ?")
    assert "8 h 30" in "\n".join(m["text"] for m in seule) and not any(m.get("buttons") for m in seule)


async def test_bot_challenge(conversation):
    assert "assistant virtuel" in await conversation().textes("est-ce que vous êtes un robot ?")


async def test_case_status_after_identity_check(conversation):
    c = conversation()
    assert "numéro de votre dossier" in await c.textes("je voudrais savoir où en est mon dossier")
    assert "date de naissance" in await c.textes("24 57 83 01")
    reponse = await c.textes("12 mars 1985")
    assert "en cours d'instruction" in reponse and "14 décembre 2026" in reponse


async def test_case_number_given_in_the_first_message(conversation):
    c = conversation()
    assert "date de naissance" in await c.textes("où en est mon dossier 55512090 ?")
    reponse = await c.textes("21/11/1972")
    assert "avis d'imposition" in reponse


async def test_three_wrong_birth_dates_lock_the_case(conversation):
    c = conversation()
    await c.textes("suivi de mon dossier")
    await c.textes("27182818")
    assert "reste 2" in await c.textes("01/01/1999")
    assert "reste 1" in await c.textes("02/02/1999")
    reponses = await c.dire("03/03/1999")
    texte = "\n".join(m["text"] for m in reponses)
    assert "ne peut plus être consulté" in texte and "refusé" not in texte
    assert any(b["payload"] == "/parler_conseiller" for m in reponses for b in m.get("buttons", []))
    # the same client address is locked out of the case, even with the right date and a new conversation
    autre = conversation()
    await autre.textes("où en est mon dossier 27182818")
    texte = await autre.textes("05/01/2000")
    assert "ne peut plus être consulté" in texte and "justificatif" not in texte


async def test_unknown_case_number_is_answered_like_a_known_one(conversation):
    """No existence oracle: an unknown number gets the date question, then the same answer as a wrong date."""
    inconnu, connu = conversation(), conversation()
    await inconnu.textes("je veux suivre ma demande")
    await connu.textes("je veux suivre ma demande")
    assert await inconnu.textes("11 22 33 44") == await connu.textes("24 57 83 01")
    refus_inconnu = await inconnu.textes("01/01/1990")
    refus_connu = await connu.textes("01/01/1990")
    assert "ne correspond pas au dossier n° 11223344, ou ce numéro n'existe pas" in refus_inconnu and "reste 2" in refus_inconnu
    assert refus_inconnu.replace("11223344", "24578301") == refus_connu


async def test_duplicate_report_and_notification(conversation, serveurs):
    c = conversation()
    assert "type de problème" in await c.textes("je voudrais signaler un nid de poule")
    assert "adresse" in await c.textes("voirie")
    assert "Décrivez" in await c.textes("12, R. Victor-Hugo")
    reponse = await c.textes("un gros trou dans la chaussée")
    assert "déjà connu" in reponse and "S-000001" in reponse
    assert "e-mail" in await c.textes("oui")
    assert "C'est noté" in await c.textes("marie.curie@exemple.fr")


async def test_new_report(conversation):
    c = conversation()
    await c.textes("le lampadaire de ma rue est en panne")
    await c.textes("éclairage")
    await c.textes("8 impasse des Lilas")
    reponse = await c.textes("il ne s'allume plus depuis lundi")
    assert "enregistré sous le numéro S-" in reponse


async def test_complaint(conversation):
    c = conversation()
    assert "objet de votre réclamation" in await c.textes("je souhaite déposer une réclamation")
    await c.textes("facture de cantine")
    await c.textes("On m'a facturé deux fois le mois d'octobre")
    assert "e-mail" in await c.textes("euh attendez")  # not a contact: asked again
    reponse = await c.textes("06 11 22 33 44")
    assert "numéro R-" in reponse and "15 jours" in reponse


async def test_adviser_pauses_the_bot_and_resume_restarts_it(conversation, session, serveurs):
    c = conversation()
    await c.textes("où en est mon dossier 24578301")
    await c.textes("12/03/1985")
    reponse = await c.textes("je veux parler à un conseiller")
    assert "Votre référence" in reponse
    reference = reponse.split("Votre référence : ")[1].strip(" .")
    jeton = {"token": serveurs.config.jeton_api}
    async with session.get(f"{serveurs.url}/conversations/{c.sender}/tracker", params=jeton) as r:
        tracker = await r.json()
    assert tracker["paused"] is True
    assert tracker["slots"]["reference_escalade"] == reference
    assert await c.dire("allo ?") == []  # the bot stays silent for the adviser
    contexte = sqlite3.connect(serveurs.dossier / "grc.sqlite3").execute(
        "SELECT contexte FROM escalades WHERE reference = ?", (reference,)
    ).fetchone()[0]
    assert '"verification_identite": "confirmee"' in contexte and "12/03/1985" not in contexte
    async with session.post(
        f"{serveurs.url}/conversations/{c.sender}/tracker/events", json={"event": "resume"}, params=jeton
    ) as r:
        assert r.status == 200
    assert "8 h 30" in await c.textes("quels sont vos horaires ?")


async def test_outside_office_hours_callback(conversation, actions_avec, serveurs, tmp_path):
    from tests.integration.conftest import TOUJOURS_FERME, commune_avec_horaires

    actions_avec(GUICHET_COMMUNE=str(commune_avec_horaires(tmp_path, TOUJOURS_FERME)))
    c = conversation()
    reponse = await c.textes("je veux parler à un humain")
    assert "pas disponibles" in reponse and "rappelé" in reponse
    assert "numéro de téléphone" in await c.textes("le matin")
    reponse = await c.textes("06 98 76 54 32")
    assert "Votre référence" in reponse
    ligne = sqlite3.connect(serveurs.dossier / "grc.sqlite3").execute(
        "SELECT type, creneau, telephone FROM escalades WHERE sender_id = ?", (c.sender,)
    ).fetchone()
    assert ligne == ("rappel", "matin", "0698765432")


async def test_back_end_down_apologises_and_offers_a_human(conversation, actions_avec):
    actions_avec(GUICHET_GRC="tests.fakes.grc_en_panne:GrcEnPanne")
    c = conversation()
    await c.textes("où en est mon dossier")
    assert "date de naissance" in await c.textes("24578301")  # the number alone says nothing (no existence oracle)
    reponses = await c.dire("12/03/1985")
    assert "momentanément indisponible" in reponses[0]["text"]
    assert reponses[0]["buttons"][0]["payload"] == "/parler_conseiller"


async def test_slow_back_end_answers_within_the_timeout(conversation, actions_avec):
    actions_avec(GUICHET_GRC="tests.fakes.grc_en_panne:GrcLente", GUICHET_DELAI_CONNECTEUR="2")
    c = conversation()
    await c.textes("où en est mon dossier")
    await c.textes("24578301")
    debut = time.monotonic()
    reponse = await c.textes("12/03/1985")
    assert time.monotonic() - debut < 6
    assert "momentanément indisponible" in reponse


async def test_gibberish_and_off_topic_never_get_an_faq(conversation):
    for phrase in ("qsdlkj azeoiu", "zzzzzzzz", "donne moi la météo de demain", "je veux commander des sushis"):
        assert sans_faq(await conversation().textes(phrase)), phrase


async def test_two_misunderstandings_offer_a_human(conversation):
    c = conversation()
    await c.textes("blorp flarp")
    reponses = await c.dire("grumph zblouk")
    assert any(b.get("payload") == "/parler_conseiller" for m in reponses for b in m.get("buttons", []))


async def test_suggested_topic_button_answers_it(conversation):
    c = conversation()
    reponse = await c.textes('/choisir_sujet{"sujet": "dechetterie"}')
    assert "chemin des Carrières" in reponse


async def test_goodbye_asks_satisfaction_and_stores_it(conversation, serveurs):
    c = conversation()
    await c.textes("horaires de la déchetterie")
    assert "de 1" in await c.textes("au revoir")
    reponse = await c.textes("5")
    assert "Merci pour votre avis" in reponse and "Au revoir" in reponse
    note = sqlite3.connect(serveurs.dossier / "grc.sqlite3").execute(
        "SELECT note, canal FROM satisfactions WHERE sender_id = ?", (c.sender,)
    ).fetchone()
    assert note == ("5", "rest")


async def test_voice_channel_uses_voice_variants(conversation):
    c = conversation("voix")
    reponse = await c.textes("à quelle heure ouvre la mairie ?")
    assert "huit heures trente" in reponse and "http" not in reponse and "*" not in reponse
    reponse = await c.textes("combien coûte un passeport")
    assert "quatre-vingt-six euros" in reponse and "[" not in reponse


async def test_api_requires_the_token(session, serveurs):
    async with session.get(f"{serveurs.url}/status") as r:
        assert r.status == 401
    async with session.get(f"{serveurs.url}/status", params={"token": "mauvais-jeton"}) as r:
        assert r.status == 401
    async with session.get(f"{serveurs.url}/status", params={"token": serveurs.config.jeton_api}) as r:
        assert r.status == 200


async def test_concurrent_conversations_stay_separate(conversation):
    async def suivi(numero: str, date: str) -> str:
        c = conversation()
        await c.textes(f"où en est mon dossier {numero}")
        return await c.textes(date)

    resultats = await asyncio.gather(
        suivi("10293847", "03/07/1990"), suivi("24578301", "12/03/1985"), suivi("55512090", "21/11/1972")
    )
    assert "accepté" in resultats[0] and "instruction" in resultats[1] and "avis d'imposition" in resultats[2]


async def test_simultaneous_messages_of_one_conversation_are_serialised(conversation, session, serveurs):
    c = conversation()
    premiers = await asyncio.gather(c.dire("bonjour"), c.dire("horaires de la mairie"), c.dire("merci"))
    assert all(premiers)
    async with session.get(f"{serveurs.url}/conversations/{c.sender}/tracker", params={"token": serveurs.config.jeton_api}) as r:
        evenements = (await r.json())["events"]
    utilisateurs = [e for e in evenements if e["event"] == "user"]
    assert len(utilisateurs) == 3
    # each user message is followed by its own answer before the next user message
    types = [e["event"] for e in evenements if e["event"] in ("user", "bot")]
    assert types[0] == "user" and "user" not in [types[i + 1] for i, t in enumerate(types[:-1]) if t == "user"]


async def test_voice_channel_case_status_has_no_digits(conversation):
    import re

    c = conversation("voix")
    await c.textes("où en est mon dossier 24578301", numero_appelant="0612345678")
    reponse = await c.textes("douze mars mille neuf cent quatre-vingt-cinq")
    assert "vingt et un septembre deux mille vingt-six" in reponse
    assert "quatorze décembre deux mille vingt-six" in reponse
    assert not re.search(r"\d", reponse)


async def test_socketio_channel_long_polling(serveurs):
    """rasa-webchat's protocol with session persistence, over socket.io long-polling: the server issues the session id."""
    import socketio

    client = socketio.AsyncClient(reconnection=False)
    recu: asyncio.Queue = asyncio.Queue()
    client.on("bot_uttered", lambda data: recu.put_nowait(data))
    client.on("session_confirm", lambda data: recu.put_nowait({"session_confirm": data}))
    await asyncio.wait_for(client.connect(serveurs.url, socketio_path="/socket.io", transports=["polling"]), 30)
    try:
        await client.emit("session_request", {"session_id": None})
        session_id = (await asyncio.wait_for(recu.get(), 30))["session_confirm"]
        assert re.fullmatch(r"[\w.-]{20,128}", session_id)
        await client.emit("user_uttered", {"message": "horaires de la mairie", "session_id": session_id})
        assert "8 h 30" in (await asyncio.wait_for(recu.get(), 30))["text"]
    finally:
        await client.disconnect()


async def test_socketio_channel_websocket_and_session_persistence(session, serveurs):
    from tests.integration.socketio_brut import ClientSocketIO

    async with ClientSocketIO(session, serveurs.url) as client:
        await client.emettre("session_request", {"session_id": "widget-ws"})  # not issued by the server: a new one
        session_id = await client.attendre("session_confirm")
        assert session_id != "widget-ws"
        await client.emettre("user_uttered", {"message": "où en est mon dossier 55512090", "session_id": session_id})
        assert "date de naissance" in (await client.attendre("bot_uttered"))["text"]
    # a reload: new connection, same session id, the conversation goes on
    async with ClientSocketIO(session, serveurs.url) as client:
        await client.emettre("session_request", {"session_id": session_id})
        assert await client.attendre("session_confirm") == session_id
        await client.emettre("user_uttered", {"message": "21/11/1972", "session_id": session_id})
        assert "avis d'imposition" in (await client.attendre("bot_uttered"))["text"]


async def test_personal_data_never_reaches_the_conversation_store(conversation, serveurs):
    """What the citizen types is masked before Rasa writes it (and the server really uses that store)."""
    c = conversation()
    await c.textes("où en est mon dossier 24578301")
    await c.textes("12/03/1985")
    await c.textes("je veux faire une réclamation, mon mail est claire.martin@example.org et mon tel 06 12 34 56 78")
    connexion = sqlite3.connect(serveurs.dossier / "conversations.sqlite3")
    try:
        lignes = [d for (d,) in connexion.execute("SELECT data FROM events WHERE sender_id = ?", (c.sender,))]
    finally:
        connexion.close()
    assert lignes, "the server does not write to the masking SQL tracker store"
    tout = "\n".join(json.dumps(json.loads(d), ensure_ascii=False) for d in lignes)
    assert "claire.martin@example.org" not in tout and "06 12 34 56 78" not in tout and "12/03/1985" not in tout
    assert "[courriel]" in tout and "[téléphone]" in tout and "24578301" in tout
