"""French accuracy: needs the French Vosk model (`make modeles`); skipped with that reason where it is absent.

Audio: real French human prompts at 8 kHz from Debian's asterisk-core-sounds-fr-wav
(`digits/N.wav` say the number N), recognised on the case-number grammar.
"""

import os
import wave
from pathlib import Path

import pytest

from voix.codec import trames
from voix.config import RACINE, VOSK_PAR_DEFAUT
from voix.grammaires import grammaire_pour

MODELE = Path(os.environ.get("GUICHET_MODELES") or RACINE / "modeles") / VOSK_PAR_DEFAUT
SONS = next((p for p in (Path("/usr/share/asterisk/sounds/fr/digits"), Path("/usr/share/asterisk/sounds/fr_CA_f_June/digits"))
             if (p / "1.wav").exists()), None)
ATTENDUS = {"0": "zéro", "1": "un", "2": "deux", "3": "trois", "4": "quatre", "5": "cinq", "6": "six", "7": "sept", "8": "huit", "9": "neuf"}

pytestmark = [
    pytest.mark.skipif(not (MODELE / "am" / "final.mdl").exists(), reason=f"French Vosk model absent at {MODELE}: run `make modeles`"),
    pytest.mark.skipif(SONS is None, reason="French test prompts absent: apt-get install asterisk-core-sounds-fr-wav"),
]


async def test_french_digits_on_the_case_number_grammar():
    from voix.reconnaissance import ModeleVosk

    modele = ModeleVosk(MODELE)
    justes = 0
    for chiffre, mot in ATTENDUS.items():
        with wave.open(str(SONS / f"{chiffre}.wav")) as w:
            assert w.getframerate() == 8000
            pcm = w.readframes(w.getnframes())
        reconnaisseur = modele.reconnaisseur(grammaire_pour("numero_dossier"))
        for t in trames(pcm + b"\x00" * 8000):
            await reconnaisseur.accepter(t)
        justes += (await reconnaisseur.finir()).texte.strip() == mot
    assert justes >= 9, f"{justes}/10 digits recognised"
