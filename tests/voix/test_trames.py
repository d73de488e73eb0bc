"""Wire formats: AudioSocket frames and media-stream messages, strict on bad input."""

import asyncio
import base64
import json
import uuid

import numpy as np
import pytest

from voix.audiosocket import GenreTrame, Trame, TrameInvalide, lire_trame, trame_audio, trame_raccroche, uuid_appel
from voix.codec import Reechantillonneur, alaw_vers_pcm, energie, pcm_vers_alaw, pcm_vers_ulaw, trames, ulaw_vers_pcm
from voix.flux_media import Demarrage, Media, MessageInvalide, Touche, lire_message, message_media, message_vider


def lecteur(donnees: bytes) -> asyncio.StreamReader:
    r = asyncio.StreamReader()
    r.feed_data(donnees)
    r.feed_eof()
    return r


async def test_frames_round_trip():
    ident = uuid.uuid4()
    flux = Trame(GenreTrame.UUID, ident.bytes).en_octets() + Trame(GenreTrame.DTMF, b"5").en_octets() + trame_audio(b"\x01\x00" * 160) + trame_raccroche()
    r = lecteur(flux)
    assert uuid_appel(await lire_trame(r)) == str(ident)
    assert await lire_trame(r) == Trame(GenreTrame.DTMF, b"5")
    audio = await lire_trame(r)
    assert audio.genre == GenreTrame.AUDIO and len(audio.charge) == 320
    assert (await lire_trame(r)).genre == GenreTrame.RACCROCHE
    with pytest.raises(asyncio.IncompleteReadError):
        await lire_trame(r)
    assert trame_audio(b"\x00\x00")[:3] == b"\x10\x00\x02"  # kind, length big-endian


@pytest.mark.parametrize("donnees, message", [
    (b"\x42\x00\x00", "unknown frame kind 0x42"),
    (b"\x01\x00\x04abcd", "UUID frame of 4 bytes"),
    (b"\x03\x00\x02ab", "DTMF frame of 2 bytes"),
    (b"\x10\x00\x03abc", "odd-length audio"),
])
async def test_malformed_frames_are_refused(donnees, message):
    with pytest.raises(TrameInvalide, match=message):
        await lire_trame(lecteur(donnees))


async def test_truncated_frame_is_a_disconnect():
    with pytest.raises(asyncio.IncompleteReadError):
        await lire_trame(lecteur(b"\x10\x01\x40" + b"\x00" * 10))


def test_first_frame_must_be_the_uuid():
    with pytest.raises(TrameInvalide, match="first frame"):
        uuid_appel(Trame(GenreTrame.AUDIO, b"\x00\x00"))


def test_media_stream_messages():
    depart = lire_message(json.dumps({"event": "start", "start": {"streamSid": "MZ1", "callSid": "CA1", "customParameters": {"numero_appelant": "0612345678"},
                                                                    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}}))
    assert depart == Demarrage("MZ1", "CA1", {"numero_appelant": "0612345678"})
    media = lire_message(json.dumps({"event": "media", "media": {"payload": base64.b64encode(b"\xff" * 160).decode()}}))
    assert media == Media(b"\xff" * 160)
    assert lire_message('{"event": "dtmf", "dtmf": {"digit": "#"}}') == Touche("#")
    sortie = json.loads(message_media("MZ1", b"\x00\x01"))
    assert sortie == {"event": "media", "streamSid": "MZ1", "media": {"payload": "AAE="}}
    assert json.loads(message_vider("MZ1")) == {"event": "clear", "streamSid": "MZ1"}


@pytest.mark.parametrize("texte, message", [
    ("pas du json", "not JSON"), ("[1]", "not a JSON object"), ('{"event": "inconnu"}', "unknown event"),
    ('{"event": "media", "media": {"payload": "%%%"}}', "not base64"), ('{"event": "dtmf", "dtmf": {"digit": "x"}}', "unknown DTMF"),
    ('{"event": "start", "start": {"streamSid": "s", "mediaFormat": {"encoding": "audio/l16", "sampleRate": 16000}}}', "unsupported media format"),
    ('{"event": "start", "start": {}}', "without streamSid"),
])
def test_bad_media_stream_messages(texte, message):
    with pytest.raises(MessageInvalide, match=message):
        lire_message(texte)


def test_codecs_and_resampling():
    pcm = b"".join(int(8000 * ((i % 16) - 8) / 8).to_bytes(2, "little", signed=True) for i in range(1600))
    assert len(pcm_vers_ulaw(pcm)) == 1600 and len(ulaw_vers_pcm(pcm_vers_ulaw(pcm))) == 3200
    r = Reechantillonneur(22050)
    sortie = r.convertir(b"\x00\x00" * 22050) + r.convertir(b"\x00\x00" * 22050)
    assert abs(len(sortie) - 2 * 16000) <= 4  # two seconds at 8 kHz, streamed in two chunks
    morceaux = trames(b"\x01" * 700)
    assert [len(m) for m in morceaux] == [320, 320, 320] and morceaux[-1].endswith(b"\x00" * 260)


def _ton(frequence: float, taux: int, secondes: float = 1.0, amplitude: float = 10_000) -> bytes:
    t = np.arange(int(taux * secondes)) / taux
    return (amplitude * np.sin(2 * np.pi * frequence * t)).astype("<i2").tobytes()


def test_resampling_to_the_line_filters_what_would_fold_back():
    """Piper's 22 050 Hz down to 8 kHz: a 6 kHz tone (it would fold to 2 kHz) is removed, speech band kept."""
    r = Reechantillonneur(22050)
    entree = energie(_ton(6000, 22050))
    assert energie(r.convertir(_ton(6000, 22050))) < 0.01 * entree  # audioop.ratecv kept 79 %
    assert 0.95 * entree < energie(r.convertir(_ton(1000, 22050))) < 1.05 * entree
    assert 0.9 * entree < energie(r.convertir(_ton(3000, 22050))) < 1.05 * entree


def test_g711_is_the_reference_coder_for_every_sample():
    """µ-law and A-law, coded without audioop (removed in Python 3.13), equal the reference on all 65 536 samples."""
    tous = np.arange(-32768, 32768, dtype="<i2").tobytes()
    codes = bytes(range(256))
    reference = pytest.importorskip("audioop", reason="the reference coder ships with Python ≤ 3.12 only")
    assert pcm_vers_ulaw(tous) == reference.lin2ulaw(tous, 2) and pcm_vers_alaw(tous) == reference.lin2alaw(tous, 2)
    assert ulaw_vers_pcm(codes) == reference.ulaw2lin(codes, 2) and alaw_vers_pcm(codes) == reference.alaw2lin(codes, 2)
    bruit = np.random.default_rng(7).normal(0, 3000, 8000).astype("<i2").tobytes()
    assert energie(bruit) == reference.rms(bruit, 2) and energie(b"") == 0
