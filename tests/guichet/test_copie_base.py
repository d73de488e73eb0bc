"""Switching to PostgreSQL: the embedded SQLite records copied, numbers kept, a second copy refused."""

import datetime as dt

import pytest
import sqlalchemy as sa

from connecteurs.chatwoot import LiensChatwoot
from connecteurs.essais_identite import ConfigEssais
from connecteurs.grc_embarquee.grc import ConfigGrcEmbarquee, GrcEmbarquee
from connecteurs.modeles import (
    CategorieSignalement,
    ContexteConversation,
    NouveauSignalement,
    NouvelleReclamation,
    Satisfaction,
)
from guichet.console.comptes import Comptes
from guichet.copie_base import main

MOT_DE_PASSE = "un mot de passe assez long"


@pytest.fixture
async def donnees(tmp_path):
    """A town's data folder after some use of the embedded defaults."""
    dossier = tmp_path / "donnees"
    essais = ConfigEssais(f"sqlite:///{dossier / 'essais_identite.sqlite3'}")  # the counters' own file, as `make run` has it
    grc = await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(f"sqlite:///{dossier / 'grc.sqlite3'}", regle_essais=essais))
    signalement = await grc.creer_signalement(NouveauSignalement(CategorieSignalement.ECLAIRAGE, "3 rue X", "lampadaire", "rest", "u1"))
    await grc.abonner(signalement.numero, "claire@example.org")
    await grc.creer_reclamation(NouvelleReclamation("Bruit", "voisin", "0612345678", "rest", "u1"))
    escalade = await grc.creer_escalade(ContexteConversation("u1", "socketio", (), (), {}, None))
    await grc.prendre_escalade(escalade.reference, "camille")
    await grc.enregistrer_satisfaction(Satisfaction("u1", "rest", "5"))
    await grc.verifier_identite("24578301", dt.date(1999, 1, 1), source="a-1")  # one failure counted
    await grc.fermer()
    await LiensChatwoot(f"sqlite:///{dossier / 'chatwoot.sqlite3'}").enregistrer(41, "u1", "socketio", "00000041", 12.5)
    Comptes(f"sqlite:///{dossier / 'comptes.sqlite3'}").creer("camille", MOT_DE_PASSE, "agent")
    return dossier, escalade.reference


async def test_copy_to_postgresql_keeps_every_record_and_numbering(donnees, url_sql, capsys):
    dossier, reference = donnees
    assert main(["--vers", url_sql, "--donnees", str(dossier)]) == 0
    sortie = capsys.readouterr().out
    assert "signalements: 2 rows" in sortie and "comptes: 1 rows" in sortie and "GUICHET_GRC_BASE" in sortie
    grc = await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(url_sql, semer_donnees_demo=False))
    copiee = await grc.lire_escalade(reference)
    assert copiee.conseiller == "camille" and copiee.pris_le is not None
    nouveau = await grc.creer_signalement(NouveauSignalement(CategorieSignalement.VOIRIE, "5 rue Y", "trou", "rest", "u2"))
    assert nouveau.numero == "S-000003"  # numbering continues after the copied reports
    assert (await grc.creer_reclamation(NouvelleReclamation("A", "b", "c@d.fr", "rest", "u2"))).numero == "R-000002"
    with grc.base.lire() as c:
        assert c.execute(sa.text("SELECT echecs FROM essais_identite_sources WHERE numero = '24578301'")).scalar_one() == 1
        assert c.execute(sa.text("SELECT contact FROM abonnements")).scalar_one() == "claire@example.org"
    await grc.fermer()
    grc = await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(url_sql, semer_donnees_demo=False, regle_essais=ConfigEssais(url_sql)))
    assert (await grc.verifier_identite("24578301", dt.date(1999, 1, 2), source="a-1")).essais_restants == 1  # the second
    await grc.fermer()
    assert (await LiensChatwoot(url_sql).lien(41)).dernier_horodatage == 12.5
    assert Comptes(url_sql).verifier("camille", MOT_DE_PASSE).role == "agent"
    # a second copy would duplicate: refused, nothing written
    assert main(["--vers", url_sql, "--donnees", str(dossier)]) == 2
    assert "already holds rows" in capsys.readouterr().err


def test_bad_target_or_empty_folder_is_explained(tmp_path, capsys):
    assert main(["--vers", "mysql://h/b", "--donnees", str(tmp_path)]) == 2
    assert "sqlite or postgresql" in capsys.readouterr().err
    assert main(["--vers", f"sqlite:///{tmp_path / 'cible.sqlite3'}", "--donnees", str(tmp_path / "vide")]) == 2
    assert "nothing to copy" in capsys.readouterr().err
