"""Masking personal data before storage: recall, cost, and a tracker save with and without it.

`python -m bench.masquage`: prints the recall on the generated corpus of French personal data
(tests/configuration/corpus_personnel.py: 1 000 examples per kind, typed and dictated, and 1 000
look-alikes that must stay), microseconds per message, the worst hostile 5 000-character messages,
and the ratio of a masked save to Rasa's plain SQL save (SQLite, a 30-event conversation).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from configuration.masquage import masquer

PHRASES = [
    "bonjour je voudrais savoir où en est mon dossier 24578301",
    "mon mail est claire.martin@example.org et mon tel 06 12 34 56 78",
    "il y a un nid de poule au 12 rue Victor Hugo devant chez moi depuis trois semaines",
    "mon numéro de sécu 2850375120005 et mon iban FR76 3000 6000 0112 3456 7890 189",
]


async def sauvegardes(classe: type, base: Path, n: int) -> float:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    magasin = classe(Domain.empty(), dialect="sqlite", db=str(base))
    debut = time.perf_counter()
    for i in range(n):
        tracker = DialogueStateTracker.from_events(f"s{i}", [], slots=Domain.empty().slots)
        for j in range(15):
            tracker.update(UserUttered(PHRASES[j % len(PHRASES)]))
            tracker.update(BotUttered("Très bien, je m'en occupe."))
            await magasin.save(tracker)
    return (time.perf_counter() - debut) / (n * 15)


HOSTILES = {
    "number words": "un " * 1666, "phone numbers": "0612345678 " * 450, "IBAN starts": "FR76 " * 1000,
    "dictated addresses": "a point b arobase " * 280, "dashes and digits": "1-2-3-4-" * 620, "dots": "a." * 2500,
}


def rappel(n: int = 1000) -> dict[str, float]:
    import datetime as dt
    from collections import Counter

    from tests.configuration.corpus_personnel import corpus

    libelles = {"telephone": "[téléphone]", "courriel": "[courriel]", "iban": "[IBAN]", "nir": "[NIR]", "date": "[date]"}
    vus, justes = Counter(), Counter()
    for e in corpus(dt.date.today().year, n=n, graine=7):
        resultat = masquer(e.texte)
        vus[e.categorie] += 1
        justes[e.categorie] += resultat == (e.texte if e.categorie == "aucune" else e.texte.replace(e.valeur, libelles[e.categorie]))
    return {c: justes[c] / vus[c] for c in vus}


def main() -> int:
    from rasa.core.tracker_store import SQLTrackerStore

    from serveur_rasa.tracker_masque import TrackerStoreMasque

    n = 20000
    debut = time.perf_counter()
    for i in range(n):
        masquer(PHRASES[i % len(PHRASES)])
    par_message = (time.perf_counter() - debut) / n
    with tempfile.TemporaryDirectory() as dossier:
        brut = asyncio.run(sauvegardes(SQLTrackerStore, Path(dossier) / "a.sqlite3", 20))
        masque = asyncio.run(sauvegardes(TrackerStoreMasque, Path(dossier) / "b.sqlite3", 20))
    for categorie, part in rappel().items():
        print(f"{'left untouched (look-alikes)' if categorie == 'aucune' else 'recall ' + categorie}: {part:.3f}")
    print(f"masking one message: {par_message * 1e6:.1f} µs")
    for nom, texte in HOSTILES.items():
        debut = time.perf_counter()
        masquer(texte[:5000])
        print(f"hostile 5 000 characters, {nom}: {(time.perf_counter() - debut) * 1e3:.1f} ms")
    print(f"tracker save per turn (SQLite): plain {brut * 1e3:.2f} ms, masked {masque * 1e3:.2f} ms, ratio {masque / brut:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
