"""A generated corpus of French personal data in the forms citizens type and callers dictate, inside
everyday sentences, and of look-alikes that are not personal data (case numbers, postcodes, amounts,
recent dates). Values are random but valid (IBAN and NIR keys computed), seeded: the same corpus each run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from configuration.nombres_francais import nombre_en_mots

PHRASES = (
    "bonjour {}", "mon {} voilà", "vous pouvez me joindre : {}", "c'est {} merci", "{}",
    "je vous laisse {} pour me recontacter", "euh alors c'est {} voilà", "Mon {}.", "{} (à utiliser de préférence)",
    "je m'appelle Claire Martin et c'est {} si besoin",
)
PRENOMS = ("claire", "jean-pierre", "marie", "karim", "lea", "thomas", "nguyen", "o.brien", "amelie", "yanis")
DOMAINES = ("exemple.fr", "gmail.com", "orange.fr", "laposte.net", "mairie-demo.fr", "free.fr", "outlook.com")
CHIFFRES_DITS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")


@dataclass(frozen=True)
class Exemple:
    categorie: str  # telephone, courriel, iban, nir, date, or "aucune" for what must be left as it is
    texte: str
    valeur: str  # the personal data inside texte (must be gone after masking); "" for "aucune"


def _paires(chiffres: str) -> str:
    return " ".join(chiffres[i:i + 2] for i in range(0, len(chiffres), 2))


def _dit_par_paires(chiffres: str) -> str:
    morceaux = []
    for i in range(0, len(chiffres), 2):
        paire = chiffres[i:i + 2]
        morceaux.append(" ".join(CHIFFRES_DITS[int(c)] for c in paire) if paire[0] == "0" else nombre_en_mots(int(paire)))
    return ", ".join(morceaux)


def telephones(a: random.Random, n: int) -> list[Exemple]:
    exemples = []
    for i in range(n):
        premier = a.choice("1234567" + "9")
        reste = "".join(a.choice("0123456789") for _ in range(8))
        if premier in "67":
            reste = a.choice("1234") + reste[1:]  # allocated mobile blocks
        national = "0" + premier + reste
        forme = i % 12
        if forme == 0:
            valeur = _paires(national)
        elif forme == 1:
            valeur = national
        elif forme == 2:
            valeur = ".".join(national[j:j + 2] for j in range(0, 10, 2))
        elif forme == 3:
            valeur = "-".join(national[j:j + 2] for j in range(0, 10, 2))
        elif forme == 4:
            valeur = "+33 " + premier + " " + _paires(reste)
        elif forme == 5:
            valeur = "+33 (0)" + premier + " " + _paires(reste)
        elif forme == 6:
            valeur = "0033 " + premier + " " + _paires(reste)
        elif forme == 7:
            valeur = "+33" + premier + reste
        elif forme == 8:
            valeur = etranger(a)
        elif forme == 9:
            valeur = _dit_par_paires(national)
        elif forme == 10:
            valeur = " ".join(CHIFFRES_DITS[int(c)] for c in national)
        else:
            valeur = "plus trente-trois, " + _dit_par_paires(premier + reste).replace(CHIFFRES_DITS[int(premier)] + ",", CHIFFRES_DITS[int(premier)], 1)
        exemples.append(Exemple("telephone", a.choice(PHRASES).format(f"numéro c'est le {valeur}"), valeur))
    return exemples


def etranger(a: random.Random) -> str:
    """A valid foreign number (UK, Belgium, Switzerland, Germany, Spain, Morocco) as written from abroad."""
    import phonenumbers

    while True:
        region = a.choice(("GB", "BE", "CH", "DE", "ES", "MA"))
        exemple = str(phonenumbers.example_number_for_type(region, a.choice(
            (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE))).national_number)
        chiffres = exemple[:3] + "".join(a.choice("0123456789") for _ in exemple[3:])
        numero = phonenumbers.parse("+" + str(phonenumbers.country_code_for_region(region)) + chiffres)
        if phonenumbers.is_valid_number(numero):
            ecrit = phonenumbers.format_number(numero, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            return ecrit if a.random() < 0.7 else "00" + ecrit[1:]


def courriels(a: random.Random, n: int) -> list[Exemple]:
    exemples = []
    for i in range(n):
        prenom, nom = a.choice(PRENOMS), a.choice(("martin", "durand", "ben-ali", "petit", "nguyen", "lefebvre"))
        domaine = a.choice(DOMAINES)
        numero = str(a.randint(1, 99)) if i % 3 == 0 else ""
        forme = i % 4
        if forme == 0:
            valeur = f"{prenom}.{nom}{numero}@{domaine}"
        elif forme == 1:
            valeur = f"{prenom}.{nom}{numero}@{domaine}".upper()
        elif forme == 2:
            valeur = f"{prenom} point {nom}{numero} arobase {domaine.replace('.', ' point ')}"
        else:
            valeur = f"{prenom}{nom}{numero} at {domaine.replace('.', ' point ')}"
        exemples.append(Exemple("courriel", a.choice(PHRASES).format(f"mail {valeur}"), valeur))
    return exemples


# the account part of each country's IBAN: a = a capital letter, n = a digit (the ISO 13616 registry's structures)
STRUCTURES_IBAN = {"FR": "n" * 23, "DE": "n" * 18, "BE": "n" * 12, "ES": "n" * 20, "IT": "a" + "n" * 22,
                   "NL": "aaaa" + "n" * 10}


def _iban(a: random.Random, pays: str) -> str:
    bban = "".join(a.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c == "a" else "0123456789") for c in STRUCTURES_IBAN[pays])
    nombre = int("".join(str(int(c, 36)) for c in bban + pays + "00"))
    return f"{pays}{98 - nombre % 97:02d}{bban}"


def ibans(a: random.Random, n: int) -> list[Exemple]:
    exemples = []
    for i in range(n):
        compact = _iban(a, a.choice(sorted(STRUCTURES_IBAN)))
        forme = i % 4
        valeur = {0: " ".join(compact[j:j + 4] for j in range(0, len(compact), 4)), 1: compact,
                  2: compact.lower(), 3: " ".join(compact[j:j + 4] for j in range(0, len(compact), 4)).lower()}[forme]
        exemples.append(Exemple("iban", a.choice(PHRASES).format(f"RIB IBAN {valeur}"), valeur))
    return exemples


def nirs(a: random.Random, n: int) -> list[Exemple]:
    exemples = []
    for i in range(n):
        corps = (a.choice("12") + f"{a.randint(40, 99):02d}" + f"{a.randint(1, 12):02d}" + f"{a.randint(1, 95):02d}"
                 + f"{a.randint(1, 999):03d}" + f"{a.randint(1, 999):03d}")
        cle = f"{97 - int(corps) % 97:02d}"
        espace = f"{corps[0]} {corps[1:3]} {corps[3:5]} {corps[5:7]} {corps[7:10]} {corps[10:13]} {cle}"
        valeur = {0: espace, 1: corps + cle, 2: corps, 3: espace.replace(" ", ".")}[i % 4]
        exemples.append(Exemple("nir", a.choice(PHRASES).format(f"numéro de sécu {valeur}"), valeur))
    return exemples


def dates(a: random.Random, n: int, annee_courante: int) -> list[Exemple]:
    mois = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
            "décembre")
    exemples = []
    for i in range(n):
        jour, m, annee = a.randint(1, 28), a.randint(1, 12), a.randint(1930, annee_courante - 12)
        valeur = {0: f"{jour:02d}/{m:02d}/{annee}", 1: f"{jour}/{m}/{annee}", 2: f"{jour} {mois[m - 1]} {annee}",
                  3: f"{jour:02d}-{m:02d}-{annee}"}[i % 4]
        exemples.append(Exemple("date", a.choice(("je suis née le {}", "né le {} à Lyon", "ma date de naissance {}",
                                                   "{}", "mon fils est né le {}")).format(valeur), valeur))
    return exemples


def sans_donnee(a: random.Random, n: int, annee_courante: int) -> list[Exemple]:
    """Look-alikes that must stay: case numbers, postcodes, street numbers, amounts, recent dates, counts."""
    modeles = (
        lambda: f"où en est mon dossier {a.randint(10_000_000, 99_999_999)}",
        lambda: f"dossier n° {_paires(str(a.randint(10_000_000, 99_999_999)))}",
        lambda: f"il y a un nid de poule au {a.randint(1, 250)} rue Victor Hugo, {a.randint(10, 95)}{a.randint(0, 999):03d} Ville",
        lambda: f"la facture était de {a.randint(10, 9999)},{a.randint(0, 99):02d} euros",
        lambda: f"rendez-vous le {a.randint(1, 28):02d}/{a.randint(1, 12):02d}/{annee_courante}",
        lambda: f"depuis le {a.randint(1, 28)} mars {annee_courante - 1}",
        lambda: f"nous sommes {a.randint(2, 9)} dans la famille et {a.randint(1, 5)} enfants",
        lambda: "vingt-quatre cinquante-sept quatre-vingt-trois zéro un",  # a case number said in pairs
        lambda: f"à {a.randint(8, 18)} h {a.randint(0, 59):02d} devant l'école",
        lambda: f"la rue fait {a.randint(100, 2000)} mètres et il y a {a.randint(2, 40)} lampadaires",
    )
    return [Exemple("aucune", modeles[i % len(modeles)](), "") for i in range(n)]


def corpus(annee_courante: int, n: int = 200, graine: int = 2026) -> list[Exemple]:
    a = random.Random(graine)
    return (telephones(a, n) + courriels(a, n) + ibans(a, n) + nirs(a, n) + dates(a, n, annee_courante)
            + sans_donnee(a, n, annee_courante))
