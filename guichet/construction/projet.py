"""The paths of a Guichet project: its sources (contenu/), the Rasa project generated from them (bot/), the model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from configuration.chemins import RACINE

NOM_MODELE = "guichet"


@dataclass(frozen=True)
class Projet:
    racine: Path = RACINE

    # -- the editors' sources
    @property
    def commune(self) -> Path:
        return self.racine / "contenu" / "commune.yml"

    @property
    def faq(self) -> Path:
        return self.racine / "contenu" / "faq"

    @property
    def reponses(self) -> Path:
        return self.racine / "contenu" / "reponses.yml"

    # -- the Rasa project (the generated files among them)
    @property
    def bot(self) -> Path:
        return self.racine / "bot"

    @property
    def nlu_faq(self) -> Path:
        return self.bot / "data" / "faq.yml"

    @property
    def domaine_faq(self) -> Path:
        return self.bot / "domain" / "faq.yml"

    @property
    def domaine_reponses(self) -> Path:
        return self.bot / "domain" / "reponses.yml"

    # -- the trained model and what it was built from
    @property
    def modele(self) -> Path:
        return self.bot / "models" / f"{NOM_MODELE}.tar.gz"

    @property
    def empreinte_modele(self) -> Path:
        return self.bot / "models" / f"{NOM_MODELE}.empreinte"

    @property
    def empreinte_donnees_modele(self) -> Path:
        return self.bot / "models" / f"{NOM_MODELE}.empreinte_donnees"

    def sources(self) -> list[Path]:
        """Every file a model depends on."""
        fichiers = [self.bot / "config.yml"]
        for dossier in (self.bot / "domain", self.bot / "data", self.racine / "contenu"):
            fichiers += sorted(p for p in dossier.rglob("*.yml") if p.is_file())
        return fichiers
