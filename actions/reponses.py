"""Reading short labels (topic titles, state names) from the domain's responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def libelle(domain: Mapping[str, Any], reponse: str, defaut: str) -> str:
    """The text of the first (default-channel) variant of a response."""
    for variante in domain.get("responses", {}).get(reponse, []):
        if not variante.get("channel") and variante.get("text"):
            return str(variante["text"])
    return defaut
