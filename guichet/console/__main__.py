"""``python -m guichet.console``: the console and the widget on GUICHET_CONSOLE_PORT (default 5080).

Reads the same environment as the servers (see README): the Rasa server's URL and
API token for the agents' take-over, the data directory for the escalation store,
accounts and audit trail, and contenu/commune.yml for the widget's name and colours.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from configuration.chemins import RACINE, dossier_donnees
from configuration.commune import charger_commune
from configuration.erreurs import ErreurConfiguration
from configuration.jeton import lire_jeton
from connecteurs.adresses_bases import AdressesBases
from connecteurs.base_sql import url_base
from connecteurs.chatwoot import ConfigChatwoot, config_chatwoot_depuis_env
from connecteurs.erreurs import ConnecteurIndisponible
from connecteurs.serveur_http import limites_depuis_env, servir_jusqu_a_l_arret
from guichet.console.api_rasa import ConfigRasa
from guichet.console.application import ConfigConsole, creer_application
from guichet.widget.service import ConfigWidget


def _port(env: Mapping[str, str], nom: str, defaut: int) -> int:
    brut = env.get(nom, str(defaut))
    if not brut.isdigit() or not 0 < int(brut) < 65536:
        raise ErreurConfiguration(f"{nom} must be a port number, got {brut!r}")
    return int(brut)


def _chatwoot(env: Mapping[str, str]) -> ConfigChatwoot | None:
    try:
        return config_chatwoot_depuis_env(env)
    except ValueError as exc:
        raise ErreurConfiguration(f"chatwoot: {exc}") from None


def config_depuis_env(env: Mapping[str, str] = os.environ) -> tuple[ConfigConsole, str, int]:
    stockage = AdressesBases.depuis_env(env)
    donnees = dossier_donnees(env)
    hote = env.get("GUICHET_HOTE", "127.0.0.1")
    url_rasa = env.get("GUICHET_RASA_URL") or f"http://{hote}:{_port(env, 'GUICHET_PORT', 5005)}"
    jeton = lire_jeton(env, donnees)
    commune = charger_commune(Path(env.get("GUICHET_COMMUNE") or RACINE / "contenu" / "commune.yml"))
    widget = ConfigWidget(
        serveur=env.get("GUICHET_WIDGET_SERVEUR") or url_rasa,
        commune=commune.nom,
        couleur=commune.details.get("widget_couleur", "#000091"),
        couleur_texte=commune.details.get("widget_couleur_texte", "#ffffff"),
    )
    config = ConfigConsole(
        url_conversations=stockage.url_conversations,
        url_comptes=url_base(env, donnees, "comptes.sqlite3"),
        cookie_securise=env.get("GUICHET_CONSOLE_HTTPS") == "1",
        proxy_de_confiance=env.get("GUICHET_CONSOLE_PROXY") == "1",
        rasa=ConfigRasa(url_rasa, jeton),
        url_grc=stockage.url_grc,
        journal_audit=stockage.journal_audit,
        widget=widget,
        chatwoot=_chatwoot(env),
        secret_chatwoot=env.get("GUICHET_CHATWOOT_SECRET", ""),
    )
    if config.chatwoot is not None and len(config.secret_chatwoot) < 16:
        raise ErreurConfiguration("GUICHET_CHATWOOT_SECRET (at least 16 characters) is required with GUICHET_ESCALADES=chatwoot")
    return config, hote, _port(env, "GUICHET_CONSOLE_PORT", 5080)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        config, hote, port = config_depuis_env()
    except ErreurConfiguration as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        application = creer_application(config)
    except ConnecteurIndisponible as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        limites = limites_depuis_env(os.environ)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    asyncio.run(servir_jusqu_a_l_arret(application, hote, port, limites, "console"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
