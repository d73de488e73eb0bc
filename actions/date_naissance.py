"""Birth dates as citizens give them: 12/03/1985, 12 mars 1985, 12031985, spoken."""

from __future__ import annotations

import datetime as dt
import re

import dateparser

from configuration.nombres_francais import mots_en_chiffres

_PARAMETRES = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["custom-formats", "absolute-time"],
}
_MOIS = (
    "janvier", "fevrier", "février", "mars", "avril", "mai", "juin", "juillet", "aout", "août",
    "septembre", "octobre", "novembre", "decembre", "décembre",
)
_PREMIER = re.compile(r"\b(1er|premier)\b", re.IGNORECASE)


def analyser_date_naissance(texte: str, aujourd_hui: dt.date) -> dt.date | None:
    """A plausible birth date (not in the future, not before 1900), or None."""
    if not texte or len(texte) > 100:
        return None
    texte = _PREMIER.sub("1", texte.strip())
    date = _huit_chiffres(texte) or _avec_dateparser(texte) or _parle(texte)
    if date is None or not dt.date(1900, 1, 1) <= date <= aujourd_hui:
        return None
    return date


def _huit_chiffres(texte: str) -> dt.date | None:
    chiffres = re.sub(r"[\s.\-/]", "", texte)
    if not re.fullmatch(r"\d{8}", chiffres):
        return None
    try:
        return dt.date(int(chiffres[4:]), int(chiffres[2:4]), int(chiffres[:2]))
    except ValueError:
        return None


def _avec_dateparser(texte: str) -> dt.date | None:
    resultat = dateparser.parse(texte, languages=["fr"], settings=_PARAMETRES)
    return resultat.date() if resultat else None


def _parle(texte: str) -> dt.date | None:
    """'douze mars mille neuf cent quatre-vingt-cinq' -> 12 mars 1985."""
    bas = texte.lower()
    mois = next((m for m in _MOIS if re.search(rf"\b{m}\b", bas)), None)
    if mois is None:
        return None
    avant, _, apres = bas.partition(mois)
    jour = mots_en_chiffres(avant).split()
    annee = _annee_parlee(apres)
    if not jour or annee is None:
        return None
    return _avec_dateparser(f"{jour[-1]} {mois} {annee}")


def _annee_parlee(texte: str) -> int | None:
    groupes = [int(g) for g in mots_en_chiffres(texte).split()]
    if not groupes:
        return None
    if len(groupes) == 1:
        return groupes[0] if groupes[0] >= 1900 else None
    # 'mille neuf cent quatre-vingt-cinq' -> [1900, 85]; 'dix-neuf cent quatre-vingt-cinq' -> [1900, 85]
    premier = groupes[0]
    if premier in (1900, 2000) or (premier >= 1000 and premier % 100 == 0):
        return premier + groupes[1]
    if premier in (19, 20):
        return premier * 100 + groupes[1]
    return None
