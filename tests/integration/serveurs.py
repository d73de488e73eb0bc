"""Real Rasa and action servers for the integration tests."""

from __future__ import annotations

import random
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from guichet.construction.entrainement import RACINE, entrainer
from guichet.construction.projet import Projet
from guichet.exploitation.lancement import (
    WORKERS_PAR_DEFAUT,
    ConfigLancement,
    commande_actions,
    commande_rasa,
    environnement_serveurs,
    preparer_bases,
)

JETON = "jeton-de-test-7Fq2pLw9ZrK4mNvB"


def ports_libres(n: int) -> list[int]:
    """n distinct free ports below the kernel's ephemeral range.

    A port picked with bind(0) comes from the ephemeral range, where outgoing
    connections (health polls, clients) also take their local port: between
    the pick and the server's own bind, one of them could take it.
    """
    ports: list[int] = []
    while len(ports) < n:
        candidat = random.randint(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", candidat))
            except OSError:
                continue
        if candidat not in ports:
            ports.append(candidat)
    return ports


def port_libre() -> int:
    return ports_libres(1)[0]


def attendre(url: str, processus: subprocess.Popen, delai: float = 240.0) -> None:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if processus.poll() is not None:
            raise RuntimeError(f"server exited with {processus.returncode}: {processus.args!r}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} not ready after {delai} s")


@dataclass
class Serveurs:
    dossier: Path
    config: ConfigLancement
    env: dict[str, str]
    journal_rasa: Path
    journal_actions: Path
    rasa: subprocess.Popen | None = None
    actions: subprocess.Popen | None = None
    duree_demarrage_rasa: float = 0.0
    _journaux: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.config.port_rasa}"

    def demarrer_actions(self, **env_en_plus: str) -> None:
        self.arreter_actions()
        env = {**self.env, **env_en_plus}
        journal = open(self.journal_actions, "ab")
        self._journaux.append(journal)
        self.actions = subprocess.Popen(commande_actions(self.config), cwd=RACINE, env=env, stdout=journal, stderr=subprocess.STDOUT)
        attendre(f"http://127.0.0.1:{self.config.port_actions}/health", self.actions)

    def arreter_actions(self) -> None:
        if self.actions is not None and self.actions.poll() is None:
            self.actions.terminate()
            self.actions.wait(timeout=20)
        self.actions = None

    def demarrer_rasa(self) -> None:
        journal = open(self.journal_rasa, "ab")
        self._journaux.append(journal)
        debut = time.monotonic()
        self.rasa = subprocess.Popen(
            commande_rasa(self.config, JETON, Projet().modele), cwd=RACINE, env=self.env, stdout=journal, stderr=subprocess.STDOUT
        )
        attendre(f"{self.url}/webhooks/rest/", self.rasa)
        self.duree_demarrage_rasa = time.monotonic() - debut

    def arreter(self) -> None:
        self.arreter_actions()
        if self.rasa is not None and self.rasa.poll() is None:
            self.rasa.terminate()
            try:
                self.rasa.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.rasa.kill()
        for j in self._journaux:
            j.close()


def lancer(dossier: Path, commune: Path, workers: int = WORKERS_PAR_DEFAUT, env_en_plus: dict[str, str] | None = None) -> Serveurs:
    entrainer(Projet())
    port_rasa, port_actions, port_console = ports_libres(3)
    config = ConfigLancement(
        hote="127.0.0.1", port_rasa=port_rasa, port_actions=port_actions, dossier_donnees=dossier, jeton_api=JETON,
        workers=workers, port_console=port_console,
    )
    # every test client is 127.0.0.1, one "source": the per-source limits are not what these tests are about
    # (tests/connecteurs/test_essais_identite.py and tests/actions/test_escalade.py are)
    # Rasa tells the console's Chatwoot relay of new citizen messages: a console a test starts on config.port_console
    # receives them (nothing listens there otherwise, as when the console is down)
    env = {**environnement_serveurs(config), "GUICHET_API_TOKEN": JETON, "GUICHET_ESSAIS_SOURCE": "1000",
           "GUICHET_RELAIS_CHATWOOT_URL": f"http://127.0.0.1:{port_console}/chatwoot/nouveaux-messages",
           "GUICHET_ESCALADES_PAR_HEURE": "1000", "GUICHET_RAPPELS_PAR_HEURE": "1000", **(env_en_plus or {})}
    preparer_bases(env)
    env["GUICHET_COMMUNE"] = str(commune)
    serveurs = Serveurs(dossier, config, env, dossier / "rasa.log", dossier / "actions.log")
    try:
        serveurs.demarrer_actions()
        serveurs.demarrer_rasa()
    except Exception:
        serveurs.arreter()
        raise
    return serveurs
