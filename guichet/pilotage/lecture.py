"""Reading the tracker store's events for a period (SQLite or PostgreSQL, through SQLAlchemy)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

import sqlalchemy as sa

MARGE_S = 2 * 86400  # conversations that started just before the period, and returns just after it


def lire_evenements(url: str, debut: dt.date, fin: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Events of every sender active in the period (with a margin for the 24-hour return rule)."""
    t0 = dt.datetime.combine(debut, dt.time.min, dt.timezone.utc).timestamp() - MARGE_S
    t1 = dt.datetime.combine(fin, dt.time.max, dt.timezone.utc).timestamp() + MARGE_S
    par_sender: dict[str, list[dict[str, Any]]] = defaultdict(list)
    moteur = sa.create_engine(url)
    try:
        with moteur.connect() as c:
            if not sa.inspect(c).has_table("events"):
                return {}
            lignes = c.execute(sa.text(
                "SELECT sender_id, data FROM events WHERE sender_id IN "
                "(SELECT DISTINCT sender_id FROM events WHERE timestamp BETWEEN :t0 AND :t1) ORDER BY id"
            ), {"t0": t0, "t1": t1})
            for sender_id, data in lignes:
                par_sender[sender_id].append(json.loads(data))
    finally:
        moteur.dispose()
    return dict(par_sender)
