"""The bare Rasa 3.6 reference bot of `make bench`: built, trained and started by the benchmark.

Its files are in bench/reference/ (rasa init's default pipeline and policies, one
form with one custom action, Rasa's SQL tracker store on SQLite). The NLU
examples and FAQ answers are copied from Guichet's own bot/ so that both bots
learn the same French; entity annotations are dropped (the reference has no
entities). The project is assembled in resultats/reference/ and trained there;
Rasa's cache makes later runs skip training while nothing changed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from guichet.construction.entrainement import RACINE, environnement_rasa

SOURCES = Path(__file__).resolve().parent / "reference"
INTENTIONS = ("saluer", "au_revoir", "remercier", "affirmer", "nier", "signaler_probleme", "parler_conseiller", "hors_perimetre")
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class ProjetReference:
    dossier: Path = RACINE / "resultats" / "reference"

    @property
    def modele(self) -> Path:
        return self.dossier / "models" / "reference.tar.gz"


def assembler(projet: ProjetReference) -> None:
    """Write the reference project: static files from bench/reference/, data and FAQ answers from bot/."""
    (projet.dossier / "data").mkdir(parents=True, exist_ok=True)
    for nom in ("config.yml", "credentials.yml", "endpoints.yml", "data/rules.yml", "data/stories.yml"):
        shutil.copyfile(SOURCES / nom, projet.dossier / nom)
    domaine = yaml.safe_load((SOURCES / "domain.yml").read_text(encoding="utf-8"))
    faq = yaml.safe_load((RACINE / "bot" / "domain" / "faq.yml").read_text(encoding="utf-8"))
    domaine["responses"].update({nom: [v for v in variantes if "channel" not in v]
                                 for nom, variantes in faq["responses"].items()})
    _ecrire(projet.dossier / "domain.yml", domaine)
    nlu = yaml.safe_load((RACINE / "bot" / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    gardes = [{"intent": b["intent"], "examples": _ANNOTATION.sub(r"\1", b["examples"])}
              for b in nlu if b.get("intent") in INTENTIONS]
    faq_nlu = yaml.safe_load((RACINE / "bot" / "data" / "faq.yml").read_text(encoding="utf-8"))["nlu"]
    _ecrire(projet.dossier / "data" / "nlu.yml", {"version": "3.1", "nlu": gardes + faq_nlu})


def _ecrire(chemin: Path, donnees: dict) -> None:
    texte = yaml.safe_dump(donnees, allow_unicode=True, sort_keys=False, width=1000)
    if not chemin.exists() or chemin.read_text(encoding="utf-8") != texte:
        chemin.write_text(texte, encoding="utf-8")


def entrainer_reference(projet: ProjetReference) -> float:
    """Assemble and train (Rasa skips training when its cache has this data); return the seconds taken."""
    assembler(projet)
    debut = time.monotonic()
    print("reference bot: training (DIET, ResponseSelector, TED; a few minutes the first time)…", flush=True)
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--fixed-model-name", "reference", "--out", "models", "--quiet"],
        cwd=projet.dossier, env=environnement_rasa(), check=True, stdout=subprocess.DEVNULL,
    )
    duree = time.monotonic() - debut
    print(f"reference bot: model ready in {duree:.0f} s", flush=True)
    return duree


@dataclass
class ServeursReference:
    projet: ProjetReference
    port_rasa: int
    port_actions: int
    tracker: Path
    processus: list[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port_rasa}"

    def env(self) -> dict[str, str]:
        return {**environnement_rasa(), "REFERENCE_ACTIONS_URL": f"http://127.0.0.1:{self.port_actions}/webhook",
                "REFERENCE_TRACKER": str(self.tracker)}

    def commande_actions(self) -> list[str]:
        return [sys.executable, "-m", "rasa_sdk", "--actions", "bench.reference.actions", "--port", str(self.port_actions)]

    def commande_rasa(self) -> list[str]:
        return [sys.executable, "-m", "rasa", "run", "--model", str(self.projet.modele), "--port", str(self.port_rasa),
                "--interface", "127.0.0.1", "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"]

    def demarrer(self, journal: Path) -> float:
        """Start the action server then `rasa run`; return the seconds from `rasa run` to the REST channel answering."""
        from tests.integration.serveurs import attendre

        sortie = open(journal, "ab")
        actions = subprocess.Popen(self.commande_actions(), cwd=RACINE, env=self.env(), stdout=sortie, stderr=subprocess.STDOUT)
        self.processus.append(actions)
        attendre(f"http://127.0.0.1:{self.port_actions}/health", actions)
        debut = time.monotonic()
        rasa = subprocess.Popen(self.commande_rasa(), cwd=self.projet.dossier, env=self.env(), stdout=sortie, stderr=subprocess.STDOUT)
        self.processus.append(rasa)
        attendre(f"{self.url}/webhooks/rest/", rasa, delai=600)
        return time.monotonic() - debut

    @property
    def pids(self) -> dict[str, int]:
        return {"actions": self.processus[0].pid, "rasa": self.processus[1].pid}

    def arreter(self) -> None:
        for p in reversed(self.processus):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        self.processus.clear()
