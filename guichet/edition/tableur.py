"""Spreadsheet import/export of the FAQ sources (CSV, UTF-8, one row per entry).

Editors who prefer LibreOffice or Excel export the sources, edit the rows and
import them back. A cell holds several questions one per line; ``voir_aussi``
is a comma-separated list of ids; ``brouillon`` is "oui" or empty. The file's
row is the unit of error messages (faq.csv:12). Import rewrites the theme files
named in the ``fichier`` column and leaves the other theme files alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from guichet.affichage import csv_tableur
from guichet.construction.constats import Constat, erreur
from guichet.construction.sources_faq import EntreeSource, Sources, lire_entree, nom_fichier_theme, rendre_theme
from guichet.construction.yaml_positionne import Dict, Liste

COLONNES = ("fichier", "theme", "id", "titre", "service", "revue", "source", "voir_aussi", "brouillon", "questions", "texte", "voix")
OUI = {"oui", "o", "yes", "y", "true", "vrai", "1", "x"}
NON = {"", "non", "n", "no", "false", "faux", "0"}


def exporter_csv(sources: Sources) -> str:
    """The entries as French Excel's CSV (BOM, ``;``); texts kept as written: the file is imported back."""
    lignes: list[Sequence[object]] = [COLONNES]
    for theme in sources.themes:
        for e in theme.entrees:
            lignes.append([
                theme.fichier.name, theme.nom, e.id, e.titre, e.service, e.revue.isoformat(), e.source,
                ", ".join(e.voir_aussi), "oui" if e.brouillon else "", "\n".join(e.questions), e.texte, e.voix,
            ])
    return csv_tableur(lignes, echapper=False)


@dataclass(frozen=True)
class ThemeImporte:
    fichier: str
    nom: str
    entrees: tuple[EntreeSource, ...]


def lire_csv(chemin: Path) -> tuple[list[ThemeImporte], list[Constat]]:
    """Parse a spreadsheet export; entries with problems are reported, never half-imported."""
    constats: list[Constat] = []
    try:
        texte = chemin.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [erreur(chemin, None, "fichier introuvable")]
    except UnicodeDecodeError:
        return [], [erreur(chemin, None, "le fichier n'est pas en UTF-8 : dans le tableur, enregistrez-le en « CSV, UTF-8 »")]
    try:
        dialecte: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(texte.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialecte = csv.excel
    lecteur = csv.reader(io.StringIO(texte, newline=""), dialecte)
    try:
        entete = [c.strip().lower() for c in next(lecteur)]
    except StopIteration:
        return [], [erreur(chemin, 1, "fichier vide")]
    except csv.Error as exc:
        return [], [erreur(chemin, 1, f"CSV illisible : {exc}")]
    manquantes = [c for c in COLONNES if c not in entete and c != "fichier"]
    if manquantes:
        return [], [erreur(chemin, 1, f"colonnes manquantes : {', '.join(manquantes)} (attendues : {', '.join(COLONNES)})")]
    themes: dict[str, tuple[str, list[EntreeSource]]] = {}
    debut = lecteur.line_num + 1
    try:
        for ligne in lecteur:
            numero, debut = debut, lecteur.line_num + 1
            if not any(cell.strip() for cell in ligne):
                continue
            if len(ligne) != len(entete):
                constats.append(erreur(chemin, numero, f"{len(ligne)} cellules au lieu de {len(entete)}"))
                continue
            cellules = {entete[i]: ligne[i].strip() for i in range(len(entete))}
            entree = _entree(cellules, chemin, numero, constats)
            if entree is None:
                continue
            nom_theme = cellules["theme"] or "Sans thème"
            fichier = cellules.get("fichier") or nom_fichier_theme(nom_theme)
            if "/" in fichier or "\\" in fichier or not fichier.endswith((".yml", ".yaml")):
                constats.append(erreur(chemin, numero, f"fichier « {fichier} » : un simple nom de fichier .yml est attendu"))
                continue
            themes.setdefault(fichier, (nom_theme, []))[1].append(entree)
    except csv.Error as exc:
        constats.append(erreur(chemin, debut, f"CSV illisible : {exc}"))
    return [ThemeImporte(f, nom, tuple(entrees)) for f, (nom, entrees) in themes.items()], constats


def _entree(cellules: dict[str, str], chemin: Path, numero: int, constats: list[Constat]) -> EntreeSource | None:
    brouillon = cellules.get("brouillon", "").lower()
    if brouillon not in OUI | NON:
        constats.append(erreur(chemin, numero, f"brouillon « {cellules['brouillon']} » : « oui » ou vide"))
        return None
    brut = Dict()
    brut.ligne, brut.lignes = numero, {}
    questions = Liste(q.strip() for q in cellules["questions"].splitlines() if q.strip())
    questions.ligne, questions.lignes = numero, [numero] * len(questions)
    for cle, valeur in (
        ("id", cellules["id"]), ("titre", cellules["titre"]), ("service", cellules["service"]),
        ("revue", cellules["revue"]), ("source", cellules["source"]), ("questions", questions),
        ("texte", cellules["texte"]), ("voix", cellules["voix"]),
    ):
        brut[cle], brut.lignes[cle] = valeur, numero
    voir_aussi = [v.strip() for v in cellules.get("voir_aussi", "").split(",") if v.strip()]
    if voir_aussi:
        brut["voir_aussi"] = voir_aussi
    if brouillon in OUI:
        brut["brouillon"] = True
    return lire_entree(brut, chemin, numero, constats)


def ecrire_themes(dossier: Path, themes: list[ThemeImporte]) -> list[Path]:
    """Write the imported themes; return the files whose content changed."""
    changes = []
    for theme in themes:
        chemin = dossier / theme.fichier
        texte = rendre_theme(theme.nom, list(theme.entrees))
        if not chemin.exists() or chemin.read_text(encoding="utf-8") != texte:
            chemin.write_text(texte, encoding="utf-8")
            changes.append(chemin)
    return changes
