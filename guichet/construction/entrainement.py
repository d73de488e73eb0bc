"""Train the Rasa model when (and only when) the bot's content changed.

The fingerprint covers contenu/, the Rasa config, domain and data, and the
installed Rasa version; it is stored beside the model. Rasa's training cache
(bot/.rasa/cache) retrains only the components whose inputs changed: a change
of answer texts retrains in seconds, a change of questions retrains the NLU.
``--force`` retrains everything. Run: ``python -m guichet.construction.entrainement [--force]``.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from enum import Enum
from pathlib import Path

from configuration.chemins import RACINE
from configuration.erreurs import ErreurConfiguration
from guichet.construction.generation import ecrire
from guichet.construction.projet import Projet

logger = logging.getLogger(__name__)


def environnement_rasa() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYTHONWARNINGS", "ignore")
    env.setdefault("TQDM_DISABLE", "1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(RACINE), env.get("PYTHONPATH")]))
    return env


def empreinte(projet: Projet) -> str:
    import rasa  # the model depends on the Rasa version too

    h = hashlib.sha256(f"rasa {rasa.__version__}\n".encode())
    for chemin in projet.sources():
        h.update(str(chemin.relative_to(projet.racine)).encode() + b"\0")
        h.update(chemin.read_bytes() + b"\0")
    return h.hexdigest()


def empreinte_donnees(projet: Projet) -> str:
    """What training depends on besides the answer texts: Rasa's version, the pipeline, the training data."""
    import rasa

    h = hashlib.sha256(f"rasa {rasa.__version__}\n".encode())
    for chemin in [projet.bot / "config.yml", *sorted((projet.bot / "data").glob("*.yml"))]:
        h.update(chemin.name.encode() + b"\0" + chemin.read_bytes() + b"\0")
    return h.hexdigest()


def a_jour(projet: Projet) -> bool:
    return (
        projet.modele.exists()
        and projet.empreinte_modele.exists()
        and projet.empreinte_modele.read_text().strip() == empreinte(projet)
    )


PAS_PROGRESSION_S = 10.0


def afficher_progression(secondes: float) -> None:
    """What an editor or an operator sees while Rasa trains (standard error, so that JSON output stays clean)."""
    print(f"  … training, {secondes:.0f} s", file=sys.stderr, flush=True)


def entrainer_vers(projet: Projet, modele: Path, complet: bool = False,
                   progression: Callable[[float], None] = afficher_progression) -> float:
    """Train the bot's current sources into ``modele`` (a .tar.gz path); return the seconds taken.

    Incremental through Rasa's cache unless ``complet``. Generated files must be up to date.
    ``progression(seconds)`` is called every ``PAS_PROGRESSION_S`` while Rasa works.
    """
    debut = time.monotonic()
    modele.parent.mkdir(parents=True, exist_ok=True)
    commande = [
        sys.executable, "-m", "serveur_rasa", "train",  # Rasa's CLI, keeping the compiled tokenizer pattern
        "--domain", "domain", "--data", "data", "--config", "config.yml",
        "--out", str(modele.parent.resolve()), "--fixed-model-name", modele.name.removesuffix(".tar.gz"), "--quiet",
    ]
    if complet:
        commande.append("--force")
    with tempfile.TemporaryFile("w+") as sortie:
        processus = subprocess.Popen(commande, cwd=projet.bot, env=environnement_rasa(), stdout=sortie,
                                     stderr=subprocess.STDOUT, text=True)
        while True:
            try:
                code = processus.wait(timeout=PAS_PROGRESSION_S)
                break
            except subprocess.TimeoutExpired:
                progression(time.monotonic() - debut)
        if code != 0 or not modele.exists():
            sortie.seek(0)
            sys.stderr.write(sortie.read()[-10000:])
            raise ErreurConfiguration(f"rasa train failed (exit {code}); see the output above")
    return time.monotonic() - debut


class Maniere(str, Enum):
    """How a new model was made from the sources."""

    REPONSES = "reponses"  # only the answers changed: patched into the previous model
    ENTRAINEMENT = "entrainement"  # trained (incrementally through Rasa's cache)
    INCHANGE = "inchange"  # nothing changed since the last model


def preparer_modele(projet: Projet, sortie: Path, complet: bool = False) -> tuple[Maniere, float]:
    """Write at ``sortie`` a model of the project's current (generated) files.

    When only answer texts changed since the project's model was trained, that
    model is copied with the new answers (seconds); otherwise Rasa trains, with
    its cache unless ``complet``. Return (Maniere.REPONSES or Maniere.ENTRAINEMENT, seconds).
    """
    from guichet.construction.modele_reponses import RetrainementNecessaire, mettre_a_jour_reponses

    debut = time.monotonic()
    if (
        not complet
        and projet.modele.exists()
        and projet.empreinte_donnees_modele.exists()
        and projet.empreinte_donnees_modele.read_text().strip() == empreinte_donnees(projet)
    ):
        try:
            mettre_a_jour_reponses(projet.modele, sortie, projet)
            return Maniere.REPONSES, time.monotonic() - debut
        except RetrainementNecessaire as exc:
            logger.info("full training needed: %s", exc)
    return Maniere.ENTRAINEMENT, entrainer_vers(projet, sortie, complet=complet)


def noter_empreintes(projet: Projet) -> None:
    """Record what the project's model was built from."""
    projet.empreinte_modele.write_text(empreinte(projet) + "\n")
    projet.empreinte_donnees_modele.write_text(empreinte_donnees(projet) + "\n")


def entrainer(projet: Projet, forcer: bool = False) -> bool:
    """Regenerate content, then train if needed. Return whether a model was trained."""
    ecrire(Projet(projet.racine))
    if not forcer and a_jour(projet):
        print(f"model up to date: {projet.modele.relative_to(projet.racine)}")
        return False
    print("building the Rasa model (under a minute on 2 cores; seconds when only answers changed)…", flush=True)
    maniere, duree = preparer_modele(projet, projet.modele, complet=forcer)
    noter_empreintes(projet)
    quoi = "answers updated in the model" if maniere is Maniere.REPONSES else "model trained"
    print(f"{quoi} in {duree:.0f} s: {projet.modele.relative_to(projet.racine)}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train Guichet's Rasa model if its content changed.")
    parser.add_argument("--force", action="store_true", help="train everything, even if nothing changed (ignores the training cache)")
    args = parser.parse_args(argv)
    try:
        entrainer(Projet(), forcer=args.force)
    except ErreurConfiguration as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
