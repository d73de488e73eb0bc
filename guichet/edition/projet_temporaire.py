"""A scratch copy of the Rasa project with the files generated from the current sources.

Commands that only look (valider, tester, essayer) work on this copy, so the
editor's tree and the published model are never touched by them.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from guichet.construction.generation import generer
from guichet.construction.projet import Projet


@contextlib.contextmanager
def projet_temporaire(fichiers: Projet) -> Iterator[Projet]:
    """Yield a Projet in a temporary folder: bot/ (config, domain, data) regenerated, contenu/ copied."""
    generes = generer(fichiers)
    bot = fichiers.racine / "bot"
    with tempfile.TemporaryDirectory(prefix="guichet-") as dossier:
        racine = Path(dossier)
        for nom in ("domain", "data"):
            shutil.copytree(bot / nom, racine / "bot" / nom)
        shutil.copy(bot / "config.yml", racine / "bot" / "config.yml")
        shutil.copytree(fichiers.racine / "contenu", racine / "contenu")
        for chemin, texte in generes.items():
            (racine / chemin.relative_to(fichiers.racine)).write_text(texte, encoding="utf-8")
        yield Projet(racine)
