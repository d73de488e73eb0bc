"""How long citizens wait for an agent: from the escalation to its take-over in the
console (the embedded escalation store: `escalades.cree_le`, `pris_le`; SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from connecteurs.base_sql import ouvrir_si


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


def mesurer(url_grc: str, debut: dt.date, fin: dt.date, fuseau: ZoneInfo) -> AttenteConseillers:
    """Escalations created between debut and fin (local days, inclusive)."""
    borne_debut = dt.datetime.combine(debut, dt.time.min, fuseau).astimezone(dt.timezone.utc)
    borne_fin = dt.datetime.combine(fin + dt.timedelta(days=1), dt.time.min, fuseau).astimezone(dt.timezone.utc)
    with ouvrir_si(url_grc, "embedded GRC database", "escalades") as base:
        if base is None:
            return AttenteConseillers(0, 0, 0, None, None, 0)
        with base.lire() as c:
            # a day's margin on each side: cree_le is an ISO text whose offset may differ from UTC's
            lignes = c.execute(sa.text("SELECT type, etat, cree_le, pris_le FROM escalades WHERE cree_le >= :a AND cree_le < :b"), {
                "a": (borne_debut - dt.timedelta(days=1)).isoformat(), "b": (borne_fin + dt.timedelta(days=1)).isoformat()}).all()
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
