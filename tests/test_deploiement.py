"""docker-compose.yml stays valid and consistent with the README and the launcher."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

RACINE = Path(__file__).resolve().parent.parent


def test_compose_file_is_valid():
    docker_compose = shutil.which("docker-compose")
    if docker_compose is None:
        pytest.fail("docker-compose is not installed: `make test` installs it (make systeme)")
    env = {**os.environ, "GUICHET_API_TOKEN": "x" * 20, "GUICHET_ACTIONS_SECRET": "y" * 20}
    resultat = subprocess.run([docker_compose, "-f", str(RACINE / "docker-compose.yml"), "config", "-q"], env=env, capture_output=True, text=True)
    assert resultat.returncode == 0, resultat.stderr
    for secret in ("GUICHET_API_TOKEN", "GUICHET_ACTIONS_SECRET"):
        sans = {k: v for k, v in env.items() if k != secret}
        resultat = subprocess.run([docker_compose, "-f", str(RACINE / "docker-compose.yml"), "config", "-q"], env=sans, capture_output=True, text=True)
        assert resultat.returncode != 0 and secret in resultat.stderr


def test_production_placeholders_are_refused_at_start():
    """The Rasa container runs `python -m configuration.secrets` first: production.env as shipped does not start."""
    valeurs = dict(ligne.split("=", 1) for ligne in (RACINE / "deploiement" / "production.env").read_text().splitlines()
                   if ligne.strip() and not ligne.startswith("#"))
    commande = [sys.executable, "-m", "configuration.secrets", "GUICHET_API_TOKEN", "GUICHET_ACTIONS_SECRET"]
    base = {k: v for k, v in os.environ.items() if not k.startswith("GUICHET_")}
    refus = subprocess.run(commande, env={**base, **valeurs}, cwd=RACINE, capture_output=True, text=True)
    assert refus.returncode == 2 and "GUICHET_API_TOKEN is a placeholder" in refus.stderr
    bons = {**valeurs, "GUICHET_API_TOKEN": "Zq8vR2mK5tW9xB3nL7pD", "GUICHET_ACTIONS_SECRET": "Hc4jT8sF1gY6uE2wQ9rA"}
    refus = subprocess.run(commande, env={**base, **bons}, cwd=RACINE, capture_output=True, text=True)
    assert refus.returncode == 2 and "GUICHET_TRACKER_HOTE holds a placeholder password" in refus.stderr
    url = "postgresql://guichet:Vb7nM2kP9qL4@postgres:5432/guichet"
    bons = {**bons, "GUICHET_TRACKER_HOTE": url, "GUICHET_GRC_BASE": url}
    assert subprocess.run(commande, env={**base, **bons}, cwd=RACINE, capture_output=True, text=True).returncode == 0
    court = subprocess.run(commande, env={**base, **bons, "GUICHET_ACTIONS_SECRET": "court"}, cwd=RACINE, capture_output=True, text=True)
    assert court.returncode == 2 and "at least 16" in court.stderr
    compose = (RACINE / "docker-compose.yml").read_text()
    assert "python -m configuration.secrets GUICHET_API_TOKEN GUICHET_ACTIONS_SECRET &&" in compose


def test_nginx_exposes_only_the_citizens_routes():
    """The Rasa HTTP API (/conversations/…/tracker, PUT /model) is never proxied to the internet."""
    import re

    nginx = (RACINE / "deploiement" / "nginx.conf").read_text()
    blocs = re.findall(r"location\s+([^{]+)\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}", nginx)
    proxies = sorted(cible.strip() for cible, corps in blocs if "proxy_pass" in corps)
    assert proxies == ["/socket.io/", "= /webhooks/rest/webhook"]
    assert any(cible.strip() == "/" and "return 404" in corps for cible, corps in blocs)


def test_env_files_stay_out_of_the_image():
    ignores = (RACINE / ".dockerignore").read_text().split()
    assert ".env" in ignores and "**/*.env" in ignores


def test_compose_matches_the_defaults():
    compose = yaml.safe_load((RACINE / "docker-compose.yml").read_text())
    assert set(compose["services"]) >= {"rasa", "actions"}
    commande = " ".join(compose["services"]["rasa"]["command"])
    assert "--port 5005" in commande and "--enable-api" in commande and "--auth-token" in commande
    assert "python -m serveur_rasa run" in commande  # Rasa's CLI with Guichet's fixes (serveur_rasa/correctifs.py)
    assert compose["services"]["actions"]["command"] == ["python", "-m", "actions", "--port", "5055"]


def test_readme_opens_with_the_two_commands_and_ci_calls_the_test_one():
    lignes = [ligne for ligne in (RACINE / "README.md").read_text().splitlines() if ligne.strip()]
    assert lignes[1:4] == ["```sh", lignes[2], lignes[3]] and lignes[2].startswith("make run") and lignes[3].startswith("make test")
    assert "make test" in (RACINE / ".ci" / "run").read_text()


def test_production_profile_runs_two_replicas_on_postgresql_and_redis_behind_nginx():
    docker_compose = shutil.which("docker-compose")
    assert docker_compose, "docker-compose is not installed: `make test` installs it (make systeme)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUICHET_")}
    resultat = subprocess.run(
        [docker_compose, "-f", str(RACINE / "docker-compose.yml"), "-f", str(RACINE / "deploiement" / "production.yml"),
         "--env-file", str(RACINE / "deploiement" / "production.env"), "--profile", "production", "config"],
        env=env, capture_output=True, text=True,
    )
    assert resultat.returncode == 0, resultat.stderr
    services = yaml.safe_load(resultat.stdout)["services"]
    assert {"rasa", "rasa-2", "actions", "postgres", "redis", "nginx"} <= set(services)
    for replique in ("rasa", "rasa-2"):
        env_replique = services[replique]["environment"]
        assert env_replique["GUICHET_TRACKER_DIALECTE"] == "postgresql" and "@postgres:5432/" in env_replique["GUICHET_TRACKER_HOTE"]
        assert env_replique["GUICHET_VERROUS_TYPE"] == "serveur_rasa.verrous_redis.VerrousRedis" and env_replique["GUICHET_VERROUS_HOTE"] == "redis"
        assert env_replique["GUICHET_SOCKETIO_REDIS"] == "redis://redis:6379/2"
    for service in ("actions", "console"):  # the GRC side's records in PostgreSQL too, nothing on one machine's disk
        assert services[service]["environment"]["GUICHET_GRC_BASE"].startswith("postgresql://guichet:")
        assert services[service]["environment"]["GUICHET_GRC_BASE"].endswith("@postgres:5432/guichet")
    for nom, service in services.items():  # every service says when it is ready, and waits for what it needs to be
        assert "healthcheck" in service, f"{nom} has no healthcheck"
        for dependance, condition in (service.get("depends_on") or {}).items():
            assert condition == {"condition": "service_healthy"}, (nom, dependance, condition)
    # nothing that keeps records in PostgreSQL or shares Redis starts before they are ready
    for nom in ("actions", "console", "rasa", "rasa-2"):  # tracker store, GRC side, accounts
        assert services[nom]["depends_on"]["postgres"] == {"condition": "service_healthy"}, nom
    assert set(services["rasa-2"]["depends_on"]) == {"actions", "depot-modeles", "postgres", "redis"}
    assert set(services["rasa"]["depends_on"]) == {"actions", "depot-modeles", "postgres", "redis"}
    assert set(services["nginx"]["depends_on"]) == {"rasa", "rasa-2"} and set(services["console"]["depends_on"]) == {"rasa", "postgres"}
    # both replicas pull the published model from the model server, which keeps it in the data volume
    for replique in ("rasa", "rasa-2"):
        assert services[replique]["environment"]["GUICHET_DEPOT_MODELES_URL"] == "http://depot-modeles:5090/modele"
    assert services["rasa-2"]["ports"] and "5006" in str(services["rasa-2"]["ports"][0])  # loopback, for `publier`'s checks
    depot = services["depot-modeles"]
    assert depot["command"] == ["python", "-m", "guichet.depot_modeles"] and "5090" in str(depot["ports"][0])
    assert any("/donnees" in str(v) for v in depot["volumes"])
    nginx = (RACINE / "deploiement" / "nginx.conf").read_text()
    assert "server rasa:5005" in nginx and "server rasa-2:5005" in nginx
    # without the profile, the embedded defaults
    defaut = subprocess.run([docker_compose, "-f", str(RACINE / "docker-compose.yml"), "config"],
                            env={**env, "GUICHET_API_TOKEN": "x" * 20, "GUICHET_ACTIONS_SECRET": "y" * 20}, capture_output=True, text=True)
    services = yaml.safe_load(defaut.stdout)["services"]
    sans_profil = {nom for nom, service in services.items() if not service.get("profiles")}
    assert sans_profil == {"rasa", "actions", "console", "depot-modeles"} and services["rasa"]["environment"]["GUICHET_TRACKER_DIALECTE"] == "sqlite"
    telephone = subprocess.run([docker_compose, "-f", str(RACINE / "docker-compose.yml"), "--profile", "telephone", "config"],
                               env={**env, "GUICHET_API_TOKEN": "x" * 20, "GUICHET_ACTIONS_SECRET": "y" * 20}, capture_output=True, text=True)
    assert telephone.returncode == 0, telephone.stderr
    voix = yaml.safe_load(telephone.stdout)["services"]["voix"]
    assert voix["command"] == ["python", "-m", "voix"] and voix["environment"]["GUICHET_MODELES"] == "/modeles"
    assert voix["environment"]["GUICHET_RASA_URL"] == "http://rasa:5005"
    assert "healthcheck" in voix and voix["depends_on"] == {"rasa": {"condition": "service_healthy"}}
    cibles = [v["target"] if isinstance(v, dict) else str(v).split(":")[1] for v in voix["volumes"]]
    assert "/donnees" in cibles  # the pre-synthesised answers (cache-voix) survive a restart
    console = services["console"]
    assert console["environment"]["GUICHET_RASA_URL"] == "http://rasa:5005" and console["command"] == ["python", "-m", "guichet.console"]
    assert console["environment"]["GUICHET_API_TOKEN"] == "x" * 20 and str(console["ports"][0]).startswith("127.0.0.1:5080:5080")
