"""A SQL database for Guichet's own records: a SQLite file by default, PostgreSQL for several machines.

One SQLAlchemy engine per store, used from worker threads (``asyncio.to_thread``)
so the event loop never blocks. The same SQL runs on both dialects:

- writes go through :meth:`BaseSql.ecrire`: a transaction that holds SQLite's
  write lock from its start (``BEGIN IMMEDIATE``, pysqlite's own transaction
  handling switched off as SQLAlchemy's documentation recommends); on
  PostgreSQL, read-then-write sequences lock the rows they read with
  :meth:`BaseSql.pour_maj` (``FOR UPDATE``), a no-op on SQLite where the
  whole database is already locked;
- reads go through :meth:`BaseSql.lire`;
- database errors become :class:`ConnecteurIndisponible` with the store's name,
  never the URL (it may hold a password).

``GUICHET_GRC_BASE`` names one database for every store (a SQLAlchemy URL such
as ``postgresql://guichet:…@postgres/guichet``); without it each store keeps
its own SQLite file in the data directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event

from configuration.chemins import fichier_prive
from connecteurs.erreurs import ConnecteurIndisponible

logger = logging.getLogger(__name__)
T = TypeVar("T")
VARIABLE_URL = "GUICHET_GRC_BASE"
VERROU_SCHEMA = 716_201  # PostgreSQL advisory lock key: one process changes Guichet's schema at a time
DIALECTES = ("sqlite", "postgresql")


def url_base(env: Mapping[str, str], dossier_donnees: Path, fichier_sqlite: str) -> str:
    """GUICHET_GRC_BASE when set, else the store's own SQLite file in the data directory."""
    return env.get(VARIABLE_URL) or f"sqlite:///{(dossier_donnees / fichier_sqlite).resolve()}"


def dialecte(url: str) -> str:
    """'sqlite' or 'postgresql' (driver suffixes such as +psycopg2 allowed); ValueError otherwise."""
    try:
        if not isinstance(url, str):
            raise sa.exc.ArgumentError(url)
        nom = sa.engine.make_url(url).get_backend_name()
    except sa.exc.ArgumentError:
        raise ValueError(f"{VARIABLE_URL} is not a database URL (sqlite:///… or postgresql://…)") from None
    if nom not in DIALECTES:
        raise ValueError(f"database {nom!r} is not supported: sqlite or postgresql")
    return nom


