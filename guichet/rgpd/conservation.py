"""Retention: conversations and hand-over records older than their limit are deleted.

A conversation is purged when its *last* event is older than the limit
(default 90 days): an ongoing conversation is never cut in half. Hand-over
records (escalations and callback requests, with their context) follow their
own limit (default 365 days, the time a complaint about the handling can
still arise). Reports and complaints are the administration's records and
follow its own archiving rules, not these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from connecteurs.adresses_bases import AdressesBases
from connecteurs.base_sql import ouvrir_si
from guichet.pilotage.resumes import oublier_textes


@dataclass(frozen=True)
class Conservation:
    jours_conversations: int = 90
    jours_escalades: int = 365

    def __post_init__(self) -> None:
        if self.jours_conversations < 1 or self.jours_escalades < 1:
            raise ValueError("retention periods must be at least one day")


def purger(stockage: AdressesBases, conservation: Conservation, maintenant: dt.datetime | None = None) -> dict[str, int]:
    instant = maintenant or dt.datetime.now(dt.timezone.utc)
    limite_conversations = (instant - dt.timedelta(days=conservation.jours_conversations)).timestamp()
    resultat = {"conversations": 0, "evenements": 0, "escalades": 0}
    moteur = sa.create_engine(stockage.url_conversations)
    try:
        with moteur.begin() as c:
            if sa.inspect(c).has_table("events"):
                anciennes = [r[0] for r in c.execute(sa.text(
                    "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :limite"
                ), {"limite": limite_conversations})]
                for debut in range(0, len(anciennes), 500):
                    lot = anciennes[debut:debut + 500]
                    supprimes = c.execute(sa.text("DELETE FROM events WHERE sender_id IN :ids").bindparams(
                        sa.bindparam("ids", expanding=True)), {"ids": lot})
                    resultat["evenements"] += supprimes.rowcount or 0
                resultat["conversations"] = len(anciennes)
    finally:
        moteur.dispose()
    # the steering summaries keep their counts, not the texts of the days now purged
    resultat["resumes_sans_textes"] = oublier_textes(stockage.url_conversations, dt.datetime.fromtimestamp(limite_conversations, dt.timezone.utc).date())
    with ouvrir_si(stockage.url_grc, "embedded GRC database", "escalades") as base:
        if base is not None:
            limite_escalades = (instant - dt.timedelta(days=conservation.jours_escalades)).isoformat()
            with base.ecrire() as c:
                resultat["escalades"] = int(c.execute(sa.text("DELETE FROM escalades WHERE cree_le < :limite"),
                                                      {"limite": limite_escalades}).rowcount or 0)
    return resultat
