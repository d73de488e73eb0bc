"""The Rasa HTTP API token for the processes that call that API (console, phone gateway).

GUICHET_API_TOKEN, else the token `make run` generated in the data directory
(guichet.exploitation.lancement.jeton_api writes it).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from configuration.erreurs import ErreurConfiguration

FICHIER_JETON = "jeton_api"


def lire_jeton(env: Mapping[str, str], donnees: Path) -> str:
    jeton = env.get("GUICHET_API_TOKEN") or ""
    fichier = donnees / FICHIER_JETON
    if not jeton and fichier.exists():
        jeton = fichier.read_text().strip()
    if not jeton:
        raise ErreurConfiguration(f"no Rasa API token: set GUICHET_API_TOKEN or start `make run` once (it writes {fichier})")
    return jeton
