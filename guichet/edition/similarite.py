"""Near-duplicate questions across entries (character n-gram cosine similarity).

Two questions that differ only by accents, case, punctuation or a typo would
teach the model two answers for one question; the editor must decide which
entry owns it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence


def normaliser(texte: str) -> str:
    """Lower case, no accents, no punctuation, single spaces."""
    sans_accents = unicodedata.normalize("NFKD", texte.lower()).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", sans_accents).split())


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
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    normes = [normaliser(q.texte) for q in questions]
    vecteurs = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit_transform(normes)
    sims = cosine_similarity(vecteurs)
    paires = []
    for i in range(len(questions)):
        for j in range(i + 1, len(questions)):
            if questions[i].etiquette == questions[j].etiquette:
                continue
            s = 1.0 if normes[i] == normes[j] else float(sims[i, j])
            if s >= seuil:
                paires.append(PaireProche(questions[i], questions[j], round(min(s, 1.0), 3)))
    return sorted(paires, key=lambda p: -p.similarite)
