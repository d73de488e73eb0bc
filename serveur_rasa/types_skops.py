"""skops's lists of trusted types, kept on disk between starts.

Rasa reads the saved logistic regression with skops. When ``skops.io`` is
imported, its module ``_trusted_types`` lists the names of every scikit-learn
estimator (``sklearn.utils.all_estimators()`` imports all of scikit-learn to
find them), every NumPy and SciPy ufunc and every NumPy scalar type: 1.9 s of
the Rasa server's start-up on a 2-core machine (``python -X importtime``),
for lists that only change with the installed versions. They are computed once
by skops itself, stored under the SHA-256 of Python's and the four packages'
versions, and at later starts given to skops as that module, with the same
names in the same order. A missing, unreadable or damaged entry is computed
again (and rewritten when the folder is writable).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import sys
import tempfile
import types
from pathlib import Path

from configuration.chemins import RACINE

logger = logging.getLogger(__name__)

MODULE = "skops.io._trusted_types"
DOSSIER = RACINE / "bot" / "models" / ".skops"  # written by the first start or `make train`, read by the server
LISTES = ("PRIMITIVE_TYPE_NAMES", "SKLEARN_ESTIMATOR_TYPE_NAMES", "SCIPY_UFUNC_TYPE_NAMES",
          "NUMPY_UFUNC_TYPE_NAMES", "NUMPY_DTYPE_TYPE_NAMES")
PAQUETS = ("skops", "scikit-learn", "numpy", "scipy")


def cle() -> str:
    versions = [sys.version] + [f"{p}=={importlib.metadata.version(p)}" for p in PAQUETS]
    return hashlib.sha256("\0".join(versions).encode()).hexdigest()


def _lire(fichier: Path) -> dict[str, list[str]]:
    entree = json.loads(fichier.read_text(encoding="utf-8"))
    listes = entree["listes"]
    if hashlib.sha256(json.dumps(listes, sort_keys=True).encode()).hexdigest() != entree["sha256"]:
        raise ValueError("damaged entry")
    if set(listes) != set(LISTES) or not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in listes.values()):
        raise ValueError("unexpected entry")
    return listes


def _ecrire(fichier: Path, listes: dict[str, list[str]]) -> None:
    contenu = json.dumps({"sha256": hashlib.sha256(json.dumps(listes, sort_keys=True).encode()).hexdigest(), "listes": listes})
    fichier.parent.mkdir(parents=True, exist_ok=True)
    fd, temporaire = tempfile.mkstemp(dir=fichier.parent, prefix=".ecriture-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(contenu)
        os.chmod(temporaire, 0o644)  # readable by the server's account when `make train` ran as another
        os.replace(temporaire, fichier)  # atomic: a concurrent start reads the old entry or the new one
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise


def module_depuis(listes: dict[str, list[str]]) -> types.ModuleType:
    module = types.ModuleType(MODULE, "skops's trusted type names, read from serveur_rasa/types_skops.py's store")
    module.PRIMITIVES_TYPES = [int, float, str, bool]  # type: ignore[attr-defined]  # as skops defines them
    for nom in LISTES:
        setattr(module, nom, list(listes[nom]))
    return module


def installer(dossier: Path | None = None) -> None:
    """Before skops is imported: hand it the stored lists, or let it compute them and store them."""
    if MODULE in sys.modules:
        return
    try:
        fichier = (dossier or DOSSIER) / f"{cle()}.json"
    except importlib.metadata.PackageNotFoundError:
        return
    try:
        sys.modules[MODULE] = module_depuis(_lire(fichier))
        return
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    import skops.io._trusted_types as calcule

    try:
        _ecrire(fichier, {nom: list(getattr(calcule, nom)) for nom in LISTES})
    except OSError as exc:
        logger.debug("skops's trusted types not kept (%s): %s", type(exc).__name__, fichier.parent)
