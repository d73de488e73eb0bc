"""What identifies a trained Rasa model archive: its ``metadata.json`` (model id, training time).

The model id is the fingerprint the model server sends as ETag and the one the
Rasa server reports in ``GET /status``: one value says which model a replica runs.
"""

from __future__ import annotations

import datetime as dt
import json
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path


class ArchiveInvalide(Exception):
    """Not a trained Rasa model; the message names the file and what is wrong (English, for logs and HTTP errors)."""


@dataclass(frozen=True)
class MetadonneesModele:
    model_id: str
    entraine_le: dt.datetime  # naive local time, as Rasa writes it


def etiquette(model_id: str) -> str:
    """The model id as an HTTP entity tag: the model server's ETag, a replica's fingerprint (serveur_rasa/modele_publie.py)."""
    return f'"{model_id}"'


def lire_metadonnees(chemin: Path) -> MetadonneesModele:
    """The archive's metadata; ArchiveInvalide if it is unreadable, has no metadata or no trained components."""
    composants, donnees = False, None
    try:
        with tarfile.open(chemin, "r:gz") as archive:
            for membre in archive:
                parties = Path(membre.name).parts
                composants = composants or (membre.isfile() and "components" in parties[:2] and len(parties) >= 3)
                if donnees is None and Path(membre.name).name == "metadata.json" and len(parties) <= 2 and membre.isfile():
                    fichier = archive.extractfile(membre)
                    donnees = json.load(fichier) if fichier is not None else None
        if donnees is None:
            raise ArchiveInvalide(f"{chemin.name} has no metadata.json: not a Rasa model")
        if not composants:
            raise ArchiveInvalide(f"{chemin.name}: metadata.json without trained components")
        return MetadonneesModele(str(donnees["model_id"]), dt.datetime.fromisoformat(str(donnees["trained_at"])))
    except ArchiveInvalide:
        raise
    except (OSError, EOFError, zlib.error, tarfile.TarError, KeyError, TypeError, ValueError) as exc:
        raise ArchiveInvalide(f"{chemin.name} is not a readable Rasa model ({exc.__class__.__name__})") from None
