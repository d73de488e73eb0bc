"""VecteursMots: a message's meaning as the mean of its words' static vectors (spaCy's French ``md`` model).

Character n-grams see spelling, not meaning: « bagnole » shares nothing with
« voiture », nor « fourrière » with « enlevée ». The word vectors of
``fr_core_news_md`` (20,000 vectors for 500,000 words, trained on French web
text) put such words close together, so a question worded unlike any training
example still lands near its topic (docs/nlu.md: +1 to +2 points of accuracy at
the same rate of wrong answers, in cross-validation and on the phrases written
apart).

Only the vector table is read, not the spaCy pipeline: loading the French
language class compiles its tokenizer exceptions (3 s on 2 cores) for nothing,
as the words are cut here by a plain regular expression (letters and digits,
lowercased) and looked up by spaCy's own string hash. A word the table does not
know adds nothing; a message with no known word gets the zero vector.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MOT = re.compile(r"\w+")


class ModeleVecteursAbsent(RuntimeError):
    """The spaCy model holding the vectors is not installed (or not the one the NLU model was trained with)."""


@dataclass(frozen=True)
class VecteursMots:
    modele: str  # the spaCy package's name, e.g. fr_core_news_md
    version: str
    table: Any  # spacy.vectors.Vectors

    @property
    def dimension(self) -> int:
        return int(self.table.shape[1])

    def moyennes(self, textes: list[str]) -> np.ndarray:
        """One row per text: the mean of its known words' vectors, scaled to length one (zeros if none is known)."""
        from spacy.strings import hash_string  # type: ignore[attr-defined]

        lignes = np.zeros((len(textes), self.dimension), dtype=np.float64)
        for i, texte in enumerate(textes):
            rangs = [r for r in (self.table.find(key=hash_string(m)) for m in MOT.findall(texte.lower()))
                     if r >= 0]
            if rangs:
                moyenne = np.asarray(self.table.data[rangs], dtype=np.float64).mean(axis=0)
                norme = float(np.linalg.norm(moyenne))
                lignes[i] = moyenne / norme if norme else moyenne
        return lignes


def _dossier_vocabulaire(modele: str) -> tuple[Path, str]:
    try:
        version = importlib.metadata.version(modele)
        paquet = importlib.import_module(modele)
    except (importlib.metadata.PackageNotFoundError, ImportError) as e:
        raise ModeleVecteursAbsent(
            f"the spaCy model {modele!r} (word vectors of the NLU) is not installed: "
            f"run `make install` (pip install -r requirements.lock)") from e
    racine = Path(paquet.__file__).parent  # type: ignore[arg-type]
    dossiers = sorted(racine.glob(f"{modele}-*/vocab"))
    if not dossiers or not (dossiers[-1] / "vectors").exists():
        raise ModeleVecteursAbsent(f"the spaCy model {modele!r} at {racine} has no vectors (vocab/vectors): reinstall it "
                                   f"(`make install`)")
    return dossiers[-1], version


@lru_cache(maxsize=4)
def charger(modele: str) -> VecteursMots:
    """The vector table of an installed spaCy model, loaded once per process (1 s)."""
    from spacy.vectors import Vectors

    dossier, version = _dossier_vocabulaire(modele)
    return VecteursMots(modele=modele, version=version, table=Vectors().from_disk(dossier))

