"""Retention purge and data-subject rights on a real Rasa SQL tracker store and the embedded GRC."""

import datetime as dt
import json
import sqlite3

import pytest

from connecteurs.grc_embarquee.grc import ConfigGrcEmbarquee, GrcEmbarquee
from connecteurs.modeles import (
    CategorieSignalement,
    ContexteConversation,
    NouveauSignalement,
    NouvelleReclamation,
    Satisfaction,
    TourConversation,
)
from guichet.rgpd.__main__ import main

MAINTENANT = dt.datetime.now(dt.timezone.utc)
IL_Y_A_100_JOURS = MAINTENANT - dt.timedelta(days=100)
IL_Y_A_400_JOURS = MAINTENANT - dt.timedelta(days=400)


async def conversation(magasin, sender, instant, numero=None, texte="bonjour"):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    t = instant.timestamp()
    evenements = [UserUttered(texte, timestamp=t), BotUttered("Bonjour !", timestamp=t + 1)]
    if numero:
        evenements.append(SlotSet("numero_dossier", numero, timestamp=t + 2))
    tracker = DialogueStateTracker.from_events(sender, evenements, slots=Domain.empty().slots)
    await magasin.save(tracker)


@pytest.fixture
async def donnees(tmp_path, monkeypatch):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    monkeypatch.setenv("GUICHET_DONNEES", str(tmp_path))
    monkeypatch.setenv("GUICHET_TRACKER_DIALECTE", "sqlite")
    monkeypatch.setenv("GUICHET_TRACKER_BASE", str(tmp_path / "conversations.sqlite3"))
    magasin = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "conversations.sqlite3"))
    await conversation(magasin, "ancienne", IL_Y_A_100_JOURS, texte="mon mail est claire@example.org")
    await conversation(magasin, "recente", MAINTENANT, numero="24578301")
    await conversation(magasin, "autre-recente", MAINTENANT)
    return tmp_path


async def grc_avec_historique(dossier, instant, sender, url=None):
    grc = await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(url or f"sqlite:///{dossier / 'grc.sqlite3'}"), lambda: instant)
    contexte = ContexteConversation(sender, "rest", [TourConversation("usager", "à l'aide", instant.timestamp())], [], {}, None)
    await grc.creer_escalade(contexte)
    await grc.enregistrer_satisfaction(Satisfaction(sender, "rest", "4"))
    s = await grc.creer_signalement(NouveauSignalement(CategorieSignalement.VOIRIE, "3 rue X", "trou devant chez Claire Martin", "rest", sender))
    await grc.abonner(s.numero, "claire@example.org")
    await grc.creer_reclamation(NouvelleReclamation("Bruit", "voisin bruyant", "0612345678", "rest", sender))
    await grc.fermer()


def senders(dossier):
    c = sqlite3.connect(dossier / "conversations.sqlite3")
    try:
        return sorted(r[0] for r in c.execute("SELECT DISTINCT sender_id FROM events"))
    finally:
        c.close()


def audit(dossier):
    return [json.loads(ligne) for ligne in (dossier / "audit_rgpd.jsonl").read_text().splitlines()]


async def test_purge_deletes_only_what_is_past_its_retention(donnees, capsys):
    await grc_avec_historique(donnees, IL_Y_A_400_JOURS, "ancienne")
    await grc_avec_historique(donnees, IL_Y_A_100_JOURS, "recente")
    assert main(["--operator", "dpo", "purge"]) == 0
    assert "purged 1 conversations" in capsys.readouterr().out
    assert senders(donnees) == ["autre-recente", "recente"]
    grc = sqlite3.connect(donnees / "grc.sqlite3")
    assert [r[0] for r in grc.execute("SELECT sender_id FROM escalades")] == ["recente"]  # 400 days > 365; 100 days kept
    grc.close()
    ligne = audit(donnees)[-1]
    assert ligne["operateur"] == "dpo" and ligne["action"] == "purge" and ligne["resultat"]["conversations"] == 1
    assert oct((donnees / "audit_rgpd.jsonl").stat().st_mode & 0o777) == "0o600"


async def test_export_then_erase_by_case_number(donnees, tmp_path, capsys):
    await grc_avec_historique(donnees, MAINTENANT, "recente")
    sortie = tmp_path / "export.json"
    assert main(["export", "--case", "24578301", "--output", str(sortie)]) == 0
    export = json.loads(sortie.read_text())
    assert list(export["conversations"]) == ["recente"]
    assert {e["event"] for e in export["conversations"]["recente"]} >= {"user", "bot", "slot"}
    assert export["grc"]["abonnements"][0]["contact"] == "claire@example.org"
    assert len(export["grc"]["escalades"]) == 1 and len(export["grc"]["reclamations"]) == 1

    assert main(["erase", "--case", "24578301"]) == 2  # needs --yes
    assert main(["erase", "--case", "24578301", "--yes"]) == 0
    assert senders(donnees) == ["ancienne", "autre-recente"]
    grc = sqlite3.connect(donnees / "grc.sqlite3")
    assert grc.execute("SELECT COUNT(*) FROM escalades").fetchone()[0] == 0
    assert grc.execute("SELECT COUNT(*) FROM abonnements").fetchone()[0] == 0
    assert grc.execute("SELECT description, contact, sender_id FROM reclamations").fetchone() == ("[effacé]", "[effacé]", None)
    assert grc.execute("SELECT description FROM signalements WHERE categorie = 'voirie' AND adresse = '3 rue X'").fetchone() == ("[effacé]",)
    grc.close()
    assert [ligne["action"] for ligne in audit(donnees)] == ["export", "erase"]
    assert audit(donnees)[-1]["cible"] == {"numero_dossier": "24578301"}


