"""The jargon table: acronyms and everyday words citizens use, each with the plain words of its topic.

« CNI », « FPS », « JDC », « bagnole », « prune »: a word the training questions
rarely hold shares no character n-gram and often no word vector with the topic
it names. The table is Rasa training data (``synonym:`` blocks, bot/data/
synonymes.yml), so editors keep it beside the questions and a change retrains
the model. ``TableSynonymes.developper`` appends, after a message, the plain
words of each variant it contains (whole words, accents and case ignored): the
classifier sees « CNI perdue » as « CNI perdue carte nationale d'identité » and
keeps the acronym too. Only the classifier's features see the addition; the
message's text is left as the citizen wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sklearn.feature_extraction.text import strip_accents_unicode


def normaliser(texte: str) -> str:
    """Lower case, accents removed, as the classifier's vectorisers read a text: « Déchèterie » is « decheterie »."""
    return strip_accents_unicode(texte.lower())


class TableSynonymes:
    def __init__(self, variantes: Mapping[str, str]) -> None:
        """``variantes``: each variant (« CNI ») with its plain words (« carte nationale d'identité »)."""
        normalisees = ((normaliser(v).strip(), str(m)) for v, m in variantes.items())
        self.variantes = {v: m for v, m in normalisees if v}
        # longest first, so « carte grise » wins over « carte »; one pass over the message whatever the table's size
        motifs = sorted(self.variantes, key=len, reverse=True)
        self._motif = re.compile(r"(?<!\w)(" + "|".join(re.escape(m) for m in motifs) + r")(?!\w)") if motifs else None

    def developper(self, texte: str) -> str:
        """The text, followed by the plain words of each variant it holds (each once, in order of appearance)."""
        if self._motif is None:
            return texte
        ajouts: list[str] = []
        for trouve in self._motif.findall(normaliser(texte)):
            mots = self.variantes[trouve]
            if mots not in ajouts:
                ajouts.append(mots)
        return f"{texte} {' '.join(ajouts)}" if ajouts else texte

    def __len__(self) -> int:
        return len(self.variantes)
