"""The gateway's configuration, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from configuration.chemins import RACINE, dossier_donnees
from configuration.environnement import entier, reel
from configuration.erreurs import ErreurConfiguration
from configuration.jeton import lire_jeton
from configuration.numero_dossier import forme_depuis_env
from configuration.secrets import verifier_secret
from connecteurs.serveur_http import LimitesHttp, limites_depuis_env
from voix.activite_vocale import ReglagesParole
from voix.appel import ReglagesAppel
from voix.limites import LimitesLigne

VOSK_PAR_DEFAUT = "vosk-model-small-fr-0.22"
PIPER_PAR_DEFAUT = "fr_FR-siwis-medium"


def _limites(env: Mapping[str, str]) -> LimitesLigne:
    defaut = LimitesLigne()
    try:
        return LimitesLigne(
            appels_max=entier(env, "GUICHET_VOIX_APPELS_MAX", defaut.appels_max),
            file_max=entier(env, "GUICHET_VOIX_FILE_MAX", defaut.file_max),
            taille_message_max=entier(env, "GUICHET_VOIX_MESSAGE_MAX_OCTETS", defaut.taille_message_max),
            delai_debut_s=reel(env, "GUICHET_VOIX_DELAI_DEBUT_S", defaut.delai_debut_s),
            delai_inactivite_s=reel(env, "GUICHET_VOIX_DELAI_INACTIVITE_S", defaut.delai_inactivite_s),
            delai_ecriture_s=reel(env, "GUICHET_VOIX_DELAI_ECRITURE_S", defaut.delai_ecriture_s),
            connexions_max=entier(env, "GUICHET_VOIX_CONNEXIONS_MAX", defaut.connexions_max),
        )
    except ValueError as exc:
        raise ErreurConfiguration(f"voice gateway limits: {exc}") from None



@dataclass(frozen=True)
class ConfigVoix:
    url_rasa: str
    jeton: str = field(repr=False)
    dossier_modeles: Path
    modele_vosk: str = VOSK_PAR_DEFAUT
    voix_piper: str = PIPER_PAR_DEFAUT
    hote: str = "127.0.0.1"
    port_audiosocket: int = 9092  # Asterisk AudioSocket (TCP)
    port_http: int = 9093  # WebSocket media streams (/flux) and transfers (/transferts)
    cible_transfert: str = "conseillers"  # what the PBX dials for an agent
    cible_secours: str = "conseillers"  # what the PBX dials when the dialogue cannot be reached (agents, switchboard…)
    fils_piper: int = 1  # onnxruntime threads per synthesis (0: onnxruntime's default, all cores)
    port_sip: int | None = None  # direct SIP (pjsua2) on this UDP port; None: off
    cible_sip: str = "sip:conseillers@127.0.0.1"  # REFER target of a direct SIP call
    cible_sip_secours: str = "sip:conseillers@127.0.0.1"  # REFER target of a direct SIP call when the dialogue is down
    reglages: ReglagesAppel = ReglagesAppel()
    dossier_cache: Path | None = None  # the domain's answers once synthesised, per voice (None: memory only)
    pre_synthese: bool = True  # synthesise the domain's fixed answers in the background at start
    limites: LimitesLigne = LimitesLigne()  # what one peer may cost (voix/limites.py)
    limites_http: LimitesHttp = LimitesHttp()  # header timeout and connection cap of the HTTP port (connecteurs/serveur_http.py)
    secret_pbx: str = field(default="", repr=False)  # GUICHET_VOIX_SECRET_PBX: the PBX's proof on /appels, /transferts, /flux

    def __post_init__(self) -> None:
        if self.secret_pbx:
            verifier_secret("GUICHET_VOIX_SECRET_PBX", self.secret_pbx)
        if not self.url_rasa.startswith(("http://", "https://")):
            raise ErreurConfiguration(f"GUICHET_RASA_URL must be an http(s) URL, got {self.url_rasa!r}")
        for nom in ("port_audiosocket", "port_http"):
            if not 0 <= getattr(self, nom) < 65536:
                raise ErreurConfiguration(f"{nom} must be a TCP port")

    @property
    def chemin_vosk(self) -> Path:
        return self.dossier_modeles / self.modele_vosk

    @property
    def chemin_piper(self) -> Path:
        return self.dossier_modeles / f"{self.voix_piper}.onnx"

    @classmethod
    def depuis_env(cls, env: Mapping[str, str] = os.environ) -> ConfigVoix:

        hote = env.get("GUICHET_HOTE", "127.0.0.1")
        donnees = dossier_donnees(env)
        jeton = lire_jeton(env, donnees)
        anticipation = entier(env, "GUICHET_VOIX_ANTICIPATION_MS", 160, 0, 5000)
        fin_parole = entier(env, "GUICHET_VOIX_FIN_PAROLE_MS", 400, 20, 5000)
        if anticipation and not 20 <= anticipation < fin_parole:
            raise ErreurConfiguration(f"GUICHET_VOIX_ANTICIPATION_MS must be 0 (off) or from 20 to under GUICHET_VOIX_FIN_PAROLE_MS "
                                      f"({fin_parole}), got {anticipation}")
        return cls(
            url_rasa=env.get("GUICHET_RASA_URL") or f"http://{hote}:{env.get('GUICHET_PORT', '5005')}",
            jeton=jeton,
            dossier_modeles=Path(env.get("GUICHET_MODELES") or RACINE / "modeles"),
            modele_vosk=env.get("GUICHET_VOSK_MODELE") or VOSK_PAR_DEFAUT,
            voix_piper=env.get("GUICHET_PIPER_VOIX") or PIPER_PAR_DEFAUT,
            hote=hote,
            port_audiosocket=entier(env, "GUICHET_AUDIOSOCKET_PORT", 9092, 1, 65535),
            port_http=entier(env, "GUICHET_VOIX_PORT", 9093, 1, 65535),
            cible_transfert=env.get("GUICHET_VOIX_TRANSFERT") or "conseillers",
            cible_secours=env.get("GUICHET_VOIX_TRANSFERT_SECOURS") or env.get("GUICHET_VOIX_TRANSFERT") or "conseillers",
            port_sip=entier(env, "GUICHET_SIP_PORT", 5060, 1, 65535) if env.get("GUICHET_SIP_PORT") else None,
            fils_piper=entier(env, "GUICHET_PIPER_FILS", 1),
            cible_sip=env.get("GUICHET_SIP_TRANSFERT") or "sip:conseillers@127.0.0.1",
            cible_sip_secours=(env.get("GUICHET_SIP_TRANSFERT_SECOURS") or env.get("GUICHET_SIP_TRANSFERT")
                               or "sip:conseillers@127.0.0.1"),
            dossier_cache=Path(env.get("GUICHET_VOIX_CACHE") or donnees / "cache-voix"),
            pre_synthese=env.get("GUICHET_VOIX_PRE_SYNTHESE", "1") != "0",
            limites=_limites(env),
            secret_pbx=env.get("GUICHET_VOIX_SECRET_PBX", ""),
            limites_http=limites_depuis_env(env),
            reglages=ReglagesAppel(
                forme_numero=forme_depuis_env(env),
                silence_s=reel(env, "GUICHET_VOIX_SILENCE_S", 6.0),
                duree_max_s=reel(env, "GUICHET_VOIX_DUREE_MAX_S", 900.0),
                anticipation_ms=anticipation,
                parole=ReglagesParole(
                    agressivite=entier(env, "GUICHET_VOIX_VAD_AGRESSIVITE", 2, 0, 3),
                    parole_min_ms=entier(env, "GUICHET_VOIX_PAROLE_MIN_MS", 160, 20, 2000),
                    fin_parole_ms=fin_parole,
                    niveau_min=entier(env, "GUICHET_VOIX_NIVEAU_MIN", 400, 0, 32767),
                    voisement_min=_part(env, "GUICHET_VOIX_VOISEMENT_MIN", 0.4),
                ),
            ),
        )


def _part(env: Mapping[str, str], nom: str, defaut: float) -> float:
    """A share, from 0 to 1."""
    valeur = reel(env, nom, defaut, positif=False)
    if not 0.0 <= valeur <= 1.0:
        raise ErreurConfiguration(f"{nom} must be between 0 and 1, got {env.get(nom)!r}")
    return valeur
