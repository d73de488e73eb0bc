"""Closed choices given in free text: report category, callback slot, satisfaction."""

from __future__ import annotations

import re
import unicodedata

from connecteurs.modeles import CategorieSignalement, CreneauRappel


def _simplifier(texte: str) -> str:
    texte = unicodedata.normalize("NFKD", texte.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", "".join(c for c in texte if not unicodedata.combining(c))).split())


_MOTS_CATEGORIES: tuple[tuple[CategorieSignalement, tuple[str, ...]], ...] = (
    (CategorieSignalement.ECLAIRAGE, ("eclairage", "lampadaire", "lumiere", "reverbere", "ampoule", "eclaire", "noir")),
    (CategorieSignalement.ESPACES_VERTS, ("espace vert", "espaces verts", "arbre", "branche", "herbe", "pelouse", "parc", "square", "haie", "jardin")),
    (CategorieSignalement.PROPRETE, ("proprete", "dechet", "ordure", "depot sauvage", "tag", "graffiti", "sale", "crotte", "poubelle", "encombrant")),
    (CategorieSignalement.VOIRIE, ("voirie", "route", "chaussee", "trottoir", "nid de poule", "trou", "bitume", "plaque", "egout", "panneau", "signalisation", "rue")),
    (CategorieSignalement.AUTRE, ("autre", "autres", "rien de tout", "divers")),
)


def analyser_categorie(texte: str) -> CategorieSignalement | None:
    simple = f" {_simplifier(texte)} "
    for categorie, mots in _MOTS_CATEGORIES:
        if any(re.search(rf"\b{re.escape(m)}s?\b", simple) for m in mots):
            return categorie
    return None


def analyser_creneau(texte: str) -> CreneauRappel | None:
    simple = _simplifier(texte)
    if re.search(r"\b(apres midi|aprem|aprm|soir|14|15|16|17)\b", simple):
        return CreneauRappel.APRES_MIDI
    if re.search(r"\b(matin|matinee|9|10|11)\b", simple):
        return CreneauRappel.MATIN
    if re.search(r"\b(indifferent|peu importe|n importe|egal|quand vous voulez|les deux)\b", simple):
        return CreneauRappel.INDIFFERENT
    return None


_NOTES = {"un": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5"}


def analyser_note(texte: str) -> str | None:
    """'4', '4/5', 'quatre', 'oui', 'non' -> the stored answer; None if not an answer."""
    simple = _simplifier(texte)
    m = re.fullmatch(r"([1-5])(?: (?:sur )?5)?(?: etoiles?)?", simple)
    if m:
        return m.group(1)
    if simple in _NOTES:
        return _NOTES[simple]
    if re.fullmatch(r"(oui|ouais|yes|tout a fait|oui merci|oui tout a fait)", simple):
        return "oui"
    if re.fullmatch(r"(non|nan|pas du tout|non merci|pas vraiment)", simple):
        return "non"
    return None
