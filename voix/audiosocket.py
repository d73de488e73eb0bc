"""Asterisk AudioSocket framing (pure): kind (1 byte), length (2 bytes big-endian), payload.

Asterisk connects to the gateway over TCP; the first frame carries the call's
UUID; audio is signed 16-bit little-endian PCM, 8 kHz mono, 20 ms (320 bytes)
per frame in both directions. There is no transfer frame: the gateway stores
the transfer for the dialplan (voix/transferts.py) and hangs up.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from enum import IntEnum

LONGUEUR_MAX = 65535


class GenreTrame(IntEnum):
    RACCROCHE = 0x00
    UUID = 0x01
    DTMF = 0x03
    AUDIO = 0x10
    ERREUR = 0xFF


class TrameInvalide(ValueError):
    """The peer sent something that is not AudioSocket; the call is ended."""


@dataclass(frozen=True)
class Trame:
    genre: GenreTrame
    charge: bytes = b""

    def __post_init__(self) -> None:
        if len(self.charge) > LONGUEUR_MAX:
            raise TrameInvalide(f"payload of {len(self.charge)} bytes does not fit a frame")

    def en_octets(self) -> bytes:
        return bytes([self.genre]) + len(self.charge).to_bytes(2, "big") + self.charge


async def lire_trame(lecteur: asyncio.StreamReader) -> Trame:
    """One frame; IncompleteReadError when the peer closed, TrameInvalide on garbage."""
    entete = await lecteur.readexactly(3)
    try:
        genre = GenreTrame(entete[0])
    except ValueError:
        raise TrameInvalide(f"unknown frame kind 0x{entete[0]:02x}") from None
    longueur = int.from_bytes(entete[1:3], "big")
    charge = await lecteur.readexactly(longueur) if longueur else b""
    if genre == GenreTrame.UUID and longueur != 16:
        raise TrameInvalide(f"UUID frame of {longueur} bytes (16 expected)")
    if genre == GenreTrame.DTMF and longueur != 1:
        raise TrameInvalide(f"DTMF frame of {longueur} bytes (1 expected)")
    if genre == GenreTrame.AUDIO and longueur % 2:
        raise TrameInvalide("odd-length audio: 16-bit samples expected")
    return Trame(genre, charge)


def uuid_appel(trame: Trame) -> str:
    if trame.genre != GenreTrame.UUID:
        raise TrameInvalide(f"the first frame must carry the call UUID, got {trame.genre.name}")
    return str(uuid.UUID(bytes=trame.charge))


def trame_audio(pcm: bytes) -> bytes:
    return Trame(GenreTrame.AUDIO, pcm).en_octets()


def trame_raccroche() -> bytes:
    return Trame(GenreTrame.RACCROCHE).en_octets()