async def test_export_by_sender_to_stdout(donnees, capsys):
    assert main(["export", "--sender", "ancienne"]) == 0
    export = json.loads(capsys.readouterr().out)
    assert export["conversations"]["ancienne"][0]["text"] == "mon mail est claire@example.org"


def test_bad_arguments_are_explained(donnees, capsys):
    assert main(["export", "--case", "123"]) == 2
    assert "8 digits" in capsys.readouterr().err
    assert main(["purge", "--days", "0"]) == 2
    assert "at least one day" in capsys.readouterr().err


def test_store_urls_follow_the_servers_settings(tmp_path):
    from connecteurs.adresses_bases import AdressesBases

    pg = AdressesBases.depuis_env({"GUICHET_DONNEES": str(tmp_path), "GUICHET_TRACKER_DIALECTE": "postgresql",
                              "GUICHET_TRACKER_HOTE": "postgresql://guichet@db:5432/guichet", "GUICHET_TRACKER_BASE": "guichet"})
    assert pg.url_conversations == "postgresql://guichet@db:5432/guichet"
    assert pg.journal_audit == tmp_path / "audit_rgpd.jsonl"
    sqlite = AdressesBases.depuis_env({"GUICHET_DONNEES": str(tmp_path)})
    assert sqlite.url_conversations == f"sqlite:///{tmp_path / 'conversations.sqlite3'}"


async def test_same_code_on_postgresql(tmp_path):
    """Masking store, purge and export on a real PostgreSQL server (Debian's, started for the test)."""
    from rasa.shared.core.domain import Domain

    from connecteurs.adresses_bases import AdressesBases
    from guichet.rgpd.conservation import Conservation, purger
    from guichet.rgpd.droits import Cible, exporter
    from serveur_rasa.tracker_masque import TrackerStoreMasque
    from tests.integration.infrastructure import postgresql

    with postgresql() as url:
        magasin = TrackerStoreMasque(Domain.empty(), host=url, dialect="postgresql", db="guichet")
        await conversation(magasin, "vieille", IL_Y_A_100_JOURS, texte="joignable au 06 12 34 56 78")
        await conversation(magasin, "neuve", MAINTENANT, numero="24578301")
        stockage = AdressesBases.depuis_env({"GUICHET_DONNEES": str(tmp_path), "GUICHET_TRACKER_DIALECTE": "postgresql",
                                        "GUICHET_TRACKER_HOTE": url, "GUICHET_TRACKER_BASE": "guichet"})
        export = exporter(stockage, Cible(sender_id="vieille"))
        assert export["conversations"]["vieille"][0]["text"] == "joignable au [téléphone]"
        assert purger(stockage, Conservation()) == {"conversations": 1, "evenements": 2, "escalades": 0, "resumes_sans_textes": 0}
        assert list(exporter(stockage, Cible(numero_dossier="24578301"))["conversations"]) == ["neuve"]


async def test_grc_records_in_one_database_sqlite_or_postgresql(donnees, url_sql, monkeypatch, tmp_path, capsys):
    """With GUICHET_GRC_BASE, export, erase and purge act on the GRC records (and the remote back ends'
    identity-check counter) in that database."""
    import sqlalchemy as sa

    from connecteurs.essais_identite import ConfigEssais, EssaisIdentite

    monkeypatch.setenv("GUICHET_GRC_BASE", url_sql)
    await grc_avec_historique(donnees, IL_Y_A_400_JOURS, "ancienne", url_sql)
    await grc_avec_historique(donnees, MAINTENANT, "recente", url_sql)
    async def pas_ce_dossier(numero):
        return None

    await EssaisIdentite(ConfigEssais(url_sql)).verifier("24578301", pas_ce_dossier, bool, lambda n, b: b, "source-x")
    sortie = tmp_path / "export.json"
    assert main(["export", "--case", "24578301", "--output", str(sortie)]) == 0
    export = json.loads(sortie.read_text())["grc"]
    assert [e["sender_id"] for e in export["escalades"]] == ["recente"]
    assert export["abonnements"][0]["contact"] == "claire@example.org"
    assert export["essais_identite"][0]["echecs"] == 1
    assert [(e["source"], e["echecs"]) for e in export["essais_identite_sources"]] == [("source-x", 1)]
    assert main(["erase", "--case", "24578301", "--yes"]) == 0
    assert main(["purge"]) == 0
    capsys.readouterr()
    moteur = sa.create_engine(url_sql)
    try:
        with moteur.connect() as c:
            def compter(sql):
                return c.execute(sa.text(sql)).scalar_one()
            assert compter("SELECT count(*) FROM escalades") == 0  # recente erased, ancienne past its 365 days
            assert compter("SELECT count(*) FROM satisfactions WHERE sender_id = 'recente'") == 0
            assert compter("SELECT count(*) FROM reclamations WHERE contact = '[effacé]' AND sender_id IS NULL") == 1
            assert compter("SELECT count(*) FROM essais_identite") == 0
            assert compter("SELECT count(*) FROM essais_identite_sources WHERE numero = '24578301'") == 0
    finally:
        moteur.dispose()
    assert not (donnees / "grc.sqlite3").exists()  # nothing went to the default file
