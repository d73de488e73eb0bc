"""Restricted vocabularies for the recogniser, chosen from the slot Rasa is asking for."""

from __future__ import annotations

from configuration.numero_dossier import FORME_PAR_DEFAUT, FormeNumero

CHIFFRES = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]
NOMBRES = CHIFFRES + ["dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "vingt", "vingts", "trente",
                      "quarante", "cinquante", "soixante", "cent", "cents", "mille", "et"]
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
        "décembre", "premier"]
OUI_NON = ["oui", "non", "d'accord", "exactement", "pas", "du", "tout"]
CONSEILLER = ["conseiller", "répéter", "répétez"]

# slot requested by Rasa -> words the caller may say (digits also come from the keypad); a case number is said
# digit by digit, in pairs (« vingt-quatre, cinquante-sept ») or mixed, as the bot itself reads it back
PAR_SLOT: dict[str, list[str]] = {
    "numero_dossier": NOMBRES + CONSEILLER,
    "telephone_rappel": CHIFFRES + NOMBRES[10:] + CONSEILLER,
    "date_naissance": NOMBRES + MOIS + CONSEILLER,
}
SLOTS_CHIFFRES = frozenset({"numero_dossier", "telephone_rappel", "date_naissance"})


def grammaire_pour(slot: str | None) -> list[str] | None:
    """None: free speech."""
    if slot is None:
        return None
    mots = PAR_SLOT.get(slot)
    return sorted(set(mots)) if mots else None


def texte_touches(slot: str | None, chiffres: str, forme: FormeNumero = FORME_PAR_DEFAUT) -> str:
    """What keypad digits mean: the answer to the slot asked for (a birth date typed DDMMYYYY is sent as
    DD/MM/YYYY); with no question pending, digits shaped like a case number (`forme`) are one to look up."""
    if slot == "date_naissance" and len(chiffres) == 8:
        return f"{chiffres[:2]}/{chiffres[2:4]}/{chiffres[4:]}"
    if slot is None and forme.accepte(chiffres) and len(chiffres) >= 4:
        return '/suivre_dossier{"numero_dossier": "' + chiffres + '"}'
    return chiffres
