"""Private files: a store of personal data is readable by its owner only, whatever the umask."""

import os
import sqlite3

from configuration.chemins import fichier_prive


def test_a_new_file_is_created_0600_and_an_old_world_readable_one_is_tightened_with_its_journals(tmp_path):
    ancien = os.umask(0o022)
    try:
        neuf = fichier_prive(tmp_path / "sous" / "neuf.sqlite3")
        assert oct(neuf.stat().st_mode & 0o777) == "0o600" and neuf.read_bytes() == b""
        vieux = tmp_path / "vieux.sqlite3"
        connexion = sqlite3.connect(vieux)  # as an earlier version made it: the umask's mode, a WAL beside it
        connexion.execute("PRAGMA journal_mode = WAL")
        connexion.execute("CREATE TABLE t (x)")
        connexion.execute("INSERT INTO t VALUES (1)")
        assert oct(vieux.stat().st_mode & 0o777) == "0o644"
        fichier_prive(vieux)
        journaux = [f for f in tmp_path.iterdir() if f.name.startswith("vieux.sqlite3")]
        assert len(journaux) == 3 and {oct(f.stat().st_mode & 0o777) for f in journaux} == {"0o600"}
        assert connexion.execute("SELECT x FROM t").fetchall() == [(1,)]  # contents untouched
        connexion.close()
    finally:
        os.umask(ancien)
