"""Characters no record or screen keeps: controls, invisible and direction marks, lone surrogates.

One rule for what citizens send (serveur_rasa/entree_citoyen.py), what the
dialogue stores from free text (actions/texte_libre.py) and what agents type
(guichet/console/prise_en_charge.py). Tab, newline and carriage return are kept.
"""

from __future__ import annotations

import re

# C0 controls but tab/newline/CR, DEL, C1 controls, zero-width and bidi marks and overrides, lone UTF-16 surrogates, BOM
CONTROLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufeff]")


def sans_controles(texte: str) -> str:
    """The text with each of those characters replaced by a space."""
    return CONTROLE.sub(" ", texte)
