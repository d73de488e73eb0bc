"""docker-compose.yml stays valid and consistent with the README and the launcher."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

RACINE = Path(__file__).resolve().parent.parent


def test_compose_file_is_valid():
    docker_compose = shutil.which("docker-compose")
    if docker_compose is None:
        pytest.fail("docker-compose is not installed: `make test` installs it (make systeme)")
    env = {**os.environ, "GUICHET_API_TOKEN": "x" * 20}
    resultat = subprocess.run([docker_compose, "-f", str(RACINE / "docker-compose.yml"), "config", "-q"], env=env, capture_output=True, text=True)
    assert resultat.returncode == 0, resultat.stderr
    sans_jeton = {k: v for k, v in env.items() if k != "GUICHET_API_TOKEN"}
    resultat = subprocess.run([docker_compose, "-f", str(RACINE / "docker-compose.yml"), "config", "-q"], env=sans_jeton, capture_output=True, text=True)
    assert resultat.returncode != 0 and "GUICHET_API_TOKEN" in resultat.stderr


def test_compose_matches_the_defaults():
    compose = yaml.safe_load((RACINE / "docker-compose.yml").read_text())
    assert set(compose["services"]) >= {"rasa", "actions"}
    commande = " ".join(compose["services"]["rasa"]["command"])
    assert "--port 5005" in commande and "--enable-api" in commande and "--auth-token" in commande
    assert "5055" in " ".join(compose["services"]["actions"]["command"])


def test_readme_opens_with_the_two_commands_and_ci_calls_the_test_one():
    lignes = [l for l in (RACINE / "README.md").read_text().splitlines() if l.strip()]
    assert lignes[1:4] == ["```sh", lignes[2], lignes[3]] and lignes[2].startswith("make run") and lignes[3].startswith("make test")
    assert "make test" in (RACINE / ".ci" / "run").read_text()
