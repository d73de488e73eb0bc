"""Rights of access and erasure, by conversation (sender id) or by case number.

Access exports everything held: the conversation's events from the tracker
store and, from the embedded GRC, the reports, subscriptions, complaints,
hand-over records and satisfaction answers of those conversations, and the
identity-check counter of the case. Erasure deletes the conversations, the
hand-over records, subscriptions and satisfaction answers, and blanks the
personal parts of reports and complaints (description, contact), whose
skeleton (category, dates) stays in the administration's records.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from guichet.rgpd.stockage import Stockage

EFFACE = "[effacé]"


@dataclass(frozen=True)
class Cible:
    sender_id: str | None = None
    numero_dossier: str | None = None

    def __post_init__(self) -> None:
        if (self.sender_id is None) == (self.numero_dossier is None):
            raise ValueError("give exactly one of a sender id or a case number")
        if self.numero_dossier is not None and not (self.numero_dossier.isdigit() and len(self.numero_dossier) == 8):
            raise ValueError("a case number has exactly 8 digits")

    def en_dict(self) -> dict[str, str]:
        return {"sender_id": self.sender_id} if self.sender_id else {"numero_dossier": str(self.numero_dossier)}


def _senders(c: sa.engine.Connection, cible: Cible) -> list[str]:
    if not sa.inspect(c).has_table("events"):
        return []
    if cible.sender_id is not None:
        return [cible.sender_id]
    candidats = c.execute(sa.text(
        "SELECT DISTINCT sender_id, data FROM events WHERE type_name = 'slot' AND data LIKE :motif"
    ), {"motif": f"%{cible.numero_dossier}%"})
    senders = []
    for sender_id, data in candidats:
        evenement = json.loads(data)
        if evenement.get("name") == "numero_dossier" and str(evenement.get("value")) == cible.numero_dossier:
            senders.append(sender_id)
    return sorted(set(senders))


def _lignes(connexion: sqlite3.Connection, requete: str, parametres: tuple[Any, ...]) -> list[dict[str, Any]]:
    connexion.row_factory = sqlite3.Row
    return [dict(r) for r in connexion.execute(requete, parametres)]


def _marques(n: int) -> str:
    return ",".join("?" * n)


def exporter(stockage: Stockage, cible: Cible) -> dict[str, Any]:
    moteur = sa.create_engine(stockage.url_conversations)
    try:
        with moteur.connect() as c:
            senders = _senders(c, cible)
            conversations = {}
            for s in senders:
                lignes = c.execute(sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": s})
                evenements = [json.loads(d) for (d,) in lignes]
                if evenements:
                    conversations[s] = evenements
    finally:
        moteur.dispose()
    export: dict[str, Any] = {"cible": cible.en_dict(), "conversations": conversations, "grc": {}}
    if stockage.base_grc.exists():
        connexion = sqlite3.connect(stockage.base_grc, timeout=5)
        try:
            m = _marques(len(senders))
            grc: dict[str, Any] = {}
            if senders:
                for table in ("signalements", "reclamations", "escalades", "satisfactions"):
                    grc[table] = _lignes(connexion, f"SELECT * FROM {table} WHERE sender_id IN ({m})", tuple(senders))  # noqa: S608
                grc["abonnements"] = _lignes(
                    connexion, f"SELECT a.* FROM abonnements a JOIN signalements s ON s.id = a.signalement_id WHERE s.sender_id IN ({m})",  # noqa: S608
                    tuple(senders),
                )
            if cible.numero_dossier:
                grc["verrous_identite"] = _lignes(connexion, "SELECT * FROM verrous_identite WHERE numero = ?", (cible.numero_dossier,))
            export["grc"] = grc
        finally:
            connexion.close()
    return export


def effacer(stockage: Stockage, cible: Cible) -> dict[str, int]:
    resultat = {"conversations": 0, "evenements": 0, "escalades": 0, "satisfactions": 0, "abonnements": 0,
                "signalements_anonymises": 0, "reclamations_anonymisees": 0}
    moteur = sa.create_engine(stockage.url_conversations)
    try:
        with moteur.begin() as c:
            senders = _senders(c, cible)
            if senders:
                supprimes = c.execute(sa.text("DELETE FROM events WHERE sender_id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)), {"ids": senders})
                resultat["evenements"] = supprimes.rowcount or 0
                resultat["conversations"] = len(senders) if resultat["evenements"] else 0
    finally:
        moteur.dispose()
    if stockage.base_grc.exists():
        connexion = sqlite3.connect(stockage.base_grc, timeout=5)
        try:
            with connexion:
                if senders:
                    m, p = _marques(len(senders)), tuple(senders)
                    resultat["abonnements"] = connexion.execute(
                        f"DELETE FROM abonnements WHERE signalement_id IN (SELECT id FROM signalements WHERE sender_id IN ({m}))", p  # noqa: S608
                    ).rowcount
                    resultat["escalades"] = connexion.execute(f"DELETE FROM escalades WHERE sender_id IN ({m})", p).rowcount  # noqa: S608
                    resultat["satisfactions"] = connexion.execute(f"DELETE FROM satisfactions WHERE sender_id IN ({m})", p).rowcount  # noqa: S608
                    resultat["signalements_anonymises"] = connexion.execute(
                        f"UPDATE signalements SET description = ?, sender_id = NULL WHERE sender_id IN ({m})", (EFFACE, *p)  # noqa: S608
                    ).rowcount
                    resultat["reclamations_anonymisees"] = connexion.execute(
                        f"UPDATE reclamations SET description = ?, contact = ?, sender_id = NULL WHERE sender_id IN ({m})",  # noqa: S608
                        (EFFACE, EFFACE, *p),
                    ).rowcount
                if cible.numero_dossier:
                    connexion.execute("DELETE FROM verrous_identite WHERE numero = ?", (cible.numero_dossier,))
        finally:
            connexion.close()
    return resultat
