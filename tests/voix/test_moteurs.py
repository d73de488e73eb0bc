"""The real engines with real models shipped by packages: Vosk (Korean model) and Piper (en_US joe voice)."""

import asyncio
import subprocess
import time
import wave

import pytest

from tests.voix.modeles_test import NOM_PIPER, NOM_VOSK, PIPER_JOE, VOSK_KO
from voix.codec import TAUX_LIGNE, Reechantillonneur, trames
from voix.erreurs import ModeleIntrouvable
from voix.grammaires import grammaire_pour, texte_touches
from voix.reconnaissance import ModeleVosk
from voix.synthese import VoixPiper, phrases


@pytest.fixture(scope="module")
def vosk():
    return ModeleVosk(VOSK_KO, NOM_VOSK)


@pytest.fixture(scope="module")
def piper():
    return VoixPiper(PIPER_JOE, NOM_PIPER)


def parole_coreenne(tmp_path, texte: str) -> bytes:
    """Korean speech from espeak-ng, at the line rate."""
    wav = tmp_path / "parole.wav"
    subprocess.run(["espeak-ng", "-v", "ko", texte, "-w", str(wav)], check=True)
    with wave.open(str(wav)) as w:
        return Reechantillonneur(w.getframerate()).convertir(w.readframes(w.getnframes()))


async def reconnaitre(reconnaisseur, pcm: bytes):
    resultats = []
    for trame in trames(pcm + b"\x00" * 16000):
        r = await reconnaisseur.accepter(trame)
        if r is not None:
            resultats.append(r)
    return resultats, await reconnaisseur.finir()


async def test_vosk_streams_partials_and_a_final_on_20ms_frames(vosk, tmp_path):
    resultats, final = await reconnaitre(vosk.reconnaisseur(), parole_coreenne(tmp_path, "안녕하세요 하나 둘 셋"))
    assert any(not r.final and r.texte for r in resultats)  # partial results while speaking
    assert any(r.final for r in resultats) or final.texte  # and a final one


async def test_grammar_restricts_what_can_be_recognised(vosk, tmp_path):
    grammaire = ["안녕하세요", "하나", "둘", "셋", "mot-inconnu-du-modele"]
    reconnaisseur = vosk.reconnaisseur(grammaire)
    assert reconnaisseur.grammaire == ["안녕하세요", "하나", "둘", "셋", "[unk]"]  # unknown words left out, logged
    resultats, final = await reconnaitre(reconnaisseur, parole_coreenne(tmp_path, "안녕하세요 하나 둘 셋"))
    mots = " ".join([r.texte for r in resultats if r.final] + [final.texte]).split()
    assert mots and set(mots) <= {"안녕하세요", "하나", "둘", "셋", "[unk]"}


def test_french_grammars_follow_the_requested_slot():
    assert grammaire_pour(None) is None and grammaire_pour("description_signalement") is None
    assert {"zéro", "neuf", "conseiller", "vingt", "cinquante", "quatre"} <= set(grammaire_pour("numero_dossier"))  # pairs too
    assert {"mars", "février", "mille", "vingt"} <= set(grammaire_pour("date_naissance"))
    assert texte_touches("date_naissance", "12031985") == "12/03/1985" and texte_touches("numero_dossier", "24578301") == "24578301"
    assert texte_touches(None, "24578301") == '/suivre_dossier{"numero_dossier": "24578301"}'  # no question pending: a case number


def test_missing_or_broken_models_name_the_file_and_the_command(tmp_path):
    with pytest.raises(ModeleIntrouvable) as erreur:
        ModeleVosk(tmp_path / "vosk-model-small-fr-0.22")
    assert "vosk-model-small-fr-0.22" in str(erreur.value) and "am/final.mdl" in str(erreur.value) and "make modeles" in str(erreur.value)
    casse = tmp_path / "casse"
    (casse / "am").mkdir(parents=True)
    (casse / "conf").mkdir()
    (casse / "am" / "final.mdl").write_bytes(b"pas un modele")
    (casse / "conf" / "model.conf").write_text("")
    with pytest.raises(ModeleIntrouvable, match="unreadable"):
        ModeleVosk(casse)
    with pytest.raises(ModeleIntrouvable, match=r"fr_FR-siwis-medium.*make modeles"):
        VoixPiper(tmp_path / "fr_FR-siwis-medium.onnx")
    (tmp_path / "x.onnx").write_bytes(b"pas un onnx")
    (tmp_path / "x.onnx.json").write_text("{}")
    with pytest.raises(ModeleIntrouvable, match="unreadable"):
        VoixPiper(tmp_path / "x.onnx", "x")


async def test_piper_streams_sentence_by_sentence_at_8khz_and_caches(piper):
    texte = "Good morning. The town hall opens at nine! Is there anything else?"
    assert phrases(texte) == ["Good morning.", "The town hall opens at nine!", "Is there anything else?"]
    long = "La mairie vous accueille du lundi au vendredi, de huit heures trente à midi, et de treize heures trente. Voilà."
    assert phrases(long) == ["La mairie vous accueille du lundi au vendredi,",
                             "de huit heures trente à midi, et de treize heures trente.", "Voilà."]
    debut = time.monotonic()
    morceaux, instants = [], []
    async for pcm in piper.flux(texte):
        morceaux.append(pcm)
        instants.append(time.monotonic() - debut)
    assert len(morceaux) == 3 and all(len(m) % 2 == 0 and len(m) > 0.2 * TAUX_LIGNE * 2 for m in morceaux)
    assert instants[0] < instants[-1]  # the first sentence came before the whole text was synthesised
    debut = time.monotonic()
    async for _ in piper.flux("Good morning."):
        pass
    assert time.monotonic() - debut < 0.01  # cached


async def test_synthesis_runs_off_the_event_loop(piper):
    battements = 0

    async def coeur():
        nonlocal battements
        while True:
            await asyncio.sleep(0.01)
            battements += 1

    tache = asyncio.ensure_future(coeur())
    async for _ in piper.flux("This is a rather long sentence that takes a while to synthesise on two cores, to check the loop."):
        pass
    tache.cancel()
    assert battements >= 3


async def test_synthesis_slots_serve_first_sentences_before_look_ahead():
    from voix.synthese import FileSyntheses

    g = FileSyntheses(1)
    await g.prendre(0)
    ordre = []

    async def attendre(nom, priorite):
        await g.prendre(priorite)
        ordre.append(nom)
        g.rendre()

    taches = [asyncio.ensure_future(attendre("suite-a", 1)), asyncio.ensure_future(attendre("premiere-b", 0)),
              asyncio.ensure_future(attendre("suite-c", 1)), asyncio.ensure_future(attendre("premiere-d", 0))]
    await asyncio.sleep(0)
    annulee = asyncio.ensure_future(attendre("annulee", 0))
    await asyncio.sleep(0)
    annulee.cancel()
    g.rendre()
    await asyncio.gather(*taches)
    assert ordre == ["premiere-b", "premiere-d", "suite-a", "suite-c"] and g.libres == 1
