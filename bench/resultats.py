"""Where the benchmarks leave their figures: resultats/<name>.json (deterministic key order as measured)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from guichet.construction.entrainement import RACINE


def enregistrer(nom: str, figures: Any, dossier: Path = RACINE / "resultats") -> Path:
    dossier.mkdir(exist_ok=True)
    chemin = dossier / f"{nom}.json"
    chemin.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return chemin
