"""`contenu revoir`: the questions the assistant missed, read from a real conversation store, suggested by the running
assistant (same model), attached with one key; form answers and masked data never become examples."""

import io
import shutil

import pytest
import yaml

from guichet.construction.projet import Projet
from guichet.construction.sources_faq import lire_sources
from guichet.edition.__main__ import main
from tests.guichet.pilotage.test_resumes import base
from tests.integration.conftest import RACINE
from tests.integration.serveurs import JETON

pytestmark = pytest.mark.integration


def message(t, texte, intention, confiance=0.3):
    return {"event": "user", "timestamp": t, "text": texte, "input_channel": "rest",
            "parse_data": {"intent": {"name": intention, "confidence": confiance}, "text": texte}}


def historique(maintenant):
    return {
        "a": [{"event": "session_started", "timestamp": maintenant - 100},
              message(maintenant - 99, "ou je peux me debarrasser de mon vieux frigo et de la machine a laver", "nlu_fallback")],
        "b": [{"event": "session_started", "timestamp": maintenant - 90},
              message(maintenant - 89, "ou je peux me debarrasser de mon vieux frigo et de la machine a laver", "nlu_fallback"),
              {"event": "slot", "timestamp": maintenant - 88, "name": "requested_slot", "value": "description_reclamation"},
              message(maintenant - 87, "la cantine a servi un repas froid", "nlu_fallback"),  # a form answer: never shown
              {"event": "slot", "timestamp": maintenant - 86, "name": "requested_slot", "value": None},
              message(maintenant - 85, "rappelez moi au 06 12 34 56 78", "nlu_fallback"),
              message(maintenant - 84, "quel temps fera t il demain a la plage", "nlu_fallback")],
    }


def test_revoir_attaches_missed_questions_with_one_key(serveurs, tmp_path, monkeypatch, capsys):
    import time

    racine = tmp_path / "projet"  # a copy: the published model and its fingerprints are the running assistant's
    for dossier in ("contenu", "bot"):
        shutil.copytree(RACINE / dossier, racine / dossier, ignore=shutil.ignore_patterns(".rasa", "publications", "essai"))
    base(tmp_path, historique(time.time()))  # the conversation store, as Rasa's SQL tracker store lays it out
    monkeypatch.setenv("GUICHET_TRACKER_BASE", str(tmp_path / "conversations.sqlite3"))
    monkeypatch.setenv("GUICHET_RASA_URL", serveurs.url)
    monkeypatch.setenv("GUICHET_API_TOKEN", JETON)
    assert main(["--racine", str(racine), "revoir", "--liste"]) == 0
    liste = capsys.readouterr().out
    assert "   2  ou je peux me debarrasser de mon vieux frigo" in liste and "la cantine" not in liste
    assert "rappelez moi au [téléphone]" in liste and "06 12" not in liste

    monkeypatch.setattr("sys.stdin", io.StringIO("faq/dechetterie\nh\n"))
    assert main(["--racine", str(racine), "revoir"]) == 0
    sortie = capsys.readouterr()
    assert "chargement du modèle ici" not in sortie.err  # the running assistant suggested
    assert "2 question(s) ajoutée(s)" in sortie.out and "donnée masquée" in sortie.out
    projet = Projet(racine)
    sources, constats = lire_sources(projet.faq)
    assert not [c for c in constats if c.niveau.value == "erreur"]
    [dechetterie] = [e for e in sources.entrees if e.id == "dechetterie"]
    assert dechetterie.questions[-1] == "ou je peux me debarrasser de mon vieux frigo et de la machine a laver"
    nlu = yaml.safe_load((projet.bot / "data" / "nlu.yml").read_text())
    hors = next(b for b in nlu["nlu"] if b.get("intent") == "hors_perimetre")["examples"]
    assert "- quel temps fera t il demain a la plage" in hors and "[téléphone]" not in hors
