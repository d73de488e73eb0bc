"""The domain's fixed answers: chosen from the domain, synthesised once with the real Piper voice, kept on disk."""

import asyncio
import logging

import pytest

from tests.voix.modeles_test import NOM_PIPER, PIPER_JOE
from voix.cache_voix import CacheVoix
from voix.dialogue_rasa import textes_fixes
from voix.synthese import PRIORITE_APPEL, VoixPiper, phrases

DOMAINE = {
    "utter_horaires": [{"text": "La mairie ouvre à 8 h 30."}, {"text": "Ouverte du lundi au vendredi. De 8 h 30 à 17 h.", "channel": "voix"}],
    "utter_statut": [{"text": "Votre dossier {numero_dossier} est en instruction.", "channel": "voix"}],
    "utter_bonjour": [{"text": "Bonjour !"}, {"text": "Bonjour !"}, {"text": "Bienvenue.", "channel": "socketio"}],
    "utter_image": [{"image": "https://example.org/plan.png"}],
    "utter_vide": None,
}


def test_fixed_texts_prefer_voice_variants_and_skip_slot_placeholders():
    assert textes_fixes(DOMAINE) == ["Ouverte du lundi au vendredi. De 8 h 30 à 17 h.", "Bonjour !"]


@pytest.fixture
def voix_comptee(monkeypatch):
    """The real voice; counts the syntheses it runs."""
    voix = VoixPiper(PIPER_JOE, NOM_PIPER)
    compte = {"n": 0}
    vraie = voix._synthetiser

    def comptee(phrase):
        compte["n"] += 1
        return vraie(phrase)

    monkeypatch.setattr(voix, "_synthetiser", comptee)
    return voix, compte


async def test_fixed_sentences_are_synthesised_once_then_read_from_disk(tmp_path, voix_comptee):
    voix, compte = voix_comptee
    textes = ["Ouverte du lundi au vendredi. De 8 h 30 à 17 h.", "Bonjour !", "Bonjour ! De 8 h 30 à 17 h."]
    cache = CacheVoix.pour_voix(tmp_path / "cache", PIPER_JOE, NOM_PIPER)
    assert await voix.figer(textes, cache) == (3, 0)  # three distinct sentences
    assert compte["n"] == 3 and len(list(cache.dossier.glob("*.pcm"))) == 3
    audio = await voix.phrase("Bonjour !")
    assert compte["n"] == 3 and len(audio) > 8000  # served from memory, real audio at 8 kHz
    # a restart: nothing synthesised again, the same audio
    relancee = VoixPiper(PIPER_JOE, NOM_PIPER)
    relancee._synthetiser = lambda phrase: pytest.fail(f"synthesised again: {phrase}")
    assert await relancee.figer(textes, cache) == (0, 3)
    assert await relancee.phrase("Bonjour !") == audio


async def test_fixed_sentences_are_never_evicted(tmp_path):
    voix = VoixPiper(PIPER_JOE, NOM_PIPER, taille_cache=1)
    await voix.figer(["Bonjour !"])
    for autre in ("Un.", "Deux."):
        await voix.phrase(autre)
    voix._synthetiser = lambda phrase: pytest.fail("evicted")
    assert await voix.phrase("Bonjour !")


async def test_a_caller_is_served_before_the_background_pre_synthesis(tmp_path):
    """With every synthesis slot taken, the waiting caller's sentence comes before the background's next one."""
    voix = VoixPiper(PIPER_JOE, NOM_PIPER)
    voix._guichets.libres = 1
    ordre = []
    vraie = voix._synthetiser

    def notee(phrase):
        ordre.append(phrase)
        return vraie(phrase)

    voix._synthetiser = notee
    fond = asyncio.ensure_future(voix.figer([f"Phrase de fond numéro {i}." for i in range(4)]))
    while not ordre:
        await asyncio.sleep(0.005)
    appelant = await voix.phrase("Votre dossier est accepté.", PRIORITE_APPEL)
    assert appelant and ordre.index("Votre dossier est accepté.") == 1  # right after the one already running
    await fond


def test_a_damaged_entry_is_removed_and_a_new_voice_has_its_own_folder(tmp_path, caplog):
    cache = CacheVoix.pour_voix(tmp_path, PIPER_JOE, NOM_PIPER)
    cache.ecrire("Bonjour, à bientôt !", b"\x01\x00" * 100)
    (cache.dossier / ("0" * 64 + ".pcm")).write_bytes(b"pas un enregistrement")
    with caplog.at_level(logging.WARNING):
        assert cache.charger() == {"Bonjour, à bientôt !": b"\x01\x00" * 100}
    assert "damaged entry" in caplog.text and len(list(cache.dossier.glob("*.pcm"))) == 1
    autre = tmp_path / "autre.onnx"
    autre.write_bytes(b"x")
    assert CacheVoix.pour_voix(tmp_path, autre, NOM_PIPER).dossier != cache.dossier


def test_an_unwritable_folder_costs_only_the_disk_copy(tmp_path, caplog):
    (tmp_path / "fichier").write_text("pas un dossier")
    cache = CacheVoix(tmp_path / "fichier" / "voix")
    with caplog.at_level(logging.WARNING):
        cache.ecrire("Bonjour !", b"\x00\x00" * 10)
    assert "cannot write" in caplog.text and cache.charger() == {}


def test_sentences_of_a_fixed_text_are_those_the_calls_ask_for():
    texte = "Ouverte du lundi au vendredi. De 8 h 30 à 17 h."
    assert phrases(texte) == ["Ouverte du lundi au vendredi.", "De 8 h 30 à 17 h."]
