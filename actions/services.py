"""The action server's shared services (GRC connecteur, commune, clock); the back ends open in connecteurs/ouverture.py.

rasa-sdk instantiates actions without arguments, so this module is the edge
where configuration is parsed and the connecteur opened, once per process, on
first use. Tests install their own :class:`Services` with :func:`installer`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from actions.config import ConfigActions
from configuration.commune import Commune, charger_commune
from connecteurs.interfaces import Grc
from connecteurs.ouverture import ouvrir_grc
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
            grc = await ouvrir_grc(config.ouverture())
            quotas = QuotasDemandes(config.quotas())
            logger.info("action services ready (GRC: %s)", config.grc)
            _services = Services(config=config, grc=grc, commune=commune, quotas=quotas)
    return _services


def installer(services: Services | None) -> None:
    """Replace the process services (tests)."""
    global _services
    _services = services
