import os
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


import secrets  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def serveur_postgresql():
    """One throwaway PostgreSQL server (Debian's) for the whole run, started on first use."""
    from tests.integration.infrastructure import postgresql

    with postgresql() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url_sql(request, tmp_path) -> str:
    """A fresh, empty database for Guichet's own stores: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'base.sqlite3'}"
    import psycopg2
    import sqlalchemy as sa

    serveur = sa.engine.make_url(request.getfixturevalue("serveur_postgresql"))
    nom = f"t_{secrets.token_hex(6)}"
    connexion = psycopg2.connect(host=serveur.host, port=serveur.port, user=serveur.username, dbname="postgres")
    connexion.autocommit = True
    connexion.cursor().execute(f"CREATE DATABASE {nom}")
    connexion.close()
    return str(serveur.set(database=nom))
