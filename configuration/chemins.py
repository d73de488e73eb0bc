"""Where the project's files are: its root folder and the data folder (``GUICHET_DONNEES``), with one meaning."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from configuration.environnement import texte

RACINE = Path(__file__).resolve().parents[1]


def dossier_donnees(env: Mapping[str, str], racine: Path = RACINE) -> Path:
    """``GUICHET_DONNEES`` when set and not empty, else the project's ``donnees/`` folder."""
    return Path(texte(env, "GUICHET_DONNEES", str(racine / "donnees")))


def fichier_prive(chemin: Path) -> Path:
    """The file, created empty when absent, readable and writable by its owner only (0600), like its SQLite
    journals if any: a store of personal data is never world-readable, including one an earlier version made."""
    chemin.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(chemin, os.O_WRONLY | os.O_CREAT, 0o600))
    for fichier in (chemin, *(chemin.with_name(chemin.name + fin) for fin in ("-wal", "-shm", "-journal"))):
        if fichier.exists():
            os.chmod(fichier, 0o600)
    return chemin
