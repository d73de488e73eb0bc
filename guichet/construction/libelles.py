"""The French labels editors wrote, by intent or FAQ entry, for people who read figures and transcripts:
FAQ entries by their title (``faq/<id>``), intents by the domain's ``utter_sujet_<intent>`` short labels."""

from __future__ import annotations

from pathlib import Path

import yaml

HORS_PERIMETRE = "hors_perimetre"
REPLI = "nlu_fallback"
LIBELLES_FIXES = {REPLI: "aucune réponse (le bot fait reformuler)", HORS_PERIMETRE: "hors sujet",
                  "faq": "question fréquente (sans précision)"}


def libelles(domaine: Path) -> dict[str, str]:
    """Labels read from the generated domain (bot/domain/*.yml): an FAQ entry's ``utter_sujet_<id>`` names both
    ``<id>`` and ``faq/<id>``. A missing or unreadable domain gives the fixed labels only."""
    noms = dict(LIBELLES_FIXES)
    for chemin in sorted(domaine.glob("*.yml")):
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
