"""How long citizens wait for an agent: from the escalation to its take-over in the
console (the embedded escalation store: `escalades.cree_le`, `pris_le`)."""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
import statistics
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class AttenteConseillers:
    demandes: int  # conversations handed over to an agent in the period
    prises: int  # taken over by an agent
    en_attente: int  # still waiting now
    mediane_s: float | None
    p90_s: float | None
    rappels: int  # callback requests taken outside office hours


def _centile(valeurs: list[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p of the values at or below it."""
    if not valeurs:
        return None
    return sorted(valeurs)[max(0, math.ceil(p * len(valeurs)) - 1)]


def mesurer(base_grc: Path, debut: dt.date, fin: dt.date, fuseau: ZoneInfo) -> AttenteConseillers:
    """Escalations created between debut and fin (local days, inclusive)."""
    borne_debut = dt.datetime.combine(debut, dt.time.min, fuseau).astimezone(dt.timezone.utc)
    borne_fin = dt.datetime.combine(fin + dt.timedelta(days=1), dt.time.min, fuseau).astimezone(dt.timezone.utc)
    if not base_grc.exists():
        return AttenteConseillers(0, 0, 0, None, None, 0)
    connexion = sqlite3.connect(f"file:{base_grc}?mode=ro", uri=True, timeout=5.0)
    try:
        colonnes = {ligne[1] for ligne in connexion.execute("PRAGMA table_info(escalades)")}
        pris_le = "pris_le" if "pris_le" in colonnes else "NULL"
        lignes = connexion.execute(f"SELECT type, etat, cree_le, {pris_le} FROM escalades").fetchall()
    finally:
        connexion.close()
    attentes: list[float] = []
    demandes = en_attente = rappels = 0
    for type_, etat, cree_le, pris in lignes:
        cree = dt.datetime.fromisoformat(cree_le)
        if cree.tzinfo is None:
            cree = cree.replace(tzinfo=dt.timezone.utc)
        if not borne_debut <= cree < borne_fin:
            continue
        if type_ == "rappel":
            rappels += 1
            continue
        demandes += 1
        if pris:
            attentes.append((dt.datetime.fromisoformat(pris) - cree).total_seconds())
        elif etat == "en_attente":
            en_attente += 1
    mediane = statistics.median(attentes) if attentes else None
    return AttenteConseillers(demandes, len(attentes), en_attente, mediane, _centile(attentes, 0.9), rappels)
