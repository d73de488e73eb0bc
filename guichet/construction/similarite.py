"""Near-duplicate questions across entries.

Similarity is the edit-distance ratio of the normalised texts (difflib), which
sees "quels sont les tarifs" and "quel sont les tarif" as 95 % alike; a
character n-gram cosine pre-selects the candidate pairs so that the quadratic
comparison stays fast on thousands of questions.

Two questions that differ only by accents, case, punctuation or a typo would
teach the model two answers for one question; the editor must decide which
entry owns it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


def normaliser(texte: str) -> str:
    """Lower case, no accents, no punctuation, single spaces."""
    sans_accents = unicodedata.normalize("NFKD", texte.lower()).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", sans_accents).split())


PRESELECTION = 0.6  # n-gram cosine under which two questions cannot be near-duplicates


@dataclass(frozen=True)
class Question:
    texte: str
    etiquette: str  # entry id, or the intent for the dialogue examples
    ref: object  # where it comes from (opaque to this module)


@dataclass(frozen=True)
class PaireProche:
    a: Question
    b: Question
    similarite: float  # 0..1; 1.0 means identical once normalised


def paires_proches(questions: Sequence[Question], seuil: float) -> list[PaireProche]:
    """Pairs of questions with different labels whose similarity is at least ``seuil``."""
    if len(questions) < 2:
        return []
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    normes = [normaliser(q.texte) for q in questions]
    vecteurs = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), use_idf=False).fit_transform(normes)
    sims = cosine_similarity(vecteurs)
    paires = []
    for i, j in zip(*np.nonzero(np.triu(sims >= PRESELECTION, k=1)), strict=True):
        if questions[i].etiquette == questions[j].etiquette:
            continue
        s = 1.0 if normes[i] == normes[j] else difflib.SequenceMatcher(None, normes[i], normes[j]).ratio()
        if s >= seuil:
            paires.append(PaireProche(questions[i], questions[j], round(s, 3)))
    return sorted(paires, key=lambda p: (-p.similarite, p.a.texte, p.b.texte))
