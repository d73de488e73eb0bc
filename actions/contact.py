"""Contact details: an e-mail address or a French phone number."""

from __future__ import annotations

import re

from configuration.nombres_francais import mots_en_chiffres

_COURRIEL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


def normaliser_courriel(texte: str) -> str | None:
    candidat = texte.strip().strip(".,;").lower()
    if len(candidat) > 254 or not _COURRIEL.match(candidat):
        return None
    return candidat


def normaliser_telephone(texte: str) -> str | None:
    """A French number as 10 digits ('06 12 34 56 78', '+33 6 12 34 56 78', spoken)."""
    brut = texte.strip()
    chiffres = re.sub(r"[\s.\-()]", "", brut)
    if chiffres.startswith("+33"):
        chiffres = "0" + chiffres[3:]
    elif chiffres.startswith("0033"):
        chiffres = "0" + chiffres[4:]
    if not chiffres.isdigit():
        chiffres = re.sub(r"\D", "", mots_en_chiffres(brut))
    if re.fullmatch(r"0[1-9]\d{8}", chiffres):
        return chiffres
    return None


def normaliser_contact(texte: str) -> str | None:
    """An e-mail address or a phone number, normalised; None when neither."""
    if not texte or len(texte) > 300:
        return None
    return normaliser_courriel(texte) or normaliser_telephone(texte)
