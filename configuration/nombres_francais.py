"""French number words <-> digits, for spoken input and voice answers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from babel.dates import format_date

_UNITES = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16,
}
_DIZAINES = {"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
_MOTS_IGNORES = {"et", "tiret", "espace", "euh", "heu", "le", "numero", "n", "o", "c", "est"}

_ECRITS = (
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
    "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
)
_DIZAINES_ECRITES = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _sans_accents(texte: str) -> str:
    texte = unicodedata.normalize("NFKD", texte.lower())
    return "".join(c for c in texte if not unicodedata.combining(c))


def mots_en_chiffres(texte: str) -> str:
    """Turn spoken French numbers into digit groups.

    'vingt-quatre cinquante-sept quatre-vingt-trois zéro un' -> '24 57 83 0 1';
    'mille neuf cent quatre-vingt-cinq' -> '1985'. A word that cannot extend the
    number being read starts a new group. Digits already present are kept;
    other words are dropped.
    """
    jetons = re.findall(r"\d+|[a-z]+|[,;.]", _sans_accents(texte).replace("-", " "))
    groupes: list[str] = []
    milliers = 0
    courant: int | None = None

    def pousser() -> None:
        nonlocal courant, milliers
        if courant is not None:
            groupes.append(str(milliers + courant))
        courant, milliers = None, 0

    for jeton in jetons:
        if jeton.isdigit():
            pousser()
            groupes.append(jeton)
            continue
        if jeton in _MOTS_IGNORES:
            continue
        if jeton in ",;.":  # punctuation ends the number being read
            pousser()
            continue
        if jeton in ("cent", "cents"):
            courant = (courant or 1) * 100 if (courant or 0) < 100 else courant
            continue
        if jeton == "mille":
            milliers, courant = (courant or 1) * 1000, 0
            continue
        valeur = _UNITES.get(jeton, _DIZAINES.get(jeton))
        if valeur is None:
            pousser()
            continue
        if courant is not None and _prolonge(courant, milliers, valeur, jeton):
            courant = courant + 76 if jeton.startswith("vingt") and courant % 100 == 4 else courant + valeur
        else:
            pousser()
            courant = valeur
    pousser()
    return " ".join(groupes)


def _prolonge(courant: int, milliers: int, valeur: int, jeton: str) -> bool:
    """Whether the word `jeton` (worth `valeur`) continues the number being read."""
    reste = courant % 100
    if jeton.startswith("vingt") and reste == 4:  # quatre-vingt
        return True
    if (courant > 0 and reste == 0) or (courant == 0 and milliers > 0):  # after cent / mille
        return True
    if jeton in _DIZAINES:
        return False
    if valeur >= 10:  # soixante-dix, quatre-vingt-onze
        return reste in (60, 80)
    if reste in (10, 70, 90):  # dix-sept, soixante-dix-huit, quatre-vingt-dix-neuf
        return 7 <= valeur <= 9
    return reste in (20, 30, 40, 50, 60, 80) and valeur >= 1


def nombre_en_mots(n: int) -> str:
    """0..99 written the French way ('quatre-vingt-dix-sept')."""
    if not 0 <= n < 100:
        raise ValueError("only 0..99")
    if n < 20:
        return _ECRITS[n]
    dizaine, unite = divmod(n, 10)
    if dizaine in (7, 9):
        base = "soixante" if dizaine == 7 else "quatre-vingt"
        reste = 10 + unite
        if dizaine == 7 and unite == 1:
            return "soixante et onze"
        return f"{base}-{_ECRITS[reste]}"
    if dizaine == 8:
        return "quatre-vingts" if unite == 0 else f"quatre-vingt-{_ECRITS[unite]}"
    base = _DIZAINES_ECRITES[dizaine]
    if unite == 0:
        return base
    if unite == 1:
        return f"{base} et un"
    return f"{base}-{_ECRITS[unite]}"


def nombre_en_lettres(n: int) -> str:
    """0..9999 in words: 1985 -> 'mille neuf cent quatre-vingt-cinq'."""
    if not 0 <= n < 10000:
        raise ValueError("only 0..9999")
    if n < 100:
        return nombre_en_mots(n)
    if n < 1000:
        centaines, reste = divmod(n, 100)
        base = "cent" if centaines == 1 else f"{_ECRITS[centaines]} cent{'s' if reste == 0 else ''}"
        return base if reste == 0 else f"{base} {nombre_en_mots(reste)}"
    milliers, reste = divmod(n, 1000)
    base = "mille" if milliers == 1 else f"{_ECRITS[milliers]} mille"
    return base if reste == 0 else f"{base} {nombre_en_lettres(reste)}"


def date_en_lettres(date: dt.date) -> str:
    """A date as it is said: 2026-09-21 -> 'vingt et un septembre deux mille vingt-six'."""
    jour = "premier" if date.day == 1 else nombre_en_mots(date.day)
    mois = format_date(date, format="MMMM", locale="fr_FR")
    return f"{jour} {mois} {nombre_en_lettres(date.year)}"


def lire_chiffres(reference: str) -> str:
    """A number read out in pairs, as on the phone: '24578301' -> 'vingt-quatre, cinquante-sept, …'.

    Letters and separators are read one by one; a pair starting with 0 is read digit by digit.
    """
    morceaux: list[str] = []
    for bloc in re.findall(r"\d+|[A-Za-z]", reference):
        if not bloc.isdigit():
            morceaux.append(bloc.upper())
            continue
        for i in range(0, len(bloc), 2):
            paire = bloc[i : i + 2]
            if len(paire) == 2 and paire[0] != "0":
                morceaux.append(nombre_en_mots(int(paire)))
            else:
                morceaux.extend(_ECRITS[int(c)] for c in paire)
    return ", ".join(morceaux)
