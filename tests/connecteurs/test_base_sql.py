"""The SQL database behind Guichet's own stores: URLs, dialects, errors."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from connecteurs.base_sql import BaseSql, chemin_sqlite, dialecte, url_base
from connecteurs.erreurs import ConnecteurIndisponible


def test_one_url_for_every_store_or_a_sqlite_file_each(tmp_path):
    assert url_base({}, tmp_path, "grc.sqlite3") == f"sqlite:///{tmp_path / 'grc.sqlite3'}"
    pg = "postgresql://guichet:x@postgres/guichet"
    assert url_base({"GUICHET_GRC_BASE": pg}, tmp_path, "grc.sqlite3") == pg
    assert dialecte(pg) == "postgresql" and dialecte("postgresql+psycopg2://h/b") == "postgresql"
    assert dialecte("sqlite:////tmp/x.sqlite3") == "sqlite"
    assert chemin_sqlite("sqlite:////tmp/x.sqlite3") == Path("/tmp/x.sqlite3") and chemin_sqlite(pg) is None


@pytest.mark.parametrize("url, message", [("mysql://h/b", "sqlite or postgresql"), ("grc.sqlite3", "not a database URL"),
                                          ("", "not a database URL")])
def test_unsupported_urls_are_refused_clearly(url, message):
    with pytest.raises(ValueError, match=message):
        dialecte(url)


def test_a_missing_sqlite_file_is_not_created_by_a_read(tmp_path):
    base = BaseSql(f"sqlite:///{tmp_path / 'absente.sqlite3'}", "test store")
    assert not base.existe() and not base.a_la_table("escalades")
    assert not (tmp_path / "absente.sqlite3").exists()


def test_write_transactions_roll_back_on_error(url_sql):
    base = BaseSql(url_sql, "test store")
    with base.ecrire() as c:
        c.exec_driver_sql("CREATE TABLE t (x INTEGER PRIMARY KEY)")
    with pytest.raises(RuntimeError):
        with base.ecrire() as c:
            c.execute(sa.text("INSERT INTO t (x) VALUES (1)"))
            raise RuntimeError("stop")
    with base.lire() as c:
        assert c.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 0
    with pytest.raises(sa.exc.IntegrityError):  # callers decide what a duplicate means
        with base.ecrire() as c:
            c.execute(sa.text("INSERT INTO t (x) VALUES (1), (1)"))
    with pytest.raises(ConnecteurIndisponible, match="test store: database error"):
        with base.lire() as c:
            c.execute(sa.text("SELECT * FROM absente"))
    base.fermer()
