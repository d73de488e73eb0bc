"""The action server's shared services (GRC connecteur, commune, clock).

rasa-sdk instantiates actions without arguments, so this module is the edge
where configuration is parsed and the connecteur opened, once per process, on
first use. Tests install their own :class:`Services` with :func:`installer`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from actions.config import GRC_EMBARQUEE, ConfigActions
from configuration.commune import Commune, charger_commune
from configuration.erreurs import ErreurConfiguration
from connecteurs.composition import GrcComposee
from connecteurs.grc_embarquee.grc import ConfigGrcEmbarquee, GrcEmbarquee
from connecteurs.interfaces import Grc
from connecteurs.quotas import QuotasDemandes

logger = logging.getLogger(__name__)


def _maintenant() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Services:
    config: ConfigActions
    grc: Grc
    commune: Commune
    horloge: Callable[[], dt.datetime] = _maintenant
    quotas: QuotasDemandes | None = None  # escalations and callbacks per source (None: no limit, in tests that do not need it)


_services: Services | None = None
_verrou: asyncio.Lock | None = None


async def ouvrir_grc(config: ConfigActions, env: Mapping[str, str] = os.environ) -> Grc:
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


def _ouvrir_distant(nom: str, config: ConfigActions, env: Mapping[str, str]) -> Any:
    """A remote back end by name; its settings come from the environment (see docs/grc-*.md)."""
    from connecteurs.chatwoot import ConfigChatwoot, EscaladesChatwoot
    from connecteurs.demarches_simplifiees import ConfigDemarchesSimplifiees, SuiviDemarchesSimplifiees
    from connecteurs.essais_identite import EssaisIdentite
    from connecteurs.glpi import ConfigGlpi, TicketsGlpi
    from connecteurs.publik import ConfigPublik, Publik
    from connecteurs.zammad import ConfigZammad, TicketsZammad

    delai, jours = config.delai_connecteur, config.delai_reclamation_jours

    def essais() -> EssaisIdentite:
        return EssaisIdentite(config.regle_essais())

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


async def _ouvrir_grc_principale(config: ConfigActions) -> Grc:
    if config.grc == GRC_EMBARQUEE:
        return await GrcEmbarquee.ouvrir(
            ConfigGrcEmbarquee(
                url=config.url_grc,
                essais_identite=config.essais_identite,
                duree_verrou=dt.timedelta(minutes=config.verrou_minutes),
                delai_reponse_reclamation_jours=config.delai_reclamation_jours,
                regle_essais=config.regle_essais(),  # the one lockout rule, shared with the remote back ends
            )
        )
    module_nom, _, classe_nom = config.grc.partition(":")
    try:
        classe = getattr(importlib.import_module(module_nom), classe_nom)
    except (ImportError, AttributeError) as exc:
        raise ErreurConfiguration(f"GUICHET_GRC={config.grc!r} cannot be loaded: {exc}") from None
    grc: Grc = await classe.ouvrir_depuis_config(config)
    return grc


async def obtenir() -> Services:
    global _services, _verrou
    if _services is not None:
        return _services
    if _verrou is None:
        _verrou = asyncio.Lock()
    async with _verrou:
        if _services is None:
            config = ConfigActions.depuis_env()
            commune = charger_commune(config.chemin_commune)
            grc = await ouvrir_grc(config)
            quotas = QuotasDemandes(config.quotas())
            logger.info("action services ready (GRC: %s)", config.grc)
            _services = Services(config=config, grc=grc, commune=commune, quotas=quotas)
    return _services


def installer(services: Services | None) -> None:
    """Replace the process services (tests)."""
    global _services
    _services = services
