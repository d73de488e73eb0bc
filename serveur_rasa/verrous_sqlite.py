"""A Rasa lock store on SQLite, so that several Sanic workers on one machine
serialise the messages of a conversation without a Redis server.

Rasa refuses more than one worker with its in-memory lock store; Redis is the
answer across machines (see the operations issue). On a single server this
store shares the ticket locks through one SQLite file: tickets are issued in
an IMMEDIATE transaction, so two workers never hand out the same ticket.
Configured in bot/endpoints.yml:

    lock_store:
      type: serveur_rasa.verrous_sqlite.VerrousSqlite
      db: /path/to/verrous.sqlite3
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from configuration.chemins import fichier_prive
from serveur_rasa.attente_verrou import ReveilVerrous

logger = logging.getLogger(__name__)


class VerrousSqlite(ReveilVerrous, LockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, db: str | None = None, **_: Any) -> None:
        chemin = db or (endpoint_config.kwargs.get("db") if endpoint_config else None)
        if not chemin:
            raise ValueError("VerrousSqlite needs a 'db' path in the lock_store configuration")
        self.chemin = fichier_prive(Path(chemin))
        self._local = threading.local()
        with self._connexion() as c:
            c.execute("PRAGMA journal_mode = WAL")
            c.execute("CREATE TABLE IF NOT EXISTS verrous (conversation_id TEXT PRIMARY KEY, verrou TEXT NOT NULL)")

    def _connexion(self) -> sqlite3.Connection:
        connexion = getattr(self._local, "connexion", None)
        if connexion is None:
            connexion = sqlite3.connect(self.chemin, timeout=10.0, isolation_level=None, check_same_thread=False)
            connexion.execute("PRAGMA busy_timeout = 10000")
            connexion.execute("PRAGMA synchronous = NORMAL")  # locks are ephemeral: no fsync per commit
            self._local.connexion = connexion
        return connexion

    @staticmethod
    def _lire(c: sqlite3.Connection, conversation_id: str) -> TicketLock | None:
        ligne = c.execute("SELECT verrou FROM verrous WHERE conversation_id = ?", (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(ligne[0])) if ligne else None

    @staticmethod
    def _ecrire(c: sqlite3.Connection, lock: TicketLock) -> None:
        c.execute(
            "INSERT INTO verrous (conversation_id, verrou) VALUES (?, ?) "
            "ON CONFLICT(conversation_id) DO UPDATE SET verrou = excluded.verrou",
            (lock.conversation_id, lock.dumps()),
        )

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        return self._lire(self._connexion(), conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        self._connexion().execute("DELETE FROM verrous WHERE conversation_id = ?", (conversation_id,))

    def save_lock(self, lock: TicketLock) -> None:
        self._ecrire(self._connexion(), lock)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        c = self._connexion()
        try:
            c.execute("BEGIN IMMEDIATE")
            try:
                lock = self._lire(c, conversation_id) or self.create_lock(conversation_id)
                ticket = lock.issue_ticket(lock_lifetime)
                self._ecrire(c, lock)
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
            return ticket
        except sqlite3.Error as exc:
            raise LockError(f"Error while acquiring lock: {exc}") from exc

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        c = self._connexion()
        c.execute("BEGIN IMMEDIATE")
        try:
            lock = self._lire(c, conversation_id)
            if lock:
                lock.remove_ticket_for(ticket_number)
                if lock.is_someone_waiting():
                    self._ecrire(c, lock)
                else:
                    c.execute("DELETE FROM verrous WHERE conversation_id = ?", (conversation_id,))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self.finish_serving(conversation_id, ticket_number)
