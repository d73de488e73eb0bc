"""Rasa's SQL tracker store, with personal data masked before anything is written.

The conversation in memory keeps what the citizen typed for the turn being
processed (the NLU and the actions need it); what is stored — and so what later
turns, the steering figures and the agents see — has e-mail addresses, phone
numbers, NIR and IBAN replaced by labels, contact slots masked, and the answer
given to the identity check (birth date or e-mail) replaced by "***".
Select it in endpoints.yml: ``tracker_store: type: serveur_rasa.tracker_masque.TrackerStoreMasque``
(same parameters as ``type: SQL``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerEventDiffEngine
from rasa.shared.core.events import ActiveLoop, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from configuration.chemins import fichier_prive
from configuration.masquage import LIBELLE_TELEPHONE, SLOTS_TEXTE_LIBRE, masquer
from configuration.preuves_identite import MASQUE, SLOTS_PREUVE

logger = logging.getLogger(__name__)

SLOTS_PERSONNELS = frozenset({"contact_abonnement", "contact_reclamation", "telephone_rappel"})


def _sans_numero(metadonnees: Any) -> Any:
    """The caller's number leaves the metadata kept in the store (it lives in the GRC, with the escalation)."""
    if isinstance(metadonnees, dict) and metadonnees.get("numero_appelant"):
        return {**metadonnees, "numero_appelant": LIBELLE_TELEPHONE}
    return metadonnees


def masquer_evenement(donnees: dict[str, Any], slot_demande: str | None) -> dict[str, Any]:
    """A stored copy of one event (``Event.as_dict()``) with its personal data masked."""
    d = dict(donnees)  # copies of what is changed below only: the tracker in memory keeps the originals
    genre = d.get("event")
    if genre == "user":
        texte = MASQUE if slot_demande in SLOTS_PREUVE else masquer(str(d.get("text") or ""))
        d["text"] = texte
        if "metadata" in d:
            d["metadata"] = _sans_numero(d["metadata"])
        if isinstance(d.get("parse_data"), dict):
            analyse = d["parse_data"] = dict(d["parse_data"])
            analyse["text"] = texte
            if "metadata" in analyse:
                analyse["metadata"] = _sans_numero(analyse["metadata"])
            if isinstance(analyse.get("entities"), list):
                analyse["entities"] = [dict(e) if isinstance(e, dict) else e for e in analyse["entities"]]
                for entite in analyse["entities"]:
                    if isinstance(entite, dict) and isinstance(entite.get("value"), str):
                        entite["value"] = MASQUE if slot_demande in SLOTS_PREUVE else masquer(entite["value"])
    elif genre == "bot":
        d["text"] = masquer(str(d.get("text") or "")) if d.get("text") else d.get("text")
    elif genre == "slot" and isinstance(d.get("value"), str):
        nom = d.get("name")
        if nom in SLOTS_PREUVE and d["value"] != MASQUE:
            d["value"] = MASQUE
        elif nom in SLOTS_PERSONNELS or nom in SLOTS_TEXTE_LIBRE:
            d["value"] = masquer(d["value"])
    return d


def _requete(sql: str, style: str) -> str:
    return sql.replace("?", "%s") if style in ("format", "pyformat") else sql


class RequetesEvenements:
    """The three statements of the tracker store, sent straight to the database driver.

    Rasa's ORM queries cost more CPU than the rest of a turn's storage (SQLAlchemy
    rebuilt each statement's cache key at every call: a quarter of the Rasa
    server's CPU on the mixed workload). Same tables, same filters (the current
    session: events from the latest ``session_started`` on), same order.
    """

    STYLES = ("qmark", "format", "pyformat")

    def __init__(self, engine: Any, table: str) -> None:
        self.engine = engine
        style = engine.dialect.paramstyle
        depuis_session = (
            f"sender_id = ? AND (timestamp >= (SELECT max(timestamp) FROM {table} WHERE sender_id = ? AND type_name = ?)"
            f" OR (SELECT max(timestamp) FROM {table} WHERE sender_id = ? AND type_name = ?) IS NULL)"
        )
        self._session = _requete(f"SELECT data FROM {table} WHERE {depuis_session} ORDER BY id", style)
        self._tout = _requete(f"SELECT data FROM {table} WHERE sender_id = ? ORDER BY id", style)
        self._compte = _requete(f"SELECT count(*) FROM {table} WHERE {depuis_session}", style)
        self._ajout = _requete(
            f"INSERT INTO {table} (sender_id, type_name, timestamp, intent_name, action_name, data) VALUES (?, ?, ?, ?, ?, ?)",
            style)

    @staticmethod
    def _filtre(sender_id: str) -> tuple[str, ...]:
        return (sender_id, sender_id, SessionStarted.type_name, sender_id, SessionStarted.type_name)

    def lire(self, sender_id: str, toutes_sessions: bool) -> list[str]:
        connexion = self.engine.raw_connection()
        try:
            curseur = connexion.cursor()
            if toutes_sessions:
                curseur.execute(self._tout, (sender_id,))
            else:
                curseur.execute(self._session, self._filtre(sender_id))
            return [data for (data,) in curseur.fetchall()]
        finally:
            connexion.close()

    def ajouter(self, sender_id: str, lignes: Callable[[int], list[tuple[Any, ...]]]) -> int:
        """Count the stored events of the current session, insert ``lignes(count)``, commit; return how many were added."""
        connexion = self.engine.raw_connection()
        try:
            curseur = connexion.cursor()
            curseur.execute(self._compte, self._filtre(sender_id))
            (deja,) = curseur.fetchone()
            nouvelles = lignes(int(deja))
            if nouvelles:
                curseur.executemany(self._ajout, nouvelles)
            connexion.commit()
            return len(nouvelles)
        except BaseException:
            connexion.rollback()
            raise
        finally:
            connexion.close()


