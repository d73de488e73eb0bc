"""Case numbers: eight digits, typed or spoken with spaces, dots or dashes."""

from __future__ import annotations

import re

from configuration.chiffres import chiffres_ascii
from configuration.nombres_francais import lire_chiffres, mots_en_chiffres, nombre_en_mots

_HUIT_CHIFFRES = re.compile(r"(?<![\d/])(?<!\d[ .\-/])(\d(?:[ .\-]?\d){7})(?![ .\-/]?\d)", re.ASCII)


def normaliser_numero_dossier(texte: str) -> str | None:
    """The 8-digit case number in a message, or None.

    '24 57 83 01', '2457-8301', 'dossier n°24578301' and 'vingt-quatre cinquante-sept
    quatre-vingt-trois zéro un' all give '24578301'.
    """
    if not texte:
        return None
    texte = chiffres_ascii(texte)
    trouve = _HUIT_CHIFFRES.search(texte)
    if trouve:
        return re.sub(r"\D", "", trouve.group(1))
    chiffres = chiffres_entendus(texte)
    return chiffres if len(chiffres) == 8 else None


def chiffres_entendus(texte: str) -> str:
    """Every digit in a message, typed or spoken in any grouping ('vingt-quatre cinq sept' -> '2457')."""
    return re.sub(r"\D", "", mots_en_chiffres(chiffres_ascii(texte or "")))


def lecture_chiffres(chiffres: str) -> dict[str, str]:
    """The variables that say digits back: written in pairs ('24 57 8') and spoken in pairs, with their count."""
    return {
        "chiffres_lus": " ".join(chiffres[i:i + 2] for i in range(0, len(chiffres), 2)),
        "chiffres_lus_voix": lire_chiffres(chiffres),
        "nombre_chiffres": str(len(chiffres)),
        "nombre_chiffres_voix": nombre_en_mots(len(chiffres)) if len(chiffres) < 100 else str(len(chiffres)),
    }
