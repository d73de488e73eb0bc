"""Personal data in free text, masked before it is stored, shown or sent anywhere.

Replaced by a label: e-mail addresses typed or dictated (« claire point martin arobase exemple point fr »)
by "[courriel]"; phone numbers, French or foreign, in any typed form (``phonenumbers``: « +33 (0)6 … »,
« 0044 20 … ») or spoken in words (« zéro six, douze, trente-quatre… ») by "[téléphone]"; social security
numbers (NIR, checked with ``python-stdnum`` when they carry their key) by "[NIR]"; bank accounts (IBAN,
any case, checked with ``python-stdnum``) by "[IBAN]"; full dates more than ten years old — birth dates,
wherever they are typed — by "[date]". Numbers are checked before masking, so an 8-digit case number, a
postcode, a street number or this week's date are never taken for personal data.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.fr import nir as stdnum_nir

from configuration.nombres_francais import mots_en_chiffres

# the form slots that hold a citizen's free text: masked wherever they are stored or handed over
SLOTS_TEXTE_LIBRE = frozenset({"description_signalement", "description_reclamation", "sujet_reclamation"})
LIBELLE_COURRIEL, LIBELLE_TELEPHONE, LIBELLE_NIR, LIBELLE_IBAN, LIBELLE_DATE = LIBELLES_MASQUAGE = (
    "[courriel]", "[téléphone]", "[NIR]", "[IBAN]", "[date]")

COURRIEL = re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b")
_MOT = r"[A-Za-z0-9À-ÿ_\-]{1,64}"
ARROBASE_DICTEE = re.compile(r"\s(?:arobase|arrobase|at)\s", re.IGNORECASE)
# around a dictated « arobase »: the local part before it (words joined by « point », « tiret »…), the domain after
LOCAL_DICTE = re.compile(rf"{_MOT}(?:(?:\s+(?:point|tiret(?:\s+bas)?|underscore)\s+|\.){_MOT}){{0,6}}\s*$", re.IGNORECASE)
DOMAINE_DICTE = re.compile(rf"\s*{_MOT}(?:(?:\s+point\s+|\.){_MOT}){{1,4}}", re.IGNORECASE)
NIR = re.compile(r"(?<!\d)([12])[\s.]?(\d{2})[\s.]?(\d{2})[\s.]?(\d{2}|2[AB])[\s.]?(\d{3})[\s.]?(\d{3})(?:[\s.]?(\d{2}))?"
                 r"(?![\dA-Za-z])")
# a French number's shape, whatever its allocation (overseas « 05 94 », new blocks): the fallback of phonenumbers
TELEPHONE_FR = re.compile(r"(?<![\d+])(?:\+33[\s.\-]?(?:\(0\)[\s.\-]?)?|0033[\s.\-]?(?:\(0\)[\s.\-]?)?|0)[1-9]"
                          r"(?:[\s.\-]?\d{2}){4}(?!\d)")
IBAN_DEBUT = re.compile(r"\b[A-Za-z]{2}\d{2}[ ]?[A-Za-z0-9]")  # where an IBAN may start; its end is found by its check
_MOIS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
         "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12}
DATE_CHIFFRES = re.compile(r"(?<![\d/.\-])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?![\d/.\-])")
DATE_MOIS = re.compile(r"\b(\d{1,2}|1er)\s+(janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre"
                       r"|novembre|d[ée]cembre)\s+(\d{4})\b", re.IGNORECASE)
# words a spoken phone number is made of, and « plus » for « plus trente-trois »
_MOTS_NOMBRES = ("z[eé]ro|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize"
                 "|vingt|vingts|trente|quarante|cinquante|soixante|cent|cents|et|plus")
NOMBRE_DIT = re.compile(rf"(?<![\w])(?:(?:{_MOTS_NOMBRES}|\d+)(?:[\s,.\-]+|$))+", re.IGNORECASE)
ANS_AVANT_DATE_PERSONNELLE = 10


def _sans_accents(texte: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c))


def _nir_valide(m: re.Match[str]) -> bool:
    sexe, annee, mois, departement, commune, ordre, cle = m.groups()
    if not (1 <= int(mois) <= 12 or 20 <= int(mois) <= 42 or int(mois) >= 50):
        return False
    if cle is None:
        return True  # 13 digits shaped like a NIR: masked even without its key
    return bool(stdnum_nir.is_valid(f"{sexe}{annee}{mois}{departement}{commune}{ordre}{cle}"))


def _iban_valide(texte: str) -> bool:
    """The IBAN check digits, a known country and its account structure (not the national bank checks: a
    mistyped national key is still someone's account number)."""
    return bool(stdnum_iban.is_valid(texte.replace(" ", "").upper(), check_country=False))


def _telephones(texte: str) -> str:
    morceaux, fin = [], 0
    for m in phonenumbers.PhoneNumberMatcher(texte, "FR", leniency=phonenumbers.Leniency.VALID):
        morceaux += [texte[fin:m.start], LIBELLE_TELEPHONE]
        fin = m.end
    return TELEPHONE_FR.sub(LIBELLE_TELEPHONE, "".join(morceaux) + texte[fin:])


def _telephone_dit(m: re.Match[str]) -> str:
    """A run of number words that reads as a phone number (« zéro six douze… », « plus trente-trois six… »)."""
    brut = m.group(0)
    chiffres = re.sub(r"\D", "", mots_en_chiffres(brut))
    international = re.match(r"\s*plus\b", _sans_accents(brut), re.IGNORECASE)
    candidat = ("+" if international else "") + chiffres
    forme_francaise = bool(re.fullmatch(r"(?:\+33|0)[1-9]\d{8}", candidat))
    try:
        valide = len(chiffres) >= 9 and phonenumbers.is_valid_number(phonenumbers.parse(candidat, "FR"))
    except phonenumbers.NumberParseException:
        valide = False
    if forme_francaise or valide:
        fin = re.search(r"[\s,.\-]*$", brut)
        return LIBELLE_TELEPHONE + (fin.group(0) if fin else "")
    return brut


def _date_ancienne(jour: int, mois: int, annee: int, aujourd_hui: dt.date) -> bool:
    try:
        date = dt.date(annee, mois, jour)
    except ValueError:
        return False
    return date.year <= aujourd_hui.year - ANS_AVANT_DATE_PERSONNELLE


def _dates(texte: str, aujourd_hui: dt.date) -> str:
    texte = DATE_CHIFFRES.sub(lambda m: LIBELLE_DATE if _date_ancienne(int(m.group(1)), int(m.group(2)), int(m.group(3)),
                                                                      aujourd_hui) else m.group(0), texte)

    def mois_en_lettres(m: re.Match[str]) -> str:
        jour = 1 if m.group(1).lower() == "1er" else int(m.group(1))
        mois = _MOIS[_sans_accents(m.group(2).lower())]
        return LIBELLE_DATE if _date_ancienne(jour, mois, int(m.group(3)), aujourd_hui) else m.group(0)

    return DATE_MOIS.sub(mois_en_lettres, texte)


def _courriels_dictes(texte: str) -> str:
    """« claire point martin arobase exemple point fr »: found from each « arobase » outwards, so that the cost
    stays linear whatever the message."""
    morceaux, fin = [], 0
    for m in ARROBASE_DICTEE.finditer(texte):
        if m.start() < fin:
            continue
        gauche = texte[max(fin, m.start() - 200):m.start()]
        local = LOCAL_DICTE.search(gauche)
        domaine = DOMAINE_DICTE.match(texte, m.end() - 1)
        if local is None or domaine is None:
            continue
        debut = m.start() - len(gauche) + local.start()
        morceaux += [texte[fin:debut], LIBELLE_COURRIEL]
        fin = domaine.end()
    return "".join(morceaux) + texte[fin:]


def _ibans(texte: str) -> str:
    """Each IBAN, written compact or in groups, any case: from a possible start, the longest stretch of letters,
    digits and single spaces (15 to 34 characters) that passes the check, ending at a word's end."""
    morceaux, fin, position = [], 0, 0
    while (m := IBAN_DEBUT.search(texte, position)) is not None:
        debut = m.start()
        bornes = []  # where a candidate may end: after an alphanumeric followed by a space or the end of the word
        compte, i = 0, debut
        while i < len(texte) and compte < 34 and (texte[i].isalnum() or (texte[i] == " " and i + 1 < len(texte)
                                                                          and texte[i + 1].isalnum())):
            if texte[i].isalnum():
                compte += 1
                if compte >= 15 and (i + 1 == len(texte) or not texte[i + 1].isalnum()):
                    bornes.append(i + 1)
            i += 1
        trouve = next((b for b in reversed(bornes) if _iban_valide(texte[debut:b])), None)
        if trouve is None:
            position = debut + 1
            continue
        morceaux += [texte[fin:debut], LIBELLE_IBAN]
        fin = position = trouve
    return "".join(morceaux) + texte[fin:]


def masquer(texte: str, aujourd_hui: dt.date | None = None) -> str:
    if not texte:
        return texte
    texte = _ibans(texte)
    if "@" in texte:
        texte = COURRIEL.sub(LIBELLE_COURRIEL, texte)
    texte = _courriels_dictes(texte)
    texte = NIR.sub(lambda m: LIBELLE_NIR if _nir_valide(m) else m.group(0), texte)
    texte = _dates(texte, aujourd_hui or dt.date.today())
    if any(c.isdigit() for c in texte):
        texte = _telephones(texte)
    return NOMBRE_DIT.sub(_telephone_dit, texte)
