"""Cost of masking personal data before storage: masking alone, and a tracker save with and without it.

`python -m bench.masquage`: prints microseconds per message and the ratio of a
masked save to Rasa's plain SQL save (SQLite, a 30-event conversation).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from serveur_rasa.masquage import masquer

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
    print(f"masking one message: {par_message * 1e6:.1f} µs")
    print(f"tracker save per turn (SQLite): plain {brut * 1e3:.2f} ms, masked {masque * 1e3:.2f} ms, ratio {masque / brut:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
