"""Figures written for French readers (console, editors' tool): percentages, durations, spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence


def pourcentage(x: float, decimales: int = 0) -> str:
    """0.125 → « 13 % » (« 12,5 % » with one decimal: the French decimal comma); a plain space before « % »,
    a narrow one would be lost in a terminal."""
    return f"{x * 100:.{decimales}f} %".replace(".", ",")


def duree(secondes: float | None) -> str:
    """75 → « 1 min 15 s »; None → « — »."""
    if secondes is None:
        return "—"
    minutes, s = divmod(int(round(secondes)), 60)
    return f"{minutes} min {s:02d} s" if minutes else f"{s} s"


FORMULE = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula (OWASP CSV injection)


def cellule_tableur(valeur: object) -> object:
    """A cell as French Excel reads it: decimal comma; text starting like a formula prefixed with a quote."""
    if isinstance(valeur, float):
        return repr(valeur).replace(".", ",")
    if isinstance(valeur, str) and valeur.startswith(FORMULE):
        return "'" + valeur
    return valeur


def csv_tableur(lignes: Iterable[Sequence[object]], echapper: bool = True) -> str:
    """CSV that French Excel opens in columns: UTF-8 with a BOM, ``;`` between cells, CRLF between rows.

    ``echapper=False`` keeps texts as they are (a file meant to be imported back, never computed).
    """
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    for ligne in lignes:
        ecrivain.writerow([cellule_tableur(v) if echapper or isinstance(v, float) else v for v in ligne])
    return "\ufeff" + tampon.getvalue()
