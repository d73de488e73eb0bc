"""Rights of access and erasure, by conversation (sender id) or by case number.

Access exports everything held: the conversation's events from the tracker
store and, from the embedded GRC, the reports, subscriptions, complaints,
hand-over records and satisfaction answers of those conversations, and the
identity-check counters of the case (the embedded GRC's and the one kept for
remote back ends). SQLite or PostgreSQL alike (GUICHET_GRC_BASE). Erasure deletes the conversations, the
hand-over records, subscriptions and satisfaction answers, and blanks the
personal parts of reports and complaints (description, contact), whose
skeleton (category, dates) stays in the administration's records.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from connecteurs.adresses_bases import AdressesBases
from connecteurs.base_sql import BaseSql, ouvrir_si

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


def _executer(c: sa.engine.Connection, requete: str, parametres: dict[str, Any]) -> sa.engine.CursorResult:
    """``:ids`` stands for a list of sender ids."""
    instruction = sa.text(requete)
    if "ids" in parametres:
        instruction = instruction.bindparams(sa.bindparam("ids", expanding=True))
    return c.execute(instruction, parametres)


def _lignes(c: sa.engine.Connection, requete: str, **parametres: Any) -> list[dict[str, Any]]:
    return [dict(ligne) for ligne in _executer(c, requete, parametres).mappings()]


def _modifier(c: sa.engine.Connection, requete: str, **parametres: Any) -> int:
    return int(_executer(c, requete, parametres).rowcount or 0)


def _base_grc(stockage: AdressesBases) -> contextlib.AbstractContextManager[BaseSql | None]:
    return ouvrir_si(stockage.url_grc, "embedded GRC database", "escalades")


def _base_essais(stockage: AdressesBases) -> contextlib.AbstractContextManager[BaseSql | None]:
    """The identity-check counter kept for remote back ends (its own table)."""
    return ouvrir_si(stockage.url_essais, "identity-check attempts", "essais_identite")


def exporter(stockage: AdressesBases, cible: Cible) -> dict[str, Any]:
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
    grc: dict[str, Any] = {}
    with _base_grc(stockage) as base:
        if base is not None:
            with base.lire() as c:
                if senders:
                    for table in ("signalements", "reclamations", "escalades", "satisfactions"):
                        grc[table] = _lignes(c, f"SELECT * FROM {table} WHERE sender_id IN :ids ORDER BY cree_le", ids=senders)  # noqa: S608
                    grc["abonnements"] = _lignes(
                        c, "SELECT a.* FROM abonnements a JOIN signalements s ON s.id = a.signalement_id "
                        "WHERE s.sender_id IN :ids ORDER BY a.id", ids=senders)
                if cible.numero_dossier:
                    grc["verrous_identite"] = _lignes(c, "SELECT * FROM verrous_identite WHERE numero = :n", n=cible.numero_dossier)
    if cible.numero_dossier:
        with _base_essais(stockage) as base:
            if base is None:
                grc["essais_identite"] = []
            else:
                with base.lire() as c:
                    grc["essais_identite"] = _lignes(c, "SELECT * FROM essais_identite WHERE numero = :n", n=cible.numero_dossier)
                    grc["essais_identite_sources"] = _lignes(
                        c, "SELECT * FROM essais_identite_sources WHERE numero = :n", n=cible.numero_dossier)
    return {"cible": cible.en_dict(), "conversations": conversations, "grc": grc}


def effacer(stockage: AdressesBases, cible: Cible) -> dict[str, int]:
    resultat = {"conversations": 0, "evenements": 0, "escalades": 0, "satisfactions": 0, "abonnements": 0,
                "signalements_anonymises": 0, "reclamations_anonymisees": 0}
    moteur = sa.create_engine(stockage.url_conversations)
    try:
        with moteur.begin() as c:
            senders = _senders(c, cible)
            if senders:
                resultat["evenements"] = _modifier(c, "DELETE FROM events WHERE sender_id IN :ids", ids=senders)
                resultat["conversations"] = len(senders) if resultat["evenements"] else 0
    finally:
        moteur.dispose()
    with _base_grc(stockage) as base:
        if base is not None:
            with base.ecrire() as c:
                if senders:
                    resultat["abonnements"] = _modifier(
                        c, "DELETE FROM abonnements WHERE signalement_id IN (SELECT id FROM signalements WHERE sender_id IN :ids)",
                        ids=senders)
                    resultat["escalades"] = _modifier(c, "DELETE FROM escalades WHERE sender_id IN :ids", ids=senders)
                    resultat["satisfactions"] = _modifier(c, "DELETE FROM satisfactions WHERE sender_id IN :ids", ids=senders)
                    resultat["signalements_anonymises"] = _modifier(
                        c, "UPDATE signalements SET description = :e, sender_id = NULL WHERE sender_id IN :ids", e=EFFACE, ids=senders)
                    resultat["reclamations_anonymisees"] = _modifier(
                        c, "UPDATE reclamations SET description = :e, contact = :e, sender_id = NULL WHERE sender_id IN :ids",
                        e=EFFACE, ids=senders)
                if cible.numero_dossier:
                    _modifier(c, "DELETE FROM verrous_identite WHERE numero = :n", n=cible.numero_dossier)
    if cible.numero_dossier:
        with _base_essais(stockage) as base:
            if base is not None:
                with base.ecrire() as c:
                    _modifier(c, "DELETE FROM essais_identite WHERE numero = :n", n=cible.numero_dossier)
                    _modifier(c, "DELETE FROM essais_identite_sources WHERE numero = :n", n=cible.numero_dossier)
    return resultat
