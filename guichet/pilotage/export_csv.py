"""The steering figures as CSV (indicator, key, value), for French spreadsheets."""

from __future__ import annotations

from collections.abc import Mapping

from guichet.affichage import csv_tableur
from guichet.construction.libelles import libelle
from guichet.pilotage.indicateurs import Indicateurs


def en_csv(i: Indicateurs, noms: Mapping[str, str] | None = None) -> str:
    """The figures in French Excel's CSV (guichet/affichage.py: BOM, ``;``, decimal comma, no formula); intents
    and FAQ entries carry the editors' French label (guichet/construction/libelles.py) beside their id."""
    noms = dict(noms or {})
    lignes: list[list[object]] = []
    lignes.append(["indicateur", "cle", "valeur", "libelle"])
    for nom in ("conversations", "taux_contenues", "taux_escalade", "taux_abandon", "taux_repli", "consultations_dossier",
                "appels", "taux_appels_repondus", "satisfaction_moyenne"):
        lignes.append([nom, "", getattr(i, nom)])
    for jour, canaux in i.par_jour.items():
        for canal, n in canaux.items():
            lignes.append(["conversations_par_jour", f"{jour} {canal}", n])
    for cle, n in i.intentions:
        lignes.append(["intentions", cle, n, libelle(noms, cle)])
    for cle, n in i.questions_sans_reponse:
        lignes.append(["questions_sans_reponse", cle, n])
    for nom in ("satisfaction", "signalements_par_categorie"):
        for cle, n in getattr(i, nom).items():
            lignes.append([nom, cle, n])
    return csv_tableur(lignes)
