import json
import time

from guichet.construction.projet import Projet
from guichet.edition.__main__ import main
from guichet.edition.essai import choisir_modele, classements
from tests.guichet.edition.conftest import remplacer

ANALYSE = {
    "intent": {"name": "faq", "confidence": 0.9},
    "intent_ranking": [{"name": "faq", "confidence": 0.9}, {"name": "suivre_dossier", "confidence": 0.08}],
    "response_selector": {"faq": {
        "response": {"intent_response_key": "faq/piscine", "confidence": 0.7},
        "ranking": [{"intent_response_key": "faq/piscine", "confidence": 0.7}, {"intent_response_key": "faq/cantine", "confidence": 0.3}],
    }},
}


def test_candidates_combine_the_classifier_and_the_response_selector():
    c = classements(ANALYSE)
    assert [(x.etiquette, x.confiance) for x in c] == [("piscine", 0.63), ("cantine", 0.27), ("suivre_dossier", 0.08)]


def test_essayer_trains_only_when_questions_change(projet, capsys, monkeypatch):
    from tests.integration.serveurs import port_libre

    monkeypatch.setenv("GUICHET_RASA_URL", f"http://127.0.0.1:{port_libre()}")  # no assistant running there
    monkeypatch.setenv("GUICHET_API_TOKEN", "un-jeton-de-test-assez-long")
    publie = Projet(projet.racine)
    modele = choisir_modele(projet, publie)  # no model yet: the NLU is trained once
    assert modele.parent == projet.racine / "bot" / "models" / "essai" and modele.exists()
    date = modele.stat().st_mtime

    remplacer(projet.faq / "loisirs.yml", "L''entrée à la piscine coûte 3 €", "L''entrée à la piscine coûte 4 €")
    debut = time.monotonic()
    assert choisir_modele(projet, publie) == modele  # answer text only: same model, no training
    assert time.monotonic() - debut < 10 and modele.stat().st_mtime == date

    assert main(["--racine", str(projet.racine), "essayer", "--json", "c'est combien l'entrée de la piscine", "quel temps fait il demain"]) == 0
    sortie = capsys.readouterr()
    essais = json.loads(sortie.out)
    assert "pas de serveur joignable" in sortie.err and "chargement du modèle ici" in sortie.err  # says why and what
    assert essais[0]["modele"]["serveur"] is None and essais[0]["modele"]["fichier"] == modele.name
    assert essais[0]["premier"]["etiquette"] == "piscine" and essais[0]["repond"]
    assert essais[0]["second"]["etiquette"] != "piscine"
    assert essais[0]["reponse"]["texte"].startswith("L'entrée à la piscine coûte 4 €")  # the new text, read from the sources
    assert essais[1]["reponse"] is None

    remplacer(projet.faq / "ecole.yml", "  - ou trouver les menus de l'école\n", "  - ou trouver les menus de l'école\n  - les repas de la cantine sont bio ?\n")
    nouveau = choisir_modele(projet, publie)  # a new question: the NLU is retrained
    assert nouveau != modele and nouveau.exists() and not modele.exists()
