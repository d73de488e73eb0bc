"""Generate the Rasa FAQ training data and responses from contenu/.

Editors own contenu/commune.yml (local details), contenu/faq/*.yml (questions
and answers, one file per theme, see guichet.construction.sources_faq) and
contenu/reponses.yml (dialogue texts). This module substitutes the commune's
details into the texts and writes the Rasa files, deterministically, with a
"generated, do not edit" header; draft entries are left out. Run:
``python -m guichet.construction.generation``.
"""

from __future__ import annotations

import argparse
import json
import logging
import string
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from configuration.chemins import RACINE
from configuration.commune import Commune, charger_commune
from configuration.erreurs import ErreurConfiguration
from guichet.construction.constats import erreurs
from guichet.construction.projet import Projet
from guichet.construction.sources_faq import lire_sources
from guichet.construction.yaml_ecriture import Litteral, vers_yaml

logger = logging.getLogger(__name__)

ENTETE = (
    "# Fichier généré par `python -m guichet.construction.generation` depuis {source} : ne pas modifier.\n"
    "# Generated file, do not edit.\n"
)
CANAL_VOIX = "voix"
MIN_QUESTIONS = 12


@dataclass(frozen=True)
class EntreeFaq:
    """A published FAQ entry with the commune's details substituted."""

    cle: str
    titre: str
    questions: tuple[str, ...]
    texte: str
    voix: str
    source: str
    voir_aussi: tuple[str, ...] = ()


def _charger_yaml(chemin: Path) -> Any:
    try:
        return yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ErreurConfiguration("file not found", str(chemin)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ErreurConfiguration(f"invalid YAML: {getattr(exc, 'problem', exc)}", str(chemin), mark.line + 1 if mark else None) from None


def _substituer(texte: str, commune: Commune, ou: str) -> str:
    try:
        return string.Template(texte).substitute(commune.details)
    except KeyError as exc:
        raise ErreurConfiguration(f"{ou}: unknown commune field ${{{exc.args[0]}}} (see contenu/commune.yml)") from None
    except ValueError as exc:
        raise ErreurConfiguration(f"{ou}: {exc}") from None


def charger_faq(dossier: Path, commune: Commune) -> list[EntreeFaq]:
    """The published entries (drafts left out); the first structural problem raises."""
    sources, constats = lire_sources(dossier)
    bloquants = erreurs(constats)
    if bloquants:
        c = bloquants[0]
        autres = f" (and {len(bloquants) - 1} more problems: run `make contenu ARGS=valider`)" if len(bloquants) > 1 else ""
        raise ErreurConfiguration(c.message + autres, str(c.fichier) if c.fichier else None, c.ligne)
    publiees = sources.publiees
    ids = {e.id for e in publiees}
    entrees = []
    for e in publiees:
        ou = f"{e.fichier}:{e.ligne}: entry {e.id!r}"
        if len(e.questions) < MIN_QUESTIONS:
            raise ErreurConfiguration(f"{ou}: {len(e.questions)} questions, at least {MIN_QUESTIONS} needed")
        inconnus = [v for v in e.voir_aussi if v not in ids]
        if inconnus:
            raise ErreurConfiguration(f"{ou}: voir_aussi refers to unknown or draft entries: {', '.join(inconnus)}")
        entrees.append(
            EntreeFaq(
                cle=e.id,
                titre=e.titre,
                questions=e.questions,
                texte=_substituer(e.texte, commune, ou),
                voix=_substituer(e.voix, commune, ou),
                source=_substituer(e.source, commune, ou),
                voir_aussi=e.voir_aussi,
            )
        )
    doublons = sorted({e.cle for e in entrees if sum(1 for f in entrees if f.cle == e.cle) > 1})
    if doublons:
        raise ErreurConfiguration(f"entry ids used more than once: {', '.join(doublons)}", str(dossier))
    return sorted(entrees, key=lambda e: e.cle)


def rendre_nlu_faq(entrees: list[EntreeFaq]) -> str:
    nlu = [
        {"intent": f"faq/{e.cle}", "examples": Litteral("".join(f"- {q}\n" for q in e.questions))}
        for e in entrees
    ]
    return ENTETE.format(source="contenu/faq/") + vers_yaml({"version": "3.1", "nlu": nlu})


def rendre_domaine_faq(entrees: list[EntreeFaq]) -> str:
    titres = {e.cle: e.titre for e in entrees}
    responses: dict[str, list[dict[str, Any]]] = {}
    for e in entrees:
        ecrite: dict[str, Any] = {"text": e.texte}
        if e.voir_aussi:
            ecrite["buttons"] = [
                {"title": titres[v], "payload": "/choisir_sujet" + json.dumps({"sujet": v})} for v in e.voir_aussi
            ]
        responses[f"utter_faq/{e.cle}"] = [ecrite, {"text": e.voix, "channel": CANAL_VOIX}]
    for e in entrees:
        responses[f"utter_sujet_{e.cle}"] = [{"text": e.titre}, {"text": e.titre, "channel": CANAL_VOIX}]
    return ENTETE.format(source="contenu/faq/") + vers_yaml({"version": "3.1", "responses": responses})


def rendre_domaine_reponses(chemin: Path, commune: Commune) -> str:
    brut = _charger_yaml(chemin)
    if not isinstance(brut, dict):
        raise ErreurConfiguration("expected a mapping of responses", str(chemin))
    responses: dict[str, list[dict[str, Any]]] = {}
    for nom, variantes in brut.items():
        ou = f"{chemin}: response {nom!r}"
        if not isinstance(variantes, list) or not variantes:
            raise ErreurConfiguration(f"{ou}: expected a non-empty list of variants")
        rendues = []
        for v in variantes:
            if not isinstance(v, dict) or "text" not in v:
                raise ErreurConfiguration(f"{ou}: each variant needs a 'text'")
            v = dict(v)
            v["text"] = _substituer(str(v["text"]), commune, ou)
            rendues.append(v)
        if not any(v.get("channel") == CANAL_VOIX for v in rendues):
            raise ErreurConfiguration(f"{ou}: no variant for channel '{CANAL_VOIX}'")
        responses[str(nom)] = rendues
    return ENTETE.format(source="contenu/reponses.yml") + vers_yaml({"version": "3.1", "responses": responses})


def generer(fichiers: Projet) -> dict[Path, str]:
    """Return the generated files' contents by path (nothing written)."""
    commune = charger_commune(fichiers.commune)
    entrees = charger_faq(fichiers.faq, commune)
    return {
        fichiers.nlu_faq: rendre_nlu_faq(entrees),
        fichiers.domaine_faq: rendre_domaine_faq(entrees),
        fichiers.domaine_reponses: rendre_domaine_reponses(fichiers.reponses, commune),
    }


def ecrire(fichiers: Projet) -> list[Path]:
    """Write the generated files; return those whose content changed."""
    changes = []
    for chemin, texte in generer(fichiers).items():
        if not chemin.exists() or chemin.read_text(encoding="utf-8") != texte:
            chemin.parent.mkdir(parents=True, exist_ok=True)
            chemin.write_text(texte, encoding="utf-8")
            changes.append(chemin)
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate Rasa FAQ data and responses from contenu/.")
    parser.add_argument("--racine", type=Path, default=RACINE)
    args = parser.parse_args(argv)
    try:
        changes = ecrire(Projet(args.racine))
    except ErreurConfiguration as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for chemin in changes:
        print(f"generated {chemin.relative_to(args.racine)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
