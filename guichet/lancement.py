"""`make run`: train if needed, then start the action server and the Rasa server.

Everything has an embedded default (SQLite GRC and tracker store in the data
directory, 127.0.0.1:5005 and :5055); every default can be changed through the
environment (see README). The API token comes from GUICHET_API_TOKEN or is
generated once and stored in the data directory.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from configuration.chemins import RACINE, dossier_donnees
from configuration.environnement import entier
from configuration.erreurs import ErreurConfiguration
from configuration.jeton import FICHIER_JETON
from configuration.secrets import verifier_secret
from guichet.entrainement import ProjetRasa, entrainer, environnement_rasa


@dataclass(frozen=True)
class ConfigLancement:
    hote: str
    port_rasa: int
    port_actions: int
    dossier_donnees: Path
    jeton_api: str | None  # None: generated and stored in the data directory
    workers: int = 1  # Sanic workers of the Rasa server
    delai_demarrage: float = 300.0
    port_console: int = 5080  # agents' console and the citizens' widget

    def __post_init__(self) -> None:
        for nom in ("port_rasa", "port_actions", "port_console"):
            port = getattr(self, nom)
            if not 0 < port < 65536:
                raise ErreurConfiguration(f"{nom} must be a TCP port, got {port}")
        if len({self.port_rasa, self.port_actions, self.port_console}) != 3:
            raise ErreurConfiguration("GUICHET_PORT, GUICHET_ACTIONS_PORT and GUICHET_CONSOLE_PORT must differ")
        if not 1 <= self.workers <= 64:
            raise ErreurConfiguration(f"GUICHET_WORKERS must be between 1 and 64, got {self.workers}")
        if self.jeton_api is not None:
            verifier_secret("GUICHET_API_TOKEN", self.jeton_api)

    @classmethod
    def depuis_env(cls, env: Mapping[str, str] = os.environ) -> ConfigLancement:
        def port(nom: str, defaut: int) -> int:
            return entier(env, nom, defaut, 1, 65535)

        return cls(
            hote=env.get("GUICHET_HOTE", "127.0.0.1"),
            port_rasa=port("GUICHET_PORT", 5005),
            port_actions=port("GUICHET_ACTIONS_PORT", 5055),
            dossier_donnees=dossier_donnees(env).resolve(),
            jeton_api=env.get("GUICHET_API_TOKEN") or None,
            workers=port("GUICHET_WORKERS", WORKERS_PAR_DEFAUT),
            port_console=port("GUICHET_CONSOLE_PORT", 5080),
        )

    @property
    def fichier_jeton(self) -> Path:
        return self.dossier_donnees / FICHIER_JETON


# One Sanic worker by default: socket.io long-polling needs every request of a
# session on the same process. Two workers (GUICHET_WORKERS=2) give +70 % turns/s
# on 2 cores but then socket.io clients must use the WebSocket transport
# (docs/performances.md).
WORKERS_PAR_DEFAUT = 1


def jeton_api(config: ConfigLancement) -> tuple[str, str]:
    """(token, where it comes from)."""
    if config.jeton_api:
        return config.jeton_api, "GUICHET_API_TOKEN"
    fichier = config.fichier_jeton
    if fichier.exists():
        return fichier.read_text().strip(), str(fichier)
    jeton = secrets.token_urlsafe(32)
    fichier.parent.mkdir(parents=True, exist_ok=True)
    descripteur = os.open(fichier, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descripteur, "w") as f:
        f.write(jeton + "\n")
    return jeton, f"{fichier} (generated)"


def environnement_serveurs(config: ConfigLancement) -> dict[str, str]:
    env = environnement_rasa()
    env.setdefault("GUICHET_DONNEES", str(config.dossier_donnees))
    env.setdefault("GUICHET_ACTIONS_URL", f"http://{config.hote}:{config.port_actions}/webhook")
    env.setdefault("GUICHET_TRACKER_DIALECTE", "sqlite")
    env.setdefault("GUICHET_TRACKER_HOTE", "")
    env.setdefault("GUICHET_TRACKER_BASE", str(config.dossier_donnees / "conversations.sqlite3"))
    env.setdefault("GUICHET_VERROUS_BASE", str(config.dossier_donnees / "verrous.sqlite3"))
    env.setdefault("GUICHET_VERROUS_HOTE", "")  # Redis host when GUICHET_VERROUS_TYPE=redis
    env.setdefault("GUICHET_VERROUS_PORT", "6379")
    # one process: Rasa's in-memory locks (the SQLite store costs ~3 ms a turn, docs/performances.md)
    env.setdefault("GUICHET_VERROUS_TYPE", "serveur_rasa.verrous_memoire.VerrousMemoire" if config.workers == 1 else "serveur_rasa.verrous_sqlite.VerrousSqlite")
    env["SANIC_WORKERS"] = str(config.workers)
    # Rasa → action server: loopback and a shared secret (bot/endpoints.yml); one per start unless given
    env.setdefault("GUICHET_ACTIONS_HOTE", config.hote)
    if not env.get("GUICHET_ACTIONS_SECRET"):
        env["GUICHET_ACTIONS_SECRET"] = secrets.token_urlsafe(32)
    return env


def environnement_rasa_serveur(env: Mapping[str, str], jeton: str) -> dict[str, str]:
    """The Rasa server's environment: the API token also keys the socket.io session ids (serveur_rasa/session_socketio.py)."""
    return {**env, "GUICHET_API_TOKEN": jeton}


