"""Editors' toolchain benchmark: how long a content change takes to be ready.

`make bench-contenu` (or `python -m bench.contenu`). On a throw-away copy of
the project, measures:
  - `valider` with and without Rasa's own `rasa data validate`;
  - a full retrain of the bot (no cache), against the 90 s target;
  - an answer text changed: model updated without retraining;
  - a question added: NLU retrained, dialogue policies restored from Rasa's cache.
Figures are printed and written to resultats/bench-contenu.json.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

from bench.resultats import enregistrer
from guichet.construction.entrainement import RACINE, entrainer_vers, noter_empreintes, preparer_modele
from guichet.construction.generation import ecrire
from guichet.construction.projet import Projet
from guichet.edition.validation import Reglages, valider

CIBLE_ENTRAINEMENT_S = 90.0


def copier(cible: Path) -> Projet:
    shutil.copytree(RACINE / "contenu", cible / "contenu")
    (cible / "bot").mkdir(parents=True)
    shutil.copy(RACINE / "bot" / "config.yml", cible / "bot" / "config.yml")
    for nom in ("domain", "data"):
        shutil.copytree(RACINE / "bot" / nom, cible / "bot" / nom)
    return Projet(cible)


def chrono(f):  # type: ignore[no-untyped-def]
    debut = time.monotonic()
    resultat = f()
    return time.monotonic() - debut, resultat


def main() -> int:
    figures: dict[str, float | str] = {}
    with tempfile.TemporaryDirectory(prefix="guichet-bench-") as dossier:
        fichiers = copier(Path(dossier))
        projet = Projet(fichiers.racine)
        figures["valider_sans_rasa_s"], _ = chrono(lambda: valider(fichiers, Reglages(rasa=False)))
        figures["valider_s"], _ = chrono(lambda: valider(fichiers, Reglages()))
        ecrire(fichiers)
        print("full retrain…", flush=True)
        figures["entrainement_complet_s"] = entrainer_vers(projet, projet.modele, complet=True)
        noter_empreintes(projet)

        mairie = fichiers.faq / "mairie.yml"
        mairie.write_text(mairie.read_text(encoding="utf-8").replace("vous accueille", "vous reçoit", 1), encoding="utf-8")
        ecrire(fichiers)
        duree, (maniere, _) = chrono(lambda: preparer_modele(projet, projet.modele))
        figures["reponse_modifiee_s"], figures["reponse_modifiee_maniere"] = duree, maniere
        noter_empreintes(projet)

        print("question added…", flush=True)
        mairie.write_text(mairie.read_text(encoding="utf-8").replace("  questions:\n", "  questions:\n  - la mairie est ouverte le jour de noel\n", 1), encoding="utf-8")
        ecrire(fichiers)
        duree, (maniere, _) = chrono(lambda: preparer_modele(projet, projet.modele))
        figures["question_ajoutee_s"], figures["question_ajoutee_maniere"] = duree, maniere

    figures = {k: round(v, 1) if isinstance(v, float) else v for k, v in figures.items()}
    ratio = float(figures["entrainement_complet_s"]) / CIBLE_ENTRAINEMENT_S
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    print(f"full retrain: {figures['entrainement_complet_s']} s = {ratio:.2f} x the {CIBLE_ENTRAINEMENT_S:.0f} s target")
    print(f"answer change: {figures['reponse_modifiee_s']} s ({float(figures['entrainement_complet_s']) / max(float(figures['reponse_modifiee_s']), 0.1):.0f} x faster than a full retrain)")
    enregistrer("bench-contenu", figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
