"""Normalisation of free-text French addresses, for duplicate search."""

from __future__ import annotations

import re
import unicodedata

_ABREVIATIONS = {
    "r": "rue",
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "boul": "boulevard",
    "pl": "place",
    "imp": "impasse",
    "ch": "chemin",
    "che": "chemin",
    "rte": "route",
    "all": "allee",
    "sq": "square",
    "fg": "faubourg",
    "fbg": "faubourg",
    "st": "saint",
    "ste": "sainte",
    "qu": "quai",
}
_MOTS_VIDES = {"au", "a", "le", "la", "les", "l", "de", "du", "des", "d", "devant", "pres", "vers", "niveau", "en", "face"}


def normaliser_adresse(adresse: str) -> str:
    """'12, R. Victor-Hugo' and '12 rue victor hugo' give the same key."""
    texte = unicodedata.normalize("NFKD", adresse.lower())
    texte = "".join(c for c in texte if not unicodedata.combining(c))
    texte = re.sub(r"[^a-z0-9]+", " ", texte)
    mots = []
    for mot in texte.split():
        mot = _ABREVIATIONS.get(mot, mot)
        if mot in _MOTS_VIDES:
            continue
        mots.append(mot)
    return " ".join(mots)