def chemin_sqlite(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory SQLite)."""
    adresse = sa.engine.make_url(url)
    if adresse.get_backend_name() != "sqlite" or not adresse.database or adresse.database == ":memory:":
        return None
    return Path(adresse.database)


def _moteur(url: str, nom_dialecte: str) -> sa.engine.Engine:
    if nom_dialecte == "postgresql":
        return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=5,
                                connect_args={"connect_timeout": 5})
    chemin = chemin_sqlite(url)
    if chemin is not None:
        fichier_prive(chemin)  # SQLite would create it with the umask's mode (world-readable)
    moteur = sa.create_engine(url, connect_args={"timeout": 5.0, "check_same_thread": False})

    @event.listens_for(moteur, "connect")
    def _connexion(dbapi: Any, _enregistrement: Any) -> None:
        dbapi.isolation_level = None  # SQLAlchemy, not pysqlite, says when transactions begin
        curseur = dbapi.cursor()
        curseur.execute("PRAGMA busy_timeout = 5000")
        curseur.execute("PRAGMA foreign_keys = ON")
        curseur.close()

    @event.listens_for(moteur, "begin")
    def _debut(connexion: sa.engine.Connection) -> None:
        connexion.exec_driver_sql("BEGIN IMMEDIATE")

    return moteur


@dataclass
class BaseSql:
    """One store's database. ``nom`` names it in errors and logs."""

    url: str
    nom: str
    schema: str = ""  # a store's CREATE … IF NOT EXISTS script, run once before its first use
    # run in the same transaction just before the script (e.g. renaming a table of an earlier version)
    avant_schema: Callable[[sa.engine.Connection], None] | None = None

    def __post_init__(self) -> None:
        self.dialecte = dialecte(self.url)
        self._moteur: sa.engine.Engine | None = None
        self._schema_pret = not (self.schema or self.avant_schema)
        self._verrou_schema = threading.Lock()  # worker threads of one process: one creates, the others wait
        self._verrou_moteur = threading.Lock()

    def preparer(self) -> None:
        """Create the store's tables if needed, once per process (called by the first read or write)."""
        if self._schema_pret:
            return
        with self._verrou_schema:
            if not self._schema_pret:
                with self._transaction() as c:
                    self.un_seul_processus(c)
                    if self.avant_schema is not None:
                        self.avant_schema(c)
                    executer_script(c, self.schema)
                self._schema_pret = True

    @property
    def moteur(self) -> sa.engine.Engine:
        if self._moteur is None:
            with self._verrou_moteur:
                if self._moteur is None:
                    moteur = _moteur(self.url, self.dialecte)
                    if self.dialecte == "sqlite":
                        _journal_wal(moteur)
                    self._moteur = moteur
        return self._moteur

    @property
    def postgresql(self) -> bool:
        return self.dialecte == "postgresql"

    def pour_maj(self) -> str:
        """Suffix of a SELECT whose rows the transaction will update."""
        return " FOR UPDATE" if self.postgresql else ""

    def un_seul_processus(self, connexion: sa.engine.Connection) -> None:
        """Within a write transaction, wait until no other process is changing the schema
        (PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a concurrent one; SQLite is already locked).
        The same lock serialises every store's schema changes, the embedded GRC's migrations included."""
        if self.postgresql:
            connexion.execute(sa.text("SELECT pg_advisory_xact_lock(:cle)"), {"cle": VERROU_SCHEMA})

    def existe(self) -> bool:
        """False only for a SQLite file not created yet (reading it would create an empty one)."""
        chemin = chemin_sqlite(self.url)
        return chemin is None or chemin.exists()

    def a_la_table(self, table: str) -> bool:
        if not self.existe():
            return False
        with self.lire() as c:
            return bool(sa.inspect(c).has_table(table))

    @contextlib.contextmanager
    def ecrire(self) -> Iterator[sa.engine.Connection]:
        """A write transaction: committed at the end of the block, rolled back on any exception."""
        self.preparer()
        with self._transaction() as connexion:
            yield connexion

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sa.engine.Connection]:
        with self._erreurs(), self.moteur.begin() as connexion:
            yield connexion

    @contextlib.contextmanager
    def lire(self) -> Iterator[sa.engine.Connection]:
        self.preparer()
        with self._erreurs(), self.moteur.connect() as connexion:
            yield connexion

    @contextlib.contextmanager
    def _erreurs(self) -> Iterator[None]:
        try:
            yield
        except sa.exc.IntegrityError:
            raise
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            raise ConnecteurIndisponible(f"{self.nom}: database error ({_resume(exc)})") from exc

    async def executer(self, travail: Callable[[], T]) -> T:
        """``travail`` (which opens its own ``lire``/``ecrire`` blocks) in a worker thread."""
        return await asyncio.to_thread(travail)

    def fermer(self) -> None:
        if self._moteur is not None:
            self._moteur.dispose()
            self._moteur = None


@contextlib.contextmanager
def ouvrir_si(url: str, nom: str, table: str) -> Iterator[BaseSql | None]:
    """The database at ``url`` for the block, or None when it does not hold ``table`` (a remote
    back end is configured, or the SQLite file was never created: it is not created by looking)."""
    base = BaseSql(url, nom)
    try:
        yield base if base.a_la_table(table) else None
    finally:
        base.fermer()


def _journal_wal(moteur: sa.engine.Engine) -> None:
    """Readers never wait for the writer. Switching needs a moment with no other connection
    (SQLite does not wait for it): retried briefly when processes start together; without it
    the store still works, in SQLite's default journal."""
    for essai in range(20):
        try:
            with moteur.connect() as c:
                if c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal":
                    return
                c.exec_driver_sql("PRAGMA journal_mode = WAL")
                return
        except sa.exc.OperationalError:
            time.sleep(0.05 * (essai + 1))
    logger.warning("SQLite database left in its default journal mode (WAL could not be set: busy)")


def _resume(exc: BaseException) -> str:
    """The error's class and the database's first line, without the statement or its parameters."""
    origine = getattr(exc, "orig", None) or exc
    premiere = str(origine).strip().splitlines()[0] if str(origine).strip() else ""
    return f"{origine.__class__.__name__}: {premiere}"[:200]


def executer_script(connexion: sa.engine.Connection, script: str) -> None:
    """Run a migration script statement by statement (pysqlite executes one statement per call)."""
    for instruction in (s.strip() for s in script.split(";")):
        if instruction:
            connexion.exec_driver_sql(instruction)
