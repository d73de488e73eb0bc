"""Personal data in free text: e-mail addresses, French phone numbers, NIR, IBAN.

Each is replaced by a label ("[courriel]", "[téléphone]", "[NIR]", "[IBAN]").
Numbers are checked before masking (NIR and IBAN keys), so an 8-digit case
number or a date is never taken for one.
"""

from __future__ import annotations

import re

COURRIEL = re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b")
TELEPHONE = re.compile(r"(?<![\d+])(?:\+33[\s.\-]?|0033[\s.\-]?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)")
NIR = re.compile(r"(?<!\d)([12])[\s.]?(\d{2})[\s.]?(\d{2})[\s.]?(\d{2}|2[AB])[\s.]?(\d{3})[\s.]?(\d{3})(?:[\s.]?(\d{2}))?(?![\dA-Za-z])")
IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?)\b")


def _nir_valide(m: re.Match[str]) -> bool:
    sexe, annee, mois, departement, commune, ordre, cle = m.groups()
    if not (1 <= int(mois) <= 12 or 20 <= int(mois) <= 42 or int(mois) >= 50):
        return False
    if cle is None:
        return True  # 13 digits shaped like a NIR: masked even without its key
    chiffres = f"{sexe}{annee}{mois}{departement.replace('2A', '19').replace('2B', '18')}{commune}{ordre}"
    return 97 - int(chiffres) % 97 == int(cle)


def _iban_valide(texte: str) -> bool:
    compact = texte.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    reordonne = compact[4:] + compact[:4]
    nombre = "".join(str(int(c, 36)) for c in reordonne)
    return int(nombre) % 97 == 1


def masquer(texte: str) -> str:
    if not texte:
        return texte
    texte = IBAN.sub(lambda m: "[IBAN]" if _iban_valide(m.group(1)) else m.group(0), texte)
    texte = COURRIEL.sub("[courriel]", texte)
    texte = NIR.sub(lambda m: "[NIR]" if _nir_valide(m) else m.group(0), texte)
    return TELEPHONE.sub("[téléphone]", texte)
