"""Case numbers: digits, as many as the case-status back end gives (eight for the embedded GRC), typed or spoken
with spaces, dots or dashes, in pairs or one by one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from configuration.chiffres import chiffres_ascii
from configuration.erreurs import ErreurConfiguration
from configuration.nombres_francais import lire_chiffres, mots_en_chiffres, nombre_en_mots

# a run of digits, single spaces, dots or dashes between them, not touching a date's slash nor another digit
_SUITE_CHIFFRES = re.compile(r"(?<![\d/])\d(?:[ .\-]?\d)*(?![\d/])", re.ASCII)
# a written date (day, month, year), never read as a case number
_DATE = re.compile(r"(?<![\d/.\-])(?:0?[1-9]|[12]\d|3[01])([/.\-])(?:0?[1-9]|1[0-2])\1(?:\d{4}|\d{2})(?![\d/.\-])", re.ASCII)


@dataclass(frozen=True)
class FormeNumero:
    """How many digits a case number has at the configured case-status back end."""

    minimum: int = 8
    maximum: int = 8

    def __post_init__(self) -> None:
        if not 1 <= self.minimum <= self.maximum <= 20:
            raise ValueError("a case number has from 1 to 20 digits, minimum ≤ maximum")

    def accepte(self, chiffres: str) -> bool:
        return chiffres.isdigit() and self.minimum <= len(chiffres) <= self.maximum

    @property
    def description(self) -> str:
        """« 8 chiffres », « de 4 à 9 chiffres » (for the answers' {description_numero})."""
        if self.minimum == self.maximum:
            return f"{self.minimum} chiffres"
        return f"de {self.minimum} à {self.maximum} chiffres"

    @property
    def description_voix(self) -> str:
        if self.minimum == self.maximum:
            return f"{nombre_en_mots(self.minimum)} chiffres"
        return f"de {nombre_en_mots(self.minimum)} à {nombre_en_mots(self.maximum)} chiffres"


FORME_PAR_DEFAUT = FormeNumero()  # the embedded GRC's eight digits

# the default shape of each case-status back end (GUICHET_SUIVI): the embedded GRC's 8 digits, a Démarches
# Simplifiées dossier number (an integer, 4 to 9 digits), a Publik form's data number (1 to 7 digits)
FORMES_PAR_SUIVI = {"embarquee": FormeNumero(8, 8), "demarches_simplifiees": FormeNumero(4, 9), "publik": FormeNumero(1, 7)}


def forme_depuis_env(env: Mapping[str, str]) -> FormeNumero:
    """GUICHET_NUMERO_DOSSIER_CHIFFRES (« 8 » or « 4-9 ») when set, else the default of GUICHET_SUIVI's back end."""
    brut = (env.get("GUICHET_NUMERO_DOSSIER_CHIFFRES") or "").strip()
    if not brut:
        return FORMES_PAR_SUIVI.get(env.get("GUICHET_SUIVI") or "embarquee", FORME_PAR_DEFAUT)
    trouve = re.fullmatch(r"(\d{1,2})(?:\s*-\s*(\d{1,2}))?", brut)
    try:
        if trouve is None:
            raise ValueError
        return FormeNumero(int(trouve.group(1)), int(trouve.group(2) or trouve.group(1)))
    except ValueError:
        raise ErreurConfiguration(
            f"GUICHET_NUMERO_DOSSIER_CHIFFRES must be a number of digits (« 8 ») or a range (« 4-9 »), 1 to 20, got {brut!r}"
        ) from None


def normaliser_numero_dossier(texte: str, forme: FormeNumero = FORME_PAR_DEFAUT) -> str | None:
    """The case number in a message (its digits only), or None.

    With the default shape, '24 57 83 01', '2457-8301', 'dossier n°24578301' and 'vingt-quatre cinquante-sept
    quatre-vingt-trois zéro un' all give '24578301'; a date, a phone number or a number of another length never.
    """
    if not texte:
        return None
    texte = _DATE.sub(" ", chiffres_ascii(texte))
    for suite in _SUITE_CHIFFRES.finditer(texte):
        chiffres = re.sub(r"\D", "", suite.group(0))
        if forme.accepte(chiffres):
            return chiffres
    chiffres = chiffres_entendus(texte)  # digits and number words together (« 24 cinquante-sept 83 01 »)
    return chiffres if forme.accepte(chiffres) else None


def chiffres_entendus(texte: str) -> str:
    """Every digit in a message, typed or spoken in any grouping ('vingt-quatre cinq sept' -> '2457')."""
    return re.sub(r"\D", "", mots_en_chiffres(chiffres_ascii(texte or "")))


def lecture_chiffres(chiffres: str) -> dict[str, str]:
    """The variables that say digits back: written in pairs ('24 57 8') and spoken in pairs, with their count."""
    return {
        "chiffres_lus": " ".join(chiffres[i:i + 2] for i in range(0, len(chiffres), 2)),
        "chiffres_lus_voix": lire_chiffres(chiffres),
        "nombre_chiffres": str(len(chiffres)),
        "nombre_chiffres_voix": nombre_en_mots(len(chiffres)) if len(chiffres) < 100 else str(len(chiffres)),
    }
