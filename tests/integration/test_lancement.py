"""The README's run command and the terminal chat, as a newcomer uses them."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.integration.conftest import RACINE
from tests.integration.serveurs import port_libre, ports_libres

pytestmark = pytest.mark.integration


def test_terminal_chat_talks_to_the_running_server(serveurs):
    resultat = subprocess.run(
        [sys.executable, "-m", "guichet.exploitation.terminal", "--url", f"{serveurs.url}/webhooks/rest/webhook"],
        input="bonjour\nje veux parler à un conseiller\n\n", capture_output=True, text=True, timeout=60, cwd=RACINE,
    )
    assert resultat.returncode == 0, resultat.stderr
    assert "bot> Bonjour, je suis l'assistant virtuel" in resultat.stdout


def test_terminal_chat_explains_when_no_server_runs():
    resultat = subprocess.run(
        [sys.executable, "-m", "guichet.exploitation.terminal", "--url", f"http://127.0.0.1:{port_libre()}/webhooks/rest/webhook"],
        input="bonjour\n", capture_output=True, text=True, timeout=60, cwd=RACINE,
    )
    assert resultat.returncode == 2
    assert "is `make run` running?" in resultat.stderr and "Traceback" not in resultat.stderr


def test_run_command_starts_prints_where_and_stops_cleanly(tmp_path):
    port_rasa, port_actions, port_console, port_modeles = ports_libres(4)
    env = {
        **os.environ,
        "GUICHET_DONNEES": str(tmp_path / "donnees"),
        "GUICHET_PORT": str(port_rasa),
        "GUICHET_ACTIONS_PORT": str(port_actions),
        "GUICHET_CONSOLE_PORT": str(port_console),
        "GUICHET_DEPOT_MODELES_PORT": str(port_modeles),
        "GUICHET_MODELES": str(tmp_path / "sans-modeles"),
        "GUICHET_WORKERS": "1",
    }
    env.pop("GUICHET_API_TOKEN", None)
    journal = open(tmp_path / "serveurs.log", "w")
    processus = subprocess.Popen(
        [sys.executable, "-m", "guichet.exploitation.lancement"], cwd=RACINE, env=env, stdout=subprocess.PIPE, stderr=journal, text=True
    )
    try:
        sortie = []
        fin = time.monotonic() + 240
        while time.monotonic() < fin:
            ligne = processus.stdout.readline()
            if not ligne:
                break
            sortie.append(ligne)
            if "Ctrl-C stops everything" in ligne:
                break
        texte = "".join(sortie)
        erreurs = "\n".join((tmp_path / "serveurs.log").read_text(errors="replace").splitlines()[-30:])
        assert "Guichet is ready" in texte, texte + erreurs
        assert f"http://127.0.0.1:{env['GUICHET_PORT']}/webhooks/rest/webhook" in texte
        donnees = tmp_path / "donnees"
        assert f"{donnees}/jeton_api (generated)" in texte
        jeton = (donnees / "jeton_api").read_text().strip()
        assert len(jeton) >= 32 and oct((donnees / "jeton_api").stat().st_mode & 0o777) == "0o600"
        assert jeton not in texte  # the token itself is never printed
        console = f"http://127.0.0.1:{port_console}"
        assert f"{console}/widget/demo" in texte
        assert f"phone:      not started: {tmp_path / 'sans-modeles'}/vosk-model-small-fr-0.22 is missing (make modeles)" in texte
        with urllib.request.urlopen(f"{console}/widget/guichet.js", timeout=10) as r:
            script = r.read().decode()
        assert "session_request" in script and f'"serveur": "http://127.0.0.1:{port_rasa}"' in script
        with urllib.request.urlopen(f"{console}/", timeout=10) as r:  # agents are asked to sign in
            assert r.url.endswith("/connexion")
        requete = urllib.request.Request(f"http://127.0.0.1:{port_rasa}/webhooks/rest/webhook", method="POST",
                                         data=b'{"sender": "essai-droits", "message": "bonjour"}',
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(requete, timeout=60) as r:
            assert r.status == 200
        # the model server runs the model the Rasa server runs, kept in the data directory
        depot = f"http://127.0.0.1:{port_modeles}/modele"
        assert f"models:     {depot}" in texte
        with urllib.request.urlopen(urllib.request.Request(f"{depot}/actuel", headers={"Authorization": f"Bearer {jeton}"}), timeout=10) as r:
            publie = json.loads(r.read())["actuel"]["model_id"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port_rasa}/status?token={jeton}", timeout=10) as r:
            assert json.loads(r.read())["model_id"] == publie
        assert list((donnees / "depot-modeles" / "versions").glob(f"{publie}.tar.gz"))
        bases = {f.name: oct(f.stat().st_mode & 0o777) for f in donnees.iterdir() if ".sqlite3" in f.name}
        assert {"conversations.sqlite3", "grc.sqlite3", "comptes.sqlite3"} <= set(bases), bases
        assert set(bases.values()) == {"0o600"}, bases  # conversations, cases, accounts: never world-readable
    finally:
        processus.send_signal(signal.SIGTERM)
        code = processus.wait(timeout=60)
        journal.close()
    assert code == 0


def test_run_command_rejects_bad_configuration(tmp_path):
    env = {**os.environ, "GUICHET_DONNEES": str(tmp_path), "GUICHET_PORT": "cinq"}
    resultat = subprocess.run([sys.executable, "-m", "guichet.exploitation.lancement"], cwd=RACINE, env=env, capture_output=True, text=True, timeout=120)
    assert resultat.returncode == 2
    assert "GUICHET_PORT must be a whole number (1 to 65535), got 'cinq'" in resultat.stderr and "Traceback" not in resultat.stderr


def test_run_command_explains_an_unusable_data_directory(tmp_path):
    fichier = tmp_path / "pas-un-dossier"
    fichier.write_text("")
    env = {**os.environ, "GUICHET_DONNEES": str(fichier / "donnees")}
    resultat = subprocess.run(
        [sys.executable, "-m", "guichet.exploitation.lancement", "--sans-entrainement"], cwd=RACINE, env=env, capture_output=True, text=True, timeout=120
    )
    assert resultat.returncode == 2
    assert "error: Not a directory" in resultat.stderr and "Traceback" not in resultat.stderr
