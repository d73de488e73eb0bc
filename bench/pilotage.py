"""Steering figures on a year of a mid-size town: about a million events in the SQLite tracker store.

`python -m bench.pilotage [--evenements 1000000]`: generates conversations
(FAQ, case lookups, reports, escalations, fallbacks; chat and phone) over a
year into a throw-away store, then times reading and computing a month and a
year of figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from guichet.pilotage.indicateurs import calculer
from guichet.pilotage.lecture import lire_evenements
from guichet.pilotage.resumes import indicateurs as indicateurs_resumes

DEBUT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc).timestamp()


def conversation(g: random.Random, t: float) -> list[dict]:
    canal = "voix" if g.random() < 0.3 else g.choice(["rest", "socketio"])
    evs = [{"event": "action", "timestamp": t, "name": "action_session_start"}, {"event": "session_started", "timestamp": t}]
    for k in range(g.randint(1, 4)):
        intention = g.choice(["faq", "faq", "faq", "suivre_dossier", "signaler_probleme", "nlu_fallback", "remercier"])
        evs.append({"event": "user", "timestamp": t + 10 * k + 1, "text": "…", "input_channel": canal,
                    "parse_data": {"intent": {"name": intention, "confidence": 0.9}}})
        evs.append({"event": "action", "timestamp": t + 10 * k + 2, "name": "action_listen"})
        evs.append({"event": "bot", "timestamp": t + 10 * k + 3, "text": "…"})
    if g.random() < 0.08:
        evs.append({"event": "pause", "timestamp": t + 60})
    if g.random() < 0.3:
        evs.append({"event": "slot", "timestamp": t + 70, "name": "note_satisfaction", "value": str(g.randint(1, 5))})
    return evs


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--evenements", type=int, default=1_000_000)
    args = p.parse_args()
    g = random.Random(1)
    with tempfile.TemporaryDirectory() as dossier:
        base = Path(dossier) / "conversations.sqlite3"
        c = sqlite3.connect(base)
        c.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL, "
                  "timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")
        c.execute("CREATE INDEX ix_events_sender_id ON events (sender_id)")
        n, conversations = 0, 0
        debut = time.monotonic()
        while n < args.evenements:
            evs = conversation(g, DEBUT + g.random() * 365 * 86400)
            sender = f"s{conversations}"
            c.executemany("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                          [(sender, e["event"], e["timestamp"], json.dumps(e)) for e in evs])
            n += len(evs)
            conversations += 1
        c.commit()
        c.close()
        print(f"generated {n} events, {conversations} conversations in {time.monotonic() - debut:.0f} s")
        url = f"sqlite:///{base}"
        for nom, du, au in (("a month", dt.date(2026, 6, 1), dt.date(2026, 6, 30)), ("a year", dt.date(2026, 1, 1), dt.date(2026, 12, 31))):
            t0 = time.monotonic()
            evenements = lire_evenements(url, du, au)
            t1 = time.monotonic()
            i = calculer(evenements, du, au)
            t2 = time.monotonic()
            print(f"{nom}: read {sum(map(len, evenements.values()))} events in {t1 - t0:.1f} s, computed in {t2 - t1:.1f} s "
                  f"({i.conversations} conversations, containment {i.taux_contenues:.0%})")
            # the console's path: daily summaries (first call computes and stores them, later calls read them)
            aujourd_hui = dt.date(2027, 2, 1)
            t0 = time.monotonic()
            froid = indicateurs_resumes(url, du, au, dt.timezone.utc, aujourd_hui)
            t1 = time.monotonic()
            chaud = indicateurs_resumes(url, du, au, dt.timezone.utc, aujourd_hui)
            t2 = time.monotonic()
            assert froid.conversations == chaud.conversations == i.conversations and chaud.taux_contenues == i.taux_contenues
            print(f"{nom} with daily summaries: first {t1 - t0:.1f} s, then {1000 * (t2 - t1):.0f} ms "
                  f"(ratio {(t1 - t0) / max(t2 - t1, 1e-6):.0f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
