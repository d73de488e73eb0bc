"""`contenu essayer` asks the running assistant when it runs the published model: no model loaded by the tool."""

import json

import pytest

from guichet.edition.__main__ import main
from tests.integration.serveurs import JETON

pytestmark = pytest.mark.integration


def test_essayer_asks_the_running_assistant_that_runs_the_published_model(serveurs, capsys, monkeypatch):
    monkeypatch.setenv("GUICHET_RASA_URL", serveurs.url)
    monkeypatch.setenv("GUICHET_API_TOKEN", JETON)
    assert main(["essayer", "--json", "a quelle heure ouvre la mairie", "où en est mon dossier"]) == 0
    sortie = capsys.readouterr()
    essais = json.loads(sortie.out)
    assert all(e["modele"]["serveur"] == serveurs.url and e["modele"]["fichier"] == "guichet.tar.gz" for e in essais)
    assert "chargement du modèle ici" not in sortie.err
    assert essais[0]["repond"] and essais[0]["premier"]["etiquette"] == "horaires_mairie"
    assert essais[1]["intention"] == "suivre_dossier" and essais[1]["reponse"] is None
    assert main(["essayer", "a quelle heure ouvre la mairie"]) == 0
    assert f"par l'assistant en marche ({serveurs.url})" in capsys.readouterr().out
