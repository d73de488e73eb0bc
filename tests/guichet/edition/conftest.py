"""A small Guichet project for the editors' tools: the real bot, three fixture FAQ entries."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guichet.construction.projet import Projet

RACINE = Path(__file__).resolve().parents[3]
EXEMPLES = Path(__file__).resolve().parent / "sources_exemple"


def creer_projet(dossier: Path) -> Projet:
    (dossier / "contenu" / "faq").mkdir(parents=True)
    for nom in ("commune.yml", "reponses.yml"):
        shutil.copy(RACINE / "contenu" / nom, dossier / "contenu" / nom)
    for chemin in EXEMPLES.glob("*.yml"):
        shutil.copy(chemin, dossier / "contenu" / "faq" / chemin.name)
    (dossier / "bot").mkdir()
    shutil.copy(RACINE / "bot" / "config.yml", dossier / "bot" / "config.yml")
    for nom in ("domain", "data"):
        shutil.copytree(RACINE / "bot" / nom, dossier / "bot" / nom)
    return Projet(dossier)


@pytest.fixture
def projet(tmp_path: Path) -> Projet:
    return creer_projet(tmp_path / "projet")


def remplacer(chemin: Path, avant: str, apres: str) -> None:
    texte = chemin.read_text(encoding="utf-8")
    assert avant in texte, avant
    chemin.write_text(texte.replace(avant, apres, 1), encoding="utf-8")
