"""Opening the back ends a deployment names: the embedded GRC, a remote one per capability, or a class by path.

The action server and the launcher's start-up check call :func:`ouvrir_grc`
with a :class:`ConfigOuverture` (built by ``actions.config.ConfigActions``);
each remote back end reads its own settings from the environment
(docs/grc-*.md).
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from configuration.erreurs import ErreurConfiguration
from connecteurs.composition import GrcComposee
from connecteurs.essais_identite import ConfigEssais
from connecteurs.grc_embarquee.grc import ConfigGrcEmbarquee, GrcEmbarquee
from connecteurs.interfaces import Grc

GRC_EMBARQUEE = "embarquee"


@dataclass(frozen=True)
class ConfigOuverture:
    grc: str  # GRC_EMBARQUEE or "package.module:Classe" (a class with ``async ouvrir_depuis_config(config)``)
    suivi: str  # back end of each capability: GRC_EMBARQUEE or a remote one's name (connecteurs/composition.py)
    signalements: str
    reclamations: str
    escalades: str
    url_grc: str  # the embedded GRC's database
    dossier_donnees: Path
    delai_s: float  # a call's time budget (connecteurs/client_http.py)
    delai_reclamation_jours: int
    essais_identite: int
    verrou_minutes: int
    regle_essais: ConfigEssais  # the one lockout rule, shared by the embedded GRC and the remote back ends


async def ouvrir_grc(config: ConfigOuverture, env: Mapping[str, str] = os.environ) -> Grc:
    """The connecteur named by the configuration, opened (composed per capability when asked)."""
    grc = await _ouvrir_grc_principale(config)
    capacites = (config.suivi, config.signalements, config.reclamations, config.escalades)
    if all(c == GRC_EMBARQUEE for c in capacites):
        return grc
    ouverts: dict[str, Any] = {GRC_EMBARQUEE: grc}
    try:
        for nom in capacites:
            if nom not in ouverts:
                ouverts[nom] = _ouvrir_distant(nom, config, env)
    except ErreurConfiguration:
        for connecteur in ouverts.values():
            await connecteur.fermer()
        raise
    return GrcComposee(
        suivi=ouverts[config.suivi], signalements=ouverts[config.signalements], reclamations=ouverts[config.reclamations],
        escalades=ouverts[config.escalades], satisfactions=grc, a_fermer=list(ouverts.values()),
    )


def _ouvrir_distant(nom: str, config: ConfigOuverture, env: Mapping[str, str]) -> Any:
    """A remote back end by name; its settings come from the environment (see docs/grc-*.md)."""
    from connecteurs.chatwoot import ConfigChatwoot, EscaladesChatwoot
    from connecteurs.demarches_simplifiees import ConfigDemarchesSimplifiees, SuiviDemarchesSimplifiees
    from connecteurs.essais_identite import EssaisIdentite
    from connecteurs.glpi import ConfigGlpi, TicketsGlpi
    from connecteurs.publik import ConfigPublik, Publik
    from connecteurs.zammad import ConfigZammad, TicketsZammad

    delai, jours = config.delai_s, config.delai_reclamation_jours

    def essais() -> EssaisIdentite:
        return EssaisIdentite(config.regle_essais)

    try:
        if nom == "demarches_simplifiees":
            return SuiviDemarchesSimplifiees(ConfigDemarchesSimplifiees.depuis_env(env, delai_s=delai), essais())
        if nom == "publik":
            return Publik(ConfigPublik.depuis_env(env, delai_s=delai, delai_reclamation=jours), essais())
        if nom == "glpi":
            return TicketsGlpi(ConfigGlpi.depuis_env(env, delai_s=delai, delai_reclamation=jours))
        if nom == "zammad":
            return TicketsZammad(ConfigZammad.depuis_env(env, delai_s=delai, delai_reclamation=jours))
        if nom == "chatwoot":
            return EscaladesChatwoot(ConfigChatwoot.depuis_env(env, config.dossier_donnees, delai_s=delai))
    except ValueError as exc:
        raise ErreurConfiguration(f"back end {nom!r}: {exc}") from None
    raise ErreurConfiguration(f"unknown back end {nom!r}")


async def _ouvrir_grc_principale(config: ConfigOuverture) -> Grc:
    if config.grc == GRC_EMBARQUEE:
        return await GrcEmbarquee.ouvrir(
            ConfigGrcEmbarquee(
                url=config.url_grc,
                essais_identite=config.essais_identite,
                duree_verrou=dt.timedelta(minutes=config.verrou_minutes),
                delai_reponse_reclamation_jours=config.delai_reclamation_jours,
                regle_essais=config.regle_essais,
            )
        )
    module_nom, _, classe_nom = config.grc.partition(":")
    try:
        classe = getattr(importlib.import_module(module_nom), classe_nom)
    except (ImportError, AttributeError) as exc:
        raise ErreurConfiguration(f"GUICHET_GRC={config.grc!r} cannot be loaded: {exc}") from None
    grc: Grc = await classe.ouvrir_depuis_config(config)
    return grc
