"""skops's trusted type names, stored once and handed back: each start runs in a fresh interpreter, as the server does."""

import json
import subprocess
import sys

from configuration.chemins import RACINE

LIRE = """
import json, sys
from pathlib import Path
from serveur_rasa import types_skops
types_skops.installer(Path(sys.argv[1]))
import skops.io
from skops.io import _trusted_types as t
stocke = sys.modules[types_skops.MODULE].__doc__ and "store" in sys.modules[types_skops.MODULE].__doc__
print(json.dumps({"stocke": bool(stocke), "listes": {n: getattr(t, n) for n in types_skops.LISTES},
                  "primitifs": [x.__name__ for x in t.PRIMITIVES_TYPES]}))
"""


def demarrer(dossier):
    sortie = subprocess.run([sys.executable, "-c", LIRE, str(dossier)], cwd=RACINE, capture_output=True, text=True,
                            check=True, timeout=120)
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def test_the_stored_lists_are_skops_own_and_load_a_model(tmp_path):
    premier = demarrer(tmp_path)  # computed by skops itself, then stored
    assert not premier["stocke"]
    (entree,) = tmp_path.glob("*.json")
    assert entree.stat().st_mode & 0o044 == 0o044
    second = demarrer(tmp_path)  # read back
    assert second["stocke"]
    assert second["listes"] == premier["listes"] and second["primitifs"] == premier["primitifs"] == ["int", "float", "str", "bool"]
    assert "sklearn.linear_model._logistic.LogisticRegression" in second["listes"]["SKLEARN_ESTIMATOR_TYPE_NAMES"]
    # what Rasa persists with skops still loads, trusted as before
    code = (
        "import sys; from pathlib import Path; from serveur_rasa import types_skops; types_skops.installer(Path(sys.argv[1]))\n"
        "import skops.io as sio; from sklearn.linear_model import LogisticRegression\n"
        "m = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])\n"
        "print(sio.loads(sio.dumps(m), trusted=True).predict([[2.5]])[0], sio.get_untrusted_types(data=sio.dumps(m)))\n"
    )
    sortie = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=RACINE, capture_output=True, text=True,
                            check=True, timeout=120)
    assert sortie.stdout.split() == ["1", "[]"]


def test_a_damaged_entry_is_computed_again_and_rewritten(tmp_path):
    demarrer(tmp_path)
    (entree,) = tmp_path.glob("*.json")
    propre = entree.read_text()
    donnees = json.loads(propre)
    donnees["listes"]["SKLEARN_ESTIMATOR_TYPE_NAMES"].append("os.system")
    entree.write_text(json.dumps(donnees))  # its digest no longer matches: not trusted
    relu = demarrer(tmp_path)
    assert not relu["stocke"] and "os.system" not in relu["listes"]["SKLEARN_ESTIMATOR_TYPE_NAMES"]
    assert entree.read_text() == propre
    entree.write_text(propre[: len(propre) // 2])
    assert not demarrer(tmp_path)["stocke"] and entree.read_text() == propre


def test_an_unwritable_folder_still_starts(tmp_path):
    fichier = tmp_path / "fichier"
    fichier.write_text("")
    assert "sklearn.linear_model._logistic.LogisticRegression" in \
        demarrer(fichier / "sous-dossier")["listes"]["SKLEARN_ESTIMATOR_TYPE_NAMES"]
