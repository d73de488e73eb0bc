"""Whether what the caller has said so far already holds a complete answer to the question asked:
then the turn can end at once instead of waiting for the end-of-speech silence.

Complete means: a case number's digits (eight for the embedded GRC: the shape's greatest length), a callback number's ten (starting with 0), a date with
its day, month and four-digit year — and the last word cannot grow the number (« quatre » may become
« quatre-vingt-trois », « vingt » may become « vingt-cinq »), so the caller is never cut mid-number.
"""

from __future__ import annotations

import re
import unicodedata

from configuration.nombres_francais import mots_en_chiffres
from configuration.numero_dossier import FORME_PAR_DEFAUT, FormeNumero, chiffres_entendus

# words after which a French number may go on
_EXTENSIBLES = {"quatre", "vingt", "vingts", "trente", "quarante", "cinquante", "soixante", "dix", "cent", "cents",
                "mille", "et", "deux", "trois", "cinq", "six", "sept", "huit", "neuf"}
_MOIS = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
         "novembre", "decembre")


def _mots(texte: str) -> list[str]:
    sans_accents = "".join(c for c in unicodedata.normalize("NFKD", texte.lower()) if not unicodedata.combining(c))
    return re.findall(r"[a-z]+|\d+", sans_accents.replace("-", " "))


def _peut_continuer(mots: list[str], annee: bool = False) -> bool:
    """Whether the last word may still grow the last number. A digit word after « cent » or « mille » may
    (« mille neuf » → « mille neuf cent… »), except in a year already complete (« deux mille trois »)."""
    if not mots:
        return True
    dernier = mots[-1]
    if dernier.isdigit():
        return False
    if dernier in ("deux", "trois", "cinq", "six", "sept", "huit", "neuf"):
        return not annee and len(mots) > 1 and mots[-2] in ("cent", "cents", "mille")
    return dernier in _EXTENSIBLES


def valeur_complete(slot: str | None, texte: str, forme: FormeNumero = FORME_PAR_DEFAUT) -> bool:
    """Whether `texte` (a partial recognition) already answers the slot completely (a case number: its greatest
    length, so that a longer one is never cut)."""
    mots = _mots(texte)
    if not mots:
        return False
    if slot == "numero_dossier":
        return len(chiffres_entendus(texte)) == forme.maximum and not _peut_continuer(mots)
    if slot == "telephone_rappel":
        chiffres = chiffres_entendus(texte)
        return len(chiffres) == 10 and chiffres.startswith("0") and not _peut_continuer(mots)
    if slot == "date_naissance":
        groupes = mots_en_chiffres(" ".join(mots)).split()
        mois = [m for m in mots if m in _MOIS]
        annee = groupes[-1] if groupes else ""
        jour_present = "premier" in mots or (len(groupes) >= 2 and 1 <= int(groupes[0]) <= 31)
        return (len(mois) == 1 and jour_present and len(annee) == 4 and annee[:2] in ("19", "20")
                and not _peut_continuer(mots, annee=True))
    return False
