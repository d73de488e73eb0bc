"""WebSocket media streams in the Twilio-compatible JSON form (pure parsing and building).

Received: `connected`, `start` (streamSid, callSid, customParameters,
mediaFormat audio/x-mulaw 8000 mono), `media` (base64 µ-law payload), `dtmf`
(digit), `mark` (name, echoed when playback reached it), `stop`.
Sent: `media`, `mark`, `clear` (drop queued audio: barge-in).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class MessageInvalide(ValueError):
    """Not a media-stream message; the call is ended."""


@dataclass(frozen=True)
class Demarrage:
    stream_sid: str
    call_sid: str
    parametres: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Media:
    ulaw: bytes


@dataclass(frozen=True)
class Touche:
    chiffre: str


@dataclass(frozen=True)
class Repere:
    nom: str


@dataclass(frozen=True)
class Arret:
    pass


@dataclass(frozen=True)
class Connecte:
    pass


Message = Demarrage | Media | Touche | Repere | Arret | Connecte
TOUCHES = frozenset("0123456789*#ABCD")


def lire_message(texte: str) -> Message:
    try:
        donnees = json.loads(texte)
    except ValueError:
        raise MessageInvalide("not JSON") from None
    if not isinstance(donnees, dict):
        raise MessageInvalide("not a JSON object")
    evenement = donnees.get("event")
    if evenement == "connected":
        return Connecte()
    if evenement == "start":
        depart = donnees.get("start") or {}
        format_ = depart.get("mediaFormat") or {}
        if format_ and (format_.get("encoding") != "audio/x-mulaw" or int(format_.get("sampleRate", 0)) != 8000
                        or int(format_.get("channels", 1)) != 1):
            raise MessageInvalide(f"unsupported media format {format_!r} (audio/x-mulaw, 8000 Hz, mono expected)")
        sid = depart.get("streamSid") or donnees.get("streamSid")
        if not isinstance(sid, str) or not sid:
            raise MessageInvalide("start without streamSid")
        parametres = depart.get("customParameters") or {}
        return Demarrage(sid, str(depart.get("callSid") or sid), {str(k): str(v) for k, v in dict(parametres).items()})
    if evenement == "media":
        charge = (donnees.get("media") or {}).get("payload")
        if not isinstance(charge, str):
            raise MessageInvalide("media without payload")
        try:
            return Media(base64.b64decode(charge, validate=True))
        except (binascii.Error, ValueError):
            raise MessageInvalide("media payload is not base64") from None
    if evenement == "dtmf":
        chiffre = str((donnees.get("dtmf") or {}).get("digit", ""))
        if chiffre not in TOUCHES:
            raise MessageInvalide(f"unknown DTMF digit {chiffre!r}")
        return Touche(chiffre)
    if evenement == "mark":
        return Repere(str((donnees.get("mark") or {}).get("name", "")))
    if evenement == "stop":
        return Arret()
    raise MessageInvalide(f"unknown event {evenement!r}")


def message_media(stream_sid: str, ulaw: bytes) -> str:
    return json.dumps({"event": "media", "streamSid": stream_sid, "media": {"payload": base64.b64encode(ulaw).decode()}})


def message_repere(stream_sid: str, nom: str) -> str:
    return json.dumps({"event": "mark", "streamSid": stream_sid, "mark": {"name": nom}})


def message_vider(stream_sid: str) -> str:
    return json.dumps({"event": "clear", "streamSid": stream_sid})


def message_test(evenement: str, **champs: Any) -> str:
    """What a media-stream client sends (tests and simulators)."""
    return json.dumps({"event": evenement, **champs})