def slot_demande_avant(evenements: Sequence[Event], fin: int) -> str | None:
    """The form's requested slot when event ``fin`` happened (scanning back to the last change)."""
    for evenement in reversed(evenements[:fin]):
        if isinstance(evenement, SlotSet) and evenement.key == "requested_slot":
            return evenement.value if isinstance(evenement.value, str) else None
        if isinstance(evenement, ActiveLoop) and not evenement.name:
            return None
    return None


def evenements_masques(tracker: DialogueStateTracker, debut: int) -> list[tuple[Event, dict[str, Any]]]:
    """The tracker's events from ``debut`` on, each with its masked copy (what is stored and what is published)."""
    evenements = list(tracker.events)
    slot_demande = slot_demande_avant(evenements, debut)
    resultat = []
    for evenement in evenements[debut:]:
        donnees = evenement.as_dict()
        resultat.append((evenement, masquer_evenement(donnees, slot_demande)))
        if donnees.get("event") == "slot" and donnees.get("name") == "requested_slot":
            slot_demande = donnees.get("value")
        elif donnees.get("event") == "active_loop" and not donnees.get("name"):
            slot_demande = None
    return resultat


def lignes_masquees(tracker: DialogueStateTracker, debut: int) -> list[tuple[Any, ...]]:
    """The rows to store for the tracker's events from ``debut`` on, personal data masked."""
    return [(tracker.sender_id, evenement.type_name, stocke.get("timestamp"),
             (stocke.get("parse_data") or {}).get("intent", {}).get("name"), stocke.get("name"), json.dumps(stocke))
            for evenement, stocke in evenements_masques(tracker, debut)]


class TrackerStoreMasque(SQLTrackerStore):
    """Rasa's SQL tracker store: personal data masked on the way in, the database read and written off the event loop."""

    _requetes: RequetesEvenements | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        db = kwargs.get("db")
        if kwargs.get("dialect", "sqlite") == "sqlite" and not kwargs.get("host") and db and db != ":memory:":
            fichier_prive(Path(db))  # conversations: readable by their owner only, never by the umask's default
        super().__init__(*args, **kwargs)

    def _rapide(self) -> RequetesEvenements | None:
        """The direct statements, for the drivers whose parameter style they use (SQLite, PostgreSQL); else None."""
        if self._requetes is None and self.engine.dialect.paramstyle in RequetesEvenements.STYLES:
            table = self.engine.dialect.identifier_preparer.format_table(self.SQLEvent.__table__)
            self._requetes = RequetesEvenements(_moteur_reutilisable(self.engine), table)
        return self._requetes

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        requetes = self._rapide()
        if requetes is None:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        donnees = requetes.lire(sender_id, fetch_events_from_all_sessions)  # a read: no fsync, WAL readers never wait
        evenements = [json.loads(d) for d in donnees]
        if self.domain and evenements:
            return DialogueStateTracker.from_dict(sender_id, evenements, self.domain.slots)
        return None

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's publishing to the event broker, with the stored (masked) copies of the new events only."""
        if self.event_broker is None:
            return
        ancien = await self.retrieve(tracker.sender_id)
        nouveaux = TrackerEventDiffEngine.event_difference(ancien, tracker)
        if not nouveaux:
            return
        debut = len(tracker.events) - len(nouveaux)
        for _, masque in await asyncio.to_thread(evenements_masques, tracker, debut):
            self.event_broker.publish({"sender_id": tracker.sender_id, **masque})

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        requetes = self._rapide()
        if requetes is None:
            with self.session_scope() as session:
                debut = len(tracker.events) - len(list(self._additional_events(session, tracker)))
                for ligne in lignes_masquees(tracker, debut):
                    session.add(self.SQLEvent(**dict(zip(_COLONNES, ligne, strict=True))))
                session.commit()
        else:
            await asyncio.to_thread(requetes.ajouter, tracker.sender_id, lambda deja: lignes_masquees(tracker, deja))
        logger.debug("tracker stored with personal data masked")


def _moteur_reutilisable(moteur: Any) -> Any:
    """The engine, or for a SQLite file (SQLAlchemy opens a new connection per use) one that keeps a few open."""
    if moteur.dialect.name == "sqlite" and isinstance(moteur.pool, sa.pool.NullPool):
        return sa.create_engine(moteur.url, poolclass=sa.pool.QueuePool, pool_size=4, max_overflow=4,
                                connect_args={"check_same_thread": False, "timeout": 30})
    return moteur


_COLONNES = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
