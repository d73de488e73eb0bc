"""A whole phone call in French speech, end to end: the gateway with the French Vosk model, the real Rasa and
action servers, a caller speaking through a media stream (espeak-ng's French voice at 8 kHz µ-law).

Needs the French Vosk model (`make modeles`); skipped with that reason where it is absent. The answers are
synthesised with whichever Piper voice is installed (the French one when present, else the packaged test voice).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import tempfile
import uuid
import wave
from pathlib import Path

import aiohttp
import pytest

from tests.integration.serveurs import JETON
from tests.voix.modeles_test import NOM_PIPER, dossier_modeles
from voix.appel import ReglagesAppel
from voix.codec import Reechantillonneur, pcm_vers_ulaw, trames
from voix.config import PIPER_PAR_DEFAUT, RACINE, VOSK_PAR_DEFAUT, ConfigVoix
from voix.flux_media import message_media, message_test
from voix.passerelle import charger, servir

MODELES = Path(os.environ.get("GUICHET_MODELES") or RACINE / "modeles")
SECRET_PBX = "secret-du-pbx-Qm7rT2vX9kLp"
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not (MODELES / VOSK_PAR_DEFAUT / "am" / "final.mdl").exists(),
                       reason=f"French Vosk model absent at {MODELES / VOSK_PAR_DEFAUT}: run `make modeles`"),
]


def parole_francaise(texte: str) -> bytes:
    """French speech from espeak-ng, at the line rate, followed by a second of silence (the caller stops)."""
    with tempfile.TemporaryDirectory() as d:
        wav = Path(d) / "p.wav"
        subprocess.run(["espeak-ng", "-v", "fr", "-s", "150", texte, "-w", str(wav)], check=True)
        with wave.open(str(wav)) as w:
            pcm = Reechantillonneur(w.getframerate()).convertir(w.readframes(w.getnframes()))
    return pcm + b"\x00\x00" * 8000


async def test_a_caller_speaks_french_through_the_case_status_and_the_identity_check(serveurs, tmp_path):
    if (MODELES / f"{PIPER_PAR_DEFAUT}.onnx").exists():
        modeles, voix_piper = MODELES, PIPER_PAR_DEFAUT
    else:
        modeles, voix_piper = dossier_modeles(tmp_path / "modeles"), NOM_PIPER
        (modeles / VOSK_PAR_DEFAUT).symlink_to(MODELES / VOSK_PAR_DEFAUT)
    config = ConfigVoix(url_rasa=serveurs.url, jeton=JETON, dossier_modeles=modeles, modele_vosk=VOSK_PAR_DEFAUT,
                        voix_piper=voix_piper, port_audiosocket=0, port_http=0, reglages=ReglagesAppel(silence_s=20),
                        dossier_cache=tmp_path / "cache-voix", pre_synthese=False, secret_pbx=SECRET_PBX)
    p = await charger(config)
    appel = f"CA{uuid.uuid4().hex[:12]}"
    async with servir(p) as (_, port_http), aiohttp.ClientSession() as s, s.ws_connect(f"http://127.0.0.1:{port_http}/flux") as ws:
        await ws.send_str(message_test("connected", protocol="Call", version="1.0.0"))
        await ws.send_str(message_test("start", streamSid="MZ1", start={
            "streamSid": "MZ1", "callSid": appel, "customParameters": {"numero_appelant": "0612345678", "secret": SECRET_PBX},
            "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}))

        async def ecouter_jusqu_au_repere() -> None:
            while True:
                m = json.loads((await asyncio.wait_for(ws.receive(), 60)).data)
                if m["event"] == "mark":  # played: echo the mark as the remote side would
                    await ws.send_str(message_test("mark", streamSid="MZ1", mark=m["mark"]))
                    return

        async def dire(texte: str) -> dict:
            for trame in trames(parole_francaise(texte)):
                await ws.send_str(message_media("MZ1", pcm_vers_ulaw(trame)))
            await ecouter_jusqu_au_repere()
            async with s.get(f"{serveurs.url}/conversations/{appel}/tracker", params={"token": JETON}) as r:
                return (await r.json())["slots"]

        await ecouter_jusqu_au_repere()  # the greeting
        slots = await dire("je voudrais savoir où en est mon dossier")
        assert slots["requested_slot"] == "numero_dossier"
        slots = await dire("vingt-quatre, cinquante-sept, quatre-vingt-trois, zéro, un")  # in pairs, as the bot reads it
        assert slots["numero_dossier"] == "24578301" and slots["requested_slot"] == "date_naissance"
        slots = await dire("douze mars mille neuf cent quatre-vingt-cinq")
        assert slots["verification_identite"] == "confirmee"
        await ws.send_str(message_test("stop", streamSid="MZ1"))
