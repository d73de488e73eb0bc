"""Rasa conversation tests (`rasa test core` on bot/tests/*.yml) against the real action server."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from guichet.construction.projet import Projet
from tests.integration.conftest import TOUJOURS_FERME, commune_avec_horaires

pytestmark = pytest.mark.integration
RACINE = Path(__file__).resolve().parents[2]


def lancer_histoires(serveurs, fichier: str, sortie: Path) -> None:
    commande = [
        sys.executable, "-m", "serveur_rasa", "test", "core", "--stories", str(RACINE / "bot" / "tests" / fichier),
        "--model", str(Projet().modele), "--endpoints", str(RACINE / "bot" / "endpoints.yml"),
        "--out", str(sortie), "--no-plot",
    ]
    env = {**serveurs.env, "GUICHET_TRACKER_BASE": str(sortie / "histoires.sqlite3")}
    resultat = subprocess.run(commande, cwd=RACINE / "bot", env=env, capture_output=True, text=True, timeout=600)
    echecs = sortie / "failed_test_stories.yml"
    detail = echecs.read_text() if echecs.exists() else "\n".join(ligne for ligne in (resultat.stdout + resultat.stderr).splitlines() if "it/s" not in ligne)[-4000:]
    assert resultat.returncode == 0, detail
    assert yaml.safe_load(echecs.read_text()) is None, detail  # "None of the test stories failed"


def test_histoires_conseillers_disponibles(serveurs, tmp_path):
    lancer_histoires(serveurs, "histoires.yml", tmp_path)


def test_histoires_hors_horaires(serveurs, actions_avec, tmp_path):
    actions_avec(GUICHET_COMMUNE=str(commune_avec_horaires(tmp_path, TOUJOURS_FERME)))
    lancer_histoires(serveurs, "histoires_hors_horaires.yml", tmp_path)


def test_histoires_grc_en_panne(serveurs, actions_avec, tmp_path):
    actions_avec(GUICHET_GRC="tests.fakes.grc_en_panne:GrcEnPanne")
    lancer_histoires(serveurs, "histoires_grc_en_panne.yml", tmp_path)
