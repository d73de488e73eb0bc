"""The steering figures as CSV (indicator, key, value), for spreadsheets."""

from __future__ import annotations

import csv
import io

from guichet.pilotage.indicateurs import Indicateurs

_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def cellule(valeur: object) -> object:
    """A value a spreadsheet will not run: text starting like a formula is prefixed with a quote (OWASP CSV injection)."""
    if isinstance(valeur, str) and valeur.startswith(_FORMULE):
        return "'" + valeur
    return valeur


class _Ecrivain:
    def __init__(self, tampon: io.StringIO) -> None:
        self._w = csv.writer(tampon)

    def writerow(self, ligne: list[object]) -> None:
        self._w.writerow([cellule(v) for v in ligne])


def en_csv(i: Indicateurs) -> str:
    tampon = io.StringIO()
    w = _Ecrivain(tampon)
    w.writerow(["indicateur", "cle", "valeur"])
    for nom in ("conversations", "taux_contenues", "taux_escalade", "taux_abandon", "taux_repli", "consultations_dossier",
                "appels", "taux_appels_repondus", "satisfaction_moyenne"):
        w.writerow([nom, "", getattr(i, nom)])
    for jour, canaux in i.par_jour.items():
        for canal, n in canaux.items():
            w.writerow(["conversations_par_jour", f"{jour} {canal}", n])
    for nom in ("intentions", "questions_sans_reponse"):
        for cle, n in getattr(i, nom):
            w.writerow([nom, cle, n])
    for nom in ("satisfaction", "signalements_par_categorie"):
        for cle, n in getattr(i, nom).items():
            w.writerow([nom, cle, n])
    return tampon.getvalue()