def preparer_bases(env: Mapping[str, str]) -> None:
    """WAL journal on the SQLite tracker store, so that workers read while one writes."""
    if env.get("GUICHET_TRACKER_DIALECTE") == "sqlite":
        chemin = Path(env["GUICHET_TRACKER_BASE"])
        chemin.parent.mkdir(parents=True, exist_ok=True)
        connexion = sqlite3.connect(chemin)
        try:
            connexion.execute("PRAGMA journal_mode = WAL")
        finally:
            connexion.close()


def verifier_services(env: Mapping[str, str]) -> None:
    """Fail fast, with one clear message, on what the action server would trip over later."""
    import asyncio

    from actions.config import ConfigActions
    from actions.services import ouvrir_grc
    from configuration.commune import charger_commune

    config_actions = ConfigActions.depuis_env(env)
    charger_commune(config_actions.chemin_commune)
    try:
        grc = asyncio.run(ouvrir_grc(config_actions))
        asyncio.run(grc.fermer())
    except OSError as exc:
        raise ErreurConfiguration(f"the GRC cannot be opened in {config_actions.dossier_donnees}: {exc}") from None


def commande_actions(config: ConfigLancement) -> list[str]:
    return [sys.executable, "-m", "actions", "--port", str(config.port_actions),
            "--logging-config_file", str(RACINE / "guichet" / "journalisation.yml")]


def commande_console() -> list[str]:
    return [sys.executable, "-m", "guichet.console"]


def environnement_console(config: ConfigLancement, env: Mapping[str, str], jeton: str) -> dict[str, str]:
    return {**env, "GUICHET_API_TOKEN": jeton, "GUICHET_CONSOLE_PORT": str(config.port_console),
            "GUICHET_RASA_URL": env.get("GUICHET_RASA_URL") or f"http://{config.hote}:{config.port_rasa}"}


def demarrer_voix(config: ConfigLancement, env: dict[str, str], processus: list[subprocess.Popen[bytes]]) -> str:
    """The phone gateway, when the French speech models are installed; what to print either way."""
    from voix.config import ConfigVoix

    voix = ConfigVoix.depuis_env(env)
    manquants = [p for p in (voix.chemin_vosk, voix.chemin_piper) if not p.exists()]
    if manquants:
        return f"not started: {manquants[0]} is missing (make modeles)"
    processus.append(subprocess.Popen([sys.executable, "-m", "voix"], cwd=RACINE, env=env))
    attendre(f"http://{voix.hote}:{voix.port_http}/sante", config.delai_demarrage, processus)
    return (f"AudioSocket tcp://{voix.hote}:{voix.port_audiosocket}, media streams ws://{voix.hote}:{voix.port_http}/flux "
            f"(docs/voix.md)")


