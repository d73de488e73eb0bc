"""The Chatwoot connecteur against a local server following Chatwoot's published API."""

import pytest

from connecteurs.chatwoot import ConfigChatwoot, EscaladesChatwoot, LiensChatwoot
from connecteurs.erreurs import ConfigurationInvalide, ConnecteurIndisponible
from connecteurs.interfaces import Escalades
from connecteurs.modeles import ContexteConversation, CreneauRappel, DemandeRappel, TourConversation
from tests.connecteurs.serveur_local import servir
from tests.fakes.chatwoot import FauxChatwoot

CONTEXTE = ContexteConversation(
    "citoyen-42", "socketio",
    (TourConversation("usager", "mon dossier 24578301 est bloqué", 100.0, "suivre_dossier", 0.91),
     TourConversation("usager", "je veux un conseiller", 101.5, "parler_conseiller", 0.97)),
    ({"intention": "suivre_dossier", "confiance": 0.91}, {"intention": "parler_conseiller", "confiance": 0.97}),
    {"numero_dossier": "24578301"}, "confirmee",
)


@pytest.fixture
async def chatwoot(tmp_path):
    faux = FauxChatwoot()
    async with servir(faux.application()) as url:
        config = ConfigChatwoot(url, faux.jeton, faux.compte, faux.boite, f"sqlite:///{tmp_path / 'chatwoot.sqlite3'}")
        connecteur = EscaladesChatwoot(config)
        yield faux, connecteur, config
        await connecteur.fermer()


async def test_escalation_creates_an_open_conversation_with_the_context_as_private_note(chatwoot):
    faux, connecteur, config = chatwoot
    assert isinstance(connecteur, Escalades)
    escalade = await connecteur.creer_escalade(CONTEXTE)
    [conversation] = faux.conversations.values()
    assert escalade.reference == f"{conversation['id']:08d}" and conversation["status"] == "open"
    assert conversation["additional_attributes"] == {"guichet_canal": "socketio", "guichet_type": "conversation"}
    [note] = faux.messages
    assert note["private"] and note["message_type"] == "outgoing"
    assert f"Référence Guichet : {escalade.reference}" in note["content"]
    assert "usager : mon dossier 24578301 est bloqué" in note["content"] and '"verification_identite": "confirmee"' in note["content"]
    assert faux.appels == ["POST /api/v1/accounts/3/contacts", "POST /api/v1/accounts/3/conversations",
                           "POST /api/v1/accounts/3/conversations/1/messages", "POST /api/v1/accounts/3/conversations/1/toggle_status"]
    lien = await LiensChatwoot(config.url_liens).lien(conversation["id"])
    assert (lien.sender_id, lien.dernier_horodatage, lien.actif) == ("citoyen-42", 101.5, True)


async def test_callbacks_and_phone_calls_are_not_relayed(chatwoot):
    faux, connecteur, config = chatwoot
    await connecteur.creer_rappel(DemandeRappel(CreneauRappel.MATIN, "0612345678", CONTEXTE))
    appel = ContexteConversation("appel-1", "voix", (), (), {}, None, numero_appelant="0612345678")
    await connecteur.creer_escalade(appel)
    assert "Rappel demandé au 0612345678, créneau : matin." in faux.messages[0]["content"]
    assert [c["status"] for c in faux.conversations.values()] == ["open", "open"]
    assert await LiensChatwoot(config.url_liens).actifs() == []


async def test_refused_token_and_outage_are_typed_errors(chatwoot, tmp_path):
    faux, connecteur, config = chatwoot
    mauvais = EscaladesChatwoot(ConfigChatwoot(config.url, "mauvais-jeton", faux.compte, faux.boite, f"sqlite:///{tmp_path / 'l.sqlite3'}"))
    with pytest.raises(ConfigurationInvalide, match="token refused"):
        await mauvais.creer_escalade(CONTEXTE)
    await mauvais.fermer()
    faux.panne = "500"
    with pytest.raises(ConnecteurIndisponible):
        await connecteur.creer_escalade(CONTEXTE)


def test_configuration_is_checked():
    from pathlib import Path

    with pytest.raises(ValueError, match="GUICHET_CHATWOOT_COMPTE"):
        ConfigChatwoot.depuis_env({"GUICHET_CHATWOOT_URL": "https://c.fr", "GUICHET_CHATWOOT_JETON": "x",
                                   "GUICHET_CHATWOOT_COMPTE": "trois", "GUICHET_CHATWOOT_BOITE": "7"}, Path("/tmp"))
    with pytest.raises(ValueError, match="required"):
        ConfigChatwoot("ftp://c.fr", "x", 1, 1, "sqlite:////tmp/l")


async def test_links_on_both_databases(url_sql):
    liens = LiensChatwoot(url_sql)
    await liens.enregistrer(41, "citoyen-1", "socketio", "00000041", 100.0)
    await liens.enregistrer(42, "citoyen-2", "socketio", "00000042", 200.5)
    assert [lien.conversation for lien in await liens.actifs()] == [41, 42]
    assert await liens.avancer(41, 100.0, 150.25)
    assert not await liens.avancer(41, 100.0, 170.0)  # the mark moved: another process forwarded that one
    assert (await liens.lien(41)).dernier_horodatage == 150.25
    assert await liens.annoncer_conseiller(41) and not await liens.annoncer_conseiller(41)
    assert await liens.clore(41) and not await liens.clore(41)
    assert [lien.conversation for lien in await liens.actifs()] == [42]
    assert await liens.lien(99) is None
    await liens.enregistrer(41, "citoyen-1", "socketio", "00000041", 300.0)  # a new escalation of the same conversation
    assert (await liens.lien(41)).actif and not (await liens.lien(41)).conseiller_annonce


async def test_links_of_the_first_version_are_kept(tmp_path):
    import sqlite3

    ancienne = sqlite3.connect(tmp_path / "chatwoot.sqlite3")
    ancienne.execute("""CREATE TABLE liens (conversation INTEGER PRIMARY KEY, sender_id TEXT NOT NULL, canal TEXT NOT NULL,
        reference TEXT NOT NULL, dernier_horodatage REAL NOT NULL, conseiller_annonce INTEGER NOT NULL DEFAULT 0,
        actif INTEGER NOT NULL DEFAULT 1, cree_le TEXT NOT NULL)""")
    ancienne.execute("INSERT INTO liens VALUES (7, 'c', 'socketio', '00000007', 1.5, 1, 1, '2026-11-01')")
    ancienne.commit()
    ancienne.close()
    lien = await LiensChatwoot(f"sqlite:///{tmp_path / 'chatwoot.sqlite3'}").lien(7)
    assert (lien.sender_id, lien.conseiller_annonce, lien.actif) == ("c", True, True)
