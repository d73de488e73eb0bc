"""The project builds as a Python package whose console scripts work (`pip install .`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
SCRIPTS = ("guichet-contenu", "guichet-rgpd", "guichet-pilotage", "guichet-comptes", "guichet-copie-base")


def test_the_wheel_holds_every_room_and_its_scripts_answer_help(tmp_path):
    source = tmp_path / "source"  # built from a copy: setuptools writes build/ and *.egg-info beside the sources
    shutil.copytree(RACINE, source, ignore=shutil.ignore_patterns(
        ".venv", "node_modules", ".git", "bot", "donnees", "resultats", "build", "*.egg-info", "__pycache__", ".mypy_cache"))
    construction = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "roue"), str(source)],
        capture_output=True, text=True, timeout=300)
    assert construction.returncode == 0, construction.stderr[-3000:]
    (roue,) = (tmp_path / "roue").glob("guichet-*.whl")
    noms = set(zipfile.ZipFile(roue).namelist())
    for piece in ("configuration", "connecteurs", "actions", "voix", "serveur_rasa", "guichet"):
        assert f"{piece}/__init__.py" in noms, piece
    for fichier in ("guichet/widget/guichet.js", "guichet/console/console.js", "guichet/exploitation/journalisation.yml",
                    "voix/modeles.json", "guichet/construction/generation.py"):
        assert fichier in noms, fichier
    assert not any(n.startswith(("tests/", "bench/")) for n in noms)

    cible = tmp_path / "installe"
    installation = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(cible), str(roue)],
                                  capture_output=True, text=True, timeout=300)
    assert installation.returncode == 0, installation.stderr[-3000:]
    env = {**os.environ, "PYTHONPATH": str(cible)}
    for script in SCRIPTS:
        sortie = subprocess.run([str(cible / "bin" / script), "--help"], capture_output=True, text=True, env=env,
                                cwd=tmp_path, timeout=120)
        assert sortie.returncode == 0 and "usage:" in sortie.stdout, (script, sortie.stderr[-2000:])