def commande_rasa(config: ConfigLancement, jeton: str, modele: Path) -> list[str]:
    bot = RACINE / "bot"
    return [
        sys.executable, "-m", "serveur_rasa", "run", "--enable-api", "--auth-token", jeton,
        "--interface", config.hote, "--port", str(config.port_rasa),
        "--model", str(modele), "--credentials", str(bot / "credentials.yml"),
        "--endpoints", str(bot / "endpoints.yml"), "--cors", "*",
        "--logging-config-file", str(RACINE / "guichet" / "journalisation.yml"),
    ]


def attendre(url: str, delai: float, processus: list[subprocess.Popen[bytes]]) -> None:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        for p in processus:
            if p.poll() is not None:
                raise ErreurConfiguration(f"a server exited during start-up (exit {p.returncode}): {' '.join(map(str, p.args[:4]))}")  # type: ignore[index]
        try:
            with urllib.request.urlopen(url, timeout=2) as reponse:
                if reponse.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise ErreurConfiguration(f"{url} not ready after {delai:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start Guichet (Rasa server + action server) on embedded defaults.")
    parser.add_argument("--sans-entrainement", action="store_true", help="use the existing model without checking it")
    args = parser.parse_args(argv)
    processus: list[subprocess.Popen[bytes]] = []
    try:
        config = ConfigLancement.depuis_env()
        projet = ProjetRasa()
        if not args.sans_entrainement:
            entrainer(projet)
        if not projet.modele.exists():
            raise ErreurConfiguration(f"no model at {projet.modele}: run `make train`")
        jeton, origine = jeton_api(config)
        env = environnement_serveurs(config)
        preparer_bases(env)
        verifier_services(env)
        debut = time.monotonic()
        processus.append(subprocess.Popen(commande_actions(config), cwd=RACINE, env=env))
        processus.append(subprocess.Popen(commande_rasa(config, jeton, projet.modele), cwd=RACINE,
                                          env=environnement_rasa_serveur(env, jeton)))
        attendre(f"http://{config.hote}:{config.port_actions}/health", config.delai_demarrage, processus)
        base = f"http://{config.hote}:{config.port_rasa}"
        attendre(f"{base}/webhooks/rest/", config.delai_demarrage, processus)
        processus.append(subprocess.Popen(commande_console(), cwd=RACINE, env=environnement_console(config, env, jeton)))
        console = f"http://{config.hote}:{config.port_console}"
        attendre(f"{console}/widget/guichet.css", config.delai_demarrage, processus)
        voix = demarrer_voix(config, environnement_console(config, env, jeton), processus)
        print(
            f"\nGuichet is ready ({time.monotonic() - debut:.0f} s).\n"
            f"  REST:       POST {base}/webhooks/rest/webhook  {{\"sender\": \"moi\", \"message\": \"Bonjour\"}}\n"
            f"  socket.io:  {base}/socket.io (rasa-webchat protocol)\n"
            f"  voice:      POST {base}/webhooks/voix/webhook\n"
            f"  HTTP API:   {base}/status?token=…  (token: {origine})\n"
            f"  widget:     {console}/widget/demo  (a portal page with the two lines to copy)\n"
            f"  console:    {console}/  (agents; accounts: python -m guichet.console.comptes creer NOM --role agent --stdin)\n"
            f"  phone:      {voix}\n"
            f"  terminal:   make chat\n"
            f"  data:       {config.dossier_donnees}\n"
            "Ctrl-C stops everything.",
            flush=True,
        )
    except ErreurConfiguration as exc:
        print(f"error: {exc}", file=sys.stderr)
        _arreter(processus)
        return 2
    except OSError as exc:  # data directory, ports, files
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        _arreter(processus)
        return 2
    except KeyboardInterrupt:
        _arreter(processus)
        return 130

    def sur_signal(signum: int, _frame: object) -> None:
        _arreter(processus)
        sys.exit(0)

    signal.signal(signal.SIGTERM, sur_signal)
    signal.signal(signal.SIGINT, sur_signal)
    while all(p.poll() is None for p in processus):
        time.sleep(1)
    _arreter(processus)
    print("error: a server stopped; Guichet is shut down", file=sys.stderr)
    return 1


def _arreter(processus: list[subprocess.Popen[bytes]]) -> None:
    for p in processus:
        if p.poll() is None:
            p.terminate()
    for p in processus:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()


if __name__ == "__main__":
    sys.exit(main())
