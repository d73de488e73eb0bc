"""Throwaway PostgreSQL and Redis servers on loopback, from Debian's packages, for the scale-out tests."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.integration.serveurs import ports_libres


def binaire_postgresql(nom: str) -> str | None:
    trouve = shutil.which(nom)
    if trouve:
        return trouve
    candidats = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{nom}"))
    return candidats[-1] if candidats else None


def _attendre_port(port: int, processus: subprocess.Popen, delai: float = 30.0) -> None:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if processus.poll() is not None:
            raise RuntimeError(f"server exited with {processus.returncode}: {processus.args!r}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"port {port} not open after {delai} s")


def _en_tant_que_postgres(commande: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: use the Debian package's system user
    return ["runuser", "-u", "postgres", "--", *commande] if os.geteuid() == 0 else commande


@contextlib.contextmanager
def postgresql() -> Iterator[str]:
    """A PostgreSQL server with a `guichet` database; yields its SQLAlchemy URL."""
    initdb, postgres = binaire_postgresql("initdb"), binaire_postgresql("postgres")
    if not initdb or not postgres:
        raise RuntimeError("PostgreSQL is not installed: `make systeme` installs Debian's postgresql")
    # a folder the postgres user can reach (pytest's are private to root)
    dossier = Path(tempfile.mkdtemp(prefix="guichet-pg-"))
    if os.geteuid() == 0:
        shutil.chown(dossier, "postgres", "postgres")
    donnees, socket_dir = dossier / "pgdata", dossier
    subprocess.run(_en_tant_que_postgres([initdb, "-D", str(donnees), "-U", "guichet", "--auth=trust", "-E", "UTF8"]),
                   check=True, capture_output=True)
    (port,) = ports_libres(1)
    serveur = subprocess.Popen(
        _en_tant_que_postgres([postgres, "-D", str(donnees), "-p", str(port), "-k", str(socket_dir),
                               "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off"]),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _attendre_port(port, serveur)
        import psycopg2

        for _ in range(50):
            try:
                connexion = psycopg2.connect(host="127.0.0.1", port=port, user="guichet", dbname="postgres")
                break
            except psycopg2.OperationalError:
                time.sleep(0.2)
        connexion.autocommit = True
        connexion.cursor().execute("CREATE DATABASE guichet")
        connexion.close()
        yield f"postgresql://guichet@127.0.0.1:{port}/guichet"
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)
        shutil.rmtree(dossier, ignore_errors=True)


@contextlib.contextmanager
def redis() -> Iterator[int]:
    """A Redis server without persistence; yields its port."""
    binaire = shutil.which("redis-server")
    if not binaire:
        raise RuntimeError("Redis is not installed: `make systeme` installs Debian's redis-server")
    (port,) = ports_libres(1)
    serveur = subprocess.Popen([binaire, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _attendre_port(port, serveur)
        yield port
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)
