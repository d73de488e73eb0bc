"""Case numbers: eight digits, typed or spoken with spaces, dots or dashes."""

from __future__ import annotations

import re

from actions.nombres_francais import mots_en_chiffres
from configuration.chiffres import chiffres_ascii

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
    chiffres = re.sub(r"\D", "", mots_en_chiffres(texte))
    return chiffres if len(chiffres) == 8 else None
