"""Speech detection on the committed sound set (tests/voix/sons, made by generer.sh with sox and espeak-ng):
noises never interrupt the bot, French utterances with hesitations open exactly one turn each."""

import wave
from pathlib import Path

import pytest

from voix.activite_vocale import DetecteurParole, Evenement, ReglagesParole, voisee
from voix.codec import energie, trames

SONS = Path(__file__).resolve().parent / "sons"
BRUITS = sorted(SONS.glob("bruit-*.wav"))
PAROLES = sorted(SONS.glob("parole-*.wav"))
SILENCE_1S = b"\x00\x00" * 8000


def pcm(chemin: Path) -> bytes:
    with wave.open(str(chemin)) as w:
        assert (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (8000, 2, 1)
        return w.readframes(w.getnframes())


def evenements(son: bytes, reglages: ReglagesParole | None = None) -> list[tuple[int, Evenement]]:
    detecteur = DetecteurParole(reglages or ReglagesParole())
    return [(i, e) for i, t in enumerate(trames(son + SILENCE_1S)) if (e := detecteur.trame(t)) is not None]


def test_the_set_is_there():
    assert len(BRUITS) >= 6 and len(PAROLES) >= 6


@pytest.mark.parametrize("bruit", BRUITS, ids=lambda p: p.stem)
def test_a_noise_never_counts_as_speech(bruit):
    assert evenements(pcm(bruit)) == []


def test_an_energy_threshold_alone_would_take_coughs_and_breaths_for_speech():
    """The check can fail: a level-only detector (no VAD strictness, no voicing, 40 ms) fires on the noises."""
    naif = ReglagesParole(agressivite=0, parole_min_ms=40, voisement_min=0.0)
    declenches = [b.stem for b in BRUITS if any(e is Evenement.DEBUT for _, e in evenements(pcm(b), naif))]
    assert {"bruit-toux", "bruit-respiration", "bruit-porte"} <= set(declenches)


@pytest.mark.parametrize("parole", PAROLES, ids=lambda p: p.stem)
def test_an_utterance_with_hesitations_is_one_turn_detected_early_and_closed_after_its_end(parole):
    son = pcm(parole)
    morceaux = trames(son)
    premiere = next(i for i, t in enumerate(morceaux) if energie(t) >= 400)
    derniere = max(i for i, t in enumerate(morceaux) if energie(t) >= 400)
    vus = evenements(son)
    assert [e for _, e in vus] == [Evenement.DEBUT, Evenement.FIN]  # no cut inside the hesitations
    (debut, _), (fin, _) = vus
    assert (debut - premiere) * 20 <= 200  # barge-in within 200 ms of the first word
    assert fin > derniere  # never before the caller's last word
    assert (fin - derniere) * 20 <= ReglagesParole().fin_parole_ms + 100


def test_voicing_tells_a_vowel_from_noise():
    import numpy as np

    t = np.arange(320) / 8000
    voyelle = 8000 * (np.sin(2 * np.pi * 140 * t) + 0.5 * np.sin(2 * np.pi * 280 * t))
    bruit = np.random.default_rng(1).normal(0, 8000, 320)
    assert voisee(voyelle) and not voisee(bruit) and not voisee(np.zeros(320))


def test_settings_are_checked():
    for mauvais in ({"agressivite": 4}, {"parole_min_ms": 10}, {"voisement_min": 1.5}):
        with pytest.raises(ValueError):
            ReglagesParole(**mauvais)
