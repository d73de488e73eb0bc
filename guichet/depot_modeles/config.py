"""The model server's settings, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from configuration.chemins import RACINE, dossier_donnees
from configuration.environnement import entier, texte
from configuration.jeton import lire_jeton
from guichet.depot_modeles.depot import VERSIONS_CONSERVEES

PORT_PAR_DEFAUT = 5090


@dataclass(frozen=True)
class ConfigServeurModeles:
    hote: str
    port: int
    dossier: Path  # the store (a volume in compose)
    jeton: str  # the Rasa API token: replicas pull with it, `publier` sends with it
    livre: Path  # the model the deployment ships (image or `make train`), taken when newer
    versions_conservees: int = VERSIONS_CONSERVEES
    taille_max: int = 1 << 30

    @classmethod
    def depuis_env(cls, env: Mapping[str, str]) -> ConfigServeurModeles:
        donnees = dossier_donnees(env)
        return cls(
            hote=texte(env, "GUICHET_DEPOT_MODELES_HOTE", texte(env, "GUICHET_HOTE", "127.0.0.1")),
            port=entier(env, "GUICHET_DEPOT_MODELES_PORT", PORT_PAR_DEFAUT, 1, 65535),
            dossier=Path(texte(env, "GUICHET_DEPOT_MODELES_DOSSIER", str(donnees / "depot-modeles"))),
            jeton=lire_jeton(env, donnees),
            livre=Path(texte(env, "GUICHET_DEPOT_MODELES_LIVRE", str(RACINE / "bot" / "models" / "guichet.tar.gz"))),
            versions_conservees=entier(env, "GUICHET_DEPOT_MODELES_VERSIONS", VERSIONS_CONSERVEES, 2),
            taille_max=entier(env, "GUICHET_DEPOT_MODELES_TAILLE_MAX", 1 << 30, 1 << 20),
        )
