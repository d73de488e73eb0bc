"""Action-server configuration, read once from the environment."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from configuration.chemins import RACINE, dossier_donnees
from configuration.environnement import entier, reel
from configuration.erreurs import ErreurConfiguration
from configuration.numero_dossier import FORME_PAR_DEFAUT, FormeNumero, forme_depuis_env
from connecteurs.base_sql import VARIABLE_URL, dialecte, url_base
from connecteurs.essais_identite import ConfigEssais
from connecteurs.ouverture import GRC_EMBARQUEE, ConfigOuverture
from connecteurs.quotas import ConfigQuotas

SUIVIS = frozenset({GRC_EMBARQUEE, "demarches_simplifiees", "publik"})  # back ends that can give a case status
DEMANDES = frozenset({GRC_EMBARQUEE, "glpi", "zammad", "publik"})  # back ends for reports and complaints
TICKETS = frozenset({GRC_EMBARQUEE, "glpi", "zammad", "chatwoot"})  # back ends for escalations and callbacks
PREUVE_DATE, PREUVE_COURRIEL = "date_naissance", "courriel"
PREUVES = frozenset({PREUVE_DATE, PREUVE_COURRIEL})


@dataclass(frozen=True)
class ConfigActions:
    dossier_donnees: Path
    chemin_commune: Path
    grc: str = GRC_EMBARQUEE  # "embarquee" or "package.module:Classe"
    delai_connecteur: float = 2.0  # seconds before a back end is considered down
    essais_identite: int = 3
    verrou_minutes: int = 15
    delai_reclamation_jours: int = 15
    suivi: str = GRC_EMBARQUEE  # back end of each capability: see connecteurs/composition.py
    signalements: str = GRC_EMBARQUEE
    reclamations: str = GRC_EMBARQUEE
    escalades: str = GRC_EMBARQUEE
    preuve_identite: str = "date_naissance"  # what the case-status identity check asks: date_naissance or courriel
    essais_source: int = 10  # wrong identity answers per source (client address) on all cases (connecteurs/essais_identite.py)
    essais_dossier: int = 10  # wrong identity answers per case from all sources, before the longer lock
    verrou_dossier_minutes: int = 60
    escalades_par_heure: int = 5  # per source (connecteurs/quotas.py)
    rappels_par_heure: int = 3
    url_base: str = ""  # GUICHET_GRC_BASE: one database (SQLAlchemy URL) for the embedded GRC and the counters; "" = SQLite files
    forme_numero: FormeNumero = FORME_PAR_DEFAUT  # the case numbers' digits (GUICHET_NUMERO_DOSSIER_CHIFFRES, else GUICHET_SUIVI's)

    def __post_init__(self) -> None:
        if not 0 < self.delai_connecteur <= 60:
            raise ErreurConfiguration(f"GUICHET_DELAI_CONNECTEUR must be in (0, 60] seconds, got {self.delai_connecteur}")
        if self.grc != GRC_EMBARQUEE and ":" not in self.grc:
            raise ErreurConfiguration(f"GUICHET_GRC must be 'embarquee' or 'module:Classe', got {self.grc!r}")
        if self.preuve_identite not in PREUVES:
            raise ErreurConfiguration(f"GUICHET_PREUVE_IDENTITE must be one of {', '.join(sorted(PREUVES))}, got {self.preuve_identite!r}")
        choix = {"suivi": SUIVIS, "signalements": DEMANDES, "reclamations": DEMANDES, "escalades": TICKETS}
        for capacite, possibles in choix.items():
            if getattr(self, capacite) not in possibles:
                raise ErreurConfiguration(
                    f"GUICHET_{capacite.upper()} must be one of {', '.join(sorted(possibles))}, got {getattr(self, capacite)!r}"
                )
        try:
            dialecte(self.url_grc)
        except ValueError as exc:
            raise ErreurConfiguration(str(exc)) from None
        for nom in ("essais_identite", "verrou_minutes", "delai_reclamation_jours", "essais_source", "essais_dossier",
                    "verrou_dossier_minutes", "escalades_par_heure", "rappels_par_heure"):
            if getattr(self, nom) < 1:
                raise ErreurConfiguration(f"{nom} must be at least 1")

    @property
    def url_grc(self) -> str:
        return url_base({VARIABLE_URL: self.url_base}, self.dossier_donnees, "grc.sqlite3")

    @property
    def url_essais(self) -> str:
        return url_base({VARIABLE_URL: self.url_base}, self.dossier_donnees, "essais_identite.sqlite3")

    def regle_essais(self) -> ConfigEssais:
        """The one lockout rule's settings (embedded GRC and remote back ends alike)."""
        return ConfigEssais(self.url_essais, self.essais_identite, dt.timedelta(minutes=self.verrou_minutes),
                            self.essais_source, self.essais_dossier, dt.timedelta(minutes=self.verrou_dossier_minutes))

    def ouverture(self) -> ConfigOuverture:
        """What connecteurs/ouverture.py needs to open the back ends."""
        return ConfigOuverture(
            grc=self.grc, suivi=self.suivi, signalements=self.signalements, reclamations=self.reclamations,
            escalades=self.escalades, url_grc=self.url_grc, dossier_donnees=self.dossier_donnees, delai_s=self.delai_connecteur,
            delai_reclamation_jours=self.delai_reclamation_jours, essais_identite=self.essais_identite,
            verrou_minutes=self.verrou_minutes, regle_essais=self.regle_essais(),
        )

    def quotas(self) -> ConfigQuotas:
        """Escalations and callback requests allowed per source and hour (connecteurs/quotas.py)."""
        return ConfigQuotas(self.url_essais, limites={"escalade": self.escalades_par_heure, "rappel": self.rappels_par_heure})

    @classmethod
    def depuis_env(cls, env: Mapping[str, str] = os.environ) -> ConfigActions:
        return cls(
            dossier_donnees=dossier_donnees(env),
            chemin_commune=Path(env.get("GUICHET_COMMUNE", str(RACINE / "contenu" / "commune.yml"))),
            grc=env.get("GUICHET_GRC", GRC_EMBARQUEE),
            delai_connecteur=reel(env, "GUICHET_DELAI_CONNECTEUR", 2.0),
            essais_identite=entier(env, "GUICHET_ESSAIS_IDENTITE", 3),
            verrou_minutes=entier(env, "GUICHET_VERROU_MINUTES", 15),
            delai_reclamation_jours=entier(env, "GUICHET_DELAI_RECLAMATION_JOURS", 15),
            essais_source=entier(env, "GUICHET_ESSAIS_SOURCE", 10),
            essais_dossier=entier(env, "GUICHET_ESSAIS_DOSSIER", 10),
            verrou_dossier_minutes=entier(env, "GUICHET_VERROU_DOSSIER_MINUTES", 60),
            escalades_par_heure=entier(env, "GUICHET_ESCALADES_PAR_HEURE", 5),
            rappels_par_heure=entier(env, "GUICHET_RAPPELS_PAR_HEURE", 3),
            suivi=(env.get("GUICHET_SUIVI") or GRC_EMBARQUEE),
            signalements=(env.get("GUICHET_SIGNALEMENTS") or GRC_EMBARQUEE),
            reclamations=(env.get("GUICHET_RECLAMATIONS") or GRC_EMBARQUEE),
            escalades=(env.get("GUICHET_ESCALADES") or GRC_EMBARQUEE),
            preuve_identite=(env.get("GUICHET_PREUVE_IDENTITE") or "date_naissance"),
            url_base=env.get(VARIABLE_URL, ""),
            forme_numero=forme_depuis_env(env),
        )
