"""Findings about the editors' sources: an error blocks publication, a warning does not."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class Niveau(enum.Enum):
    ERREUR = "erreur"
    AVERTISSEMENT = "avertissement"


@dataclass(frozen=True)
class Constat:
    niveau: Niveau
    fichier: Path | None
    ligne: int | None
    message: str

    def lieu(self, racine: Path | None = None) -> str:
        if self.fichier is None:
            return ""
        chemin = self.fichier
        if racine is not None and chemin.is_relative_to(racine):
            chemin = chemin.relative_to(racine)
        return f"{chemin}:{self.ligne or 1}"

    def formater(self, racine: Path | None = None) -> str:
        lieu = self.lieu(racine)
        return f"{lieu}: {self.niveau.value}: {self.message}" if lieu else f"{self.niveau.value}: {self.message}"


def erreur(fichier: Path | None, ligne: int | None, message: str) -> Constat:
    return Constat(Niveau.ERREUR, fichier, ligne, message)


def avertissement(fichier: Path | None, ligne: int | None, message: str) -> Constat:
    return Constat(Niveau.AVERTISSEMENT, fichier, ligne, message)


def erreurs(constats: Iterable[Constat]) -> list[Constat]:
    return [c for c in constats if c.niveau is Niveau.ERREUR]


def trier(constats: Iterable[Constat]) -> list[Constat]:
    return sorted(constats, key=lambda c: (str(c.fichier or ""), c.ligne or 0, c.niveau.value, c.message))
