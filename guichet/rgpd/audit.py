"""Append-only audit trail of personal-data operations (JSON lines, mode 0600)."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from pathlib import Path
from typing import Any


def auditer(journal: Path, action: str, cible: dict[str, Any], resultat: dict[str, Any], operateur: str | None = None) -> dict[str, Any]:
    ligne = {
        "horodatage": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "operateur": operateur or getpass.getuser(),
        "action": action,
        "cible": cible,
        "resultat": resultat,
    }
    journal.parent.mkdir(parents=True, exist_ok=True)
    descripteur = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descripteur, "a", encoding="utf-8") as f:
        f.write(json.dumps(ligne, ensure_ascii=False) + "\n")
    return ligne
