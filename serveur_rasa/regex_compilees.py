"""The compiled form of very large regular expressions, kept on disk between starts.

spaCy's French tokenizer matches hyphenated and elided words with one regular
expression of 1.4 million characters; Python compiles it in pure Python at every
start (3.5 s of the Rasa server's start-up on a 2-core machine, py-spy). Its
compiled program is stored once, under the SHA-256 of the Python version, flags
and pattern, and handed back to ``_sre.compile`` as ``sre_compile.compile``
would: the resulting pattern object is the same. A missing, unreadable or
damaged entry is compiled again (and rewritten when the folder is writable).
Only patterns above ``TAILLE_MIN`` characters are kept; all others go through
Python's own compiler untouched.
"""

from __future__ import annotations

import _sre
import hashlib
import json
import logging
import os
import sre_compile
import sre_parse
import sys
import tempfile
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

from configuration.chemins import RACINE

logger = logging.getLogger(__name__)

TAILLE_MIN = 100_000
DOSSIER = RACINE / "bot" / "models" / ".regex"  # written by `make train` (python -m serveur_rasa train), read by the server
_ORIGINAL: Callable[..., Any] = sre_compile.compile


def cle(motif: str, drapeaux: int) -> str:
    h = hashlib.sha256(f"{sys.version}\0{drapeaux}\0".encode())
    h.update(motif.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _compiler(motif: str, drapeaux: int) -> tuple[dict[str, Any], array[int]]:
    analyse = sre_parse.parse(motif, drapeaux)
    code = array("I", sre_compile._code(analyse, drapeaux))  # type: ignore[attr-defined]
    groupes = analyse.state.groupdict
    index: list[str | None] = [None] * analyse.state.groups
    for nom, i in groupes.items():
        index[i] = nom
    entete = {"drapeaux": drapeaux | analyse.state.flags, "groupes": analyse.state.groups - 1,
              "groupindex": groupes, "indexgroup": index}
    return entete, code


def _lire(fichier: Path) -> tuple[dict[str, Any], array[int]]:
    donnees = fichier.read_bytes()
    ligne, _, corps = donnees.partition(b"\n")
    entete = json.loads(ligne)
    if hashlib.sha256(corps).hexdigest() != entete["sha256"]:
        raise ValueError("damaged entry")
    code = array("I")
    code.frombytes(corps)
    return entete, code


def _ecrire(fichier: Path, entete: dict[str, Any], code: array[int]) -> None:
    corps = code.tobytes()
    contenu = json.dumps({**entete, "sha256": hashlib.sha256(corps).hexdigest()}).encode() + b"\n" + corps
    fichier.parent.mkdir(parents=True, exist_ok=True)
    fd, temporaire = tempfile.mkstemp(dir=fichier.parent, prefix=".ecriture-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(contenu)
        os.chmod(temporaire, 0o644)  # readable by the server's account when `make train` ran as another
        os.replace(temporaire, fichier)  # atomic: a concurrent start reads the old entry or the new one
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise


def compiler(motif: Any, drapeaux: int = 0, dossier: Path | None = None) -> Any:
    """Drop-in for ``sre_compile.compile``."""
    if not isinstance(motif, str) or len(motif) < TAILLE_MIN or drapeaux & sre_compile.SRE_FLAG_DEBUG:
        return _ORIGINAL(motif, drapeaux)
    fichier = (dossier or DOSSIER) / f"{cle(motif, drapeaux)}.sre"
    try:
        entete, code = _lire(fichier)
    except (OSError, ValueError, KeyError):
        entete, code = _compiler(motif, drapeaux)
        try:
            _ecrire(fichier, entete, code)
        except OSError as exc:
            logger.debug("compiled pattern not kept (%s): %s", type(exc).__name__, fichier.parent)
    return _sre.compile(motif, entete["drapeaux"], code.tolist(), entete["groupes"],
                        entete["groupindex"], tuple(entete["indexgroup"]))


def installer() -> None:
    if array("I").itemsize != _sre.CODESIZE:  # the program's word size must match the array's
        return
    sre_compile.compile = compiler  # type: ignore[assignment]
