"""Where the project's files are: its root folder and the data folder (``GUICHET_DONNEES``), with one meaning."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from configuration.environnement import texte

RACINE = Path(__file__).resolve().parents[1]


def dossier_donnees(env: Mapping[str, str], racine: Path = RACINE) -> Path:
    """``GUICHET_DONNEES`` when set and not empty, else the project's ``donnees/`` folder."""
    return Path(texte(env, "GUICHET_DONNEES", str(racine / "donnees")))
