"""The French labels editors wrote, by intent or FAQ entry, for people who read figures and transcripts:
FAQ entries by their title (``faq/<id>``), intents by the domain's ``utter_sujet_<intent>`` short labels."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

HORS_PERIMETRE = "hors_perimetre"
REPLI = "nlu_fallback"
LIBELLES_FIXES = {REPLI: "aucune réponse (le bot fait reformuler)", HORS_PERIMETRE: "hors sujet",
                  "faq": "question fréquente (sans précision)"}


def libelles(domaine: Path) -> dict[str, str]:
    """Labels read from the generated domain (bot/domain/*.yml): an FAQ entry's ``utter_sujet_<id>`` names both
    ``<id>`` and ``faq/<id>``. A missing or unreadable domain gives the fixed labels only. Read again only when a
    file of the domain changed (the console asks every second for the agents' queue)."""
    signature = []
    for fichier in sorted(domaine.glob("*.yml")):
        try:
            etat = fichier.stat()
        except OSError:
            continue  # removed meanwhile (a publication rewrites the domain)
        signature.append((str(fichier), etat.st_mtime_ns, etat.st_size))
    return dict(_lire(tuple(signature)))


@functools.lru_cache(maxsize=8)
def _lire(signature: tuple[tuple[str, int, int], ...]) -> dict[str, str]:
    noms = dict(LIBELLES_FIXES)
    for chemin in (Path(nom) for nom, _, _ in signature):
        try:
            reponses = (yaml.safe_load(chemin.read_text(encoding="utf-8")) or {}).get("responses") or {}
        except (OSError, yaml.YAMLError):
            continue
        for nom, variantes in reponses.items():
            if nom.startswith("utter_sujet_") and variantes and isinstance(variantes[0], dict):
                cle, texte = nom.removeprefix("utter_sujet_"), str(variantes[0].get("text", ""))
                noms[cle] = texte
                if chemin.stem == "faq":
                    noms[f"faq/{cle}"] = texte
    return noms


def libelle(noms: dict[str, str], cle: str) -> str:
    """The label, or the id itself when none was written (a new intent before `make train`)."""
    return noms.get(cle) or cle
