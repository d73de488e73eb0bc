"""The steering figures as CSV (indicator, key, value), for spreadsheets."""

from __future__ import annotations

import csv
import io

from guichet.pilotage.indicateurs import Indicateurs


def en_csv(i: Indicateurs) -> str:
    tampon = io.StringIO()
    w = csv.writer(tampon)
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
