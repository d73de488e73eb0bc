"""What a public channel accepts from a citizen: one set of rules for REST, socket.io and the voice channel.

The sender id, the message (length, control and bidi characters, lone surrogates)
and the metadata are checked here, before Rasa sees anything; a rule broken gives
:class:`EntreeRefusee` with an HTTP status and, when the citizen should be told
(a message too long), the name of the domain response that tells them.
Agent-only flows cannot be triggered from outside: `/EXTERNAL_…` intents are the
console's (Rasa's trigger_intent), and the `declencheur` mark (a turn hidden
from the agents' transcript) is honoured only on button payloads (`/intent`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from configuration.caracteres import sans_controles
from configuration.chiffres import chiffres_ascii

LONGUEUR_MAX_MESSAGE = 5000
LONGUEUR_MAX_SENDER = 128
TAILLE_MAX_METADATA = 4096  # characters of the metadata once serialised
PROFONDEUR_MAX_METADATA = 8
REPONSE_TROP_LONG = "utter_message_trop_long"
SENDER = re.compile(r"^[\w.:@\-]{1,128}$", re.ASCII)
_INTENTION_INTERNE = re.compile(r"^\s*/\s*EXTERNAL_", re.IGNORECASE)
_TRACE_INTERNE = re.compile(r"^\s*EXTERNAL\s*:", re.IGNORECASE)


class EntreeRefusee(ValueError):
    """A citizen's input refused: `statut` for HTTP, `reponse` a domain response to show them, if any."""

    def __init__(self, statut: int, message: str, reponse: str | None = None) -> None:
        super().__init__(message)
        self.statut = statut
        self.reponse = reponse


@dataclass(frozen=True)
class MessageCitoyen:
    sender: str
    texte: str
    metadata: dict[str, Any] | None


def nettoyer(texte: str) -> str:
    """The text with control, zero-width and bidi characters and lone surrogates removed, digits made ASCII
    (configuration/chiffres.py), spaces collapsed."""
    return " ".join(chiffres_ascii(sans_controles(texte)).split())


def _nettoyer_valeur(valeur: Any, profondeur: int) -> Any:
    """Metadata with its strings cleaned, or EntreeRefusee when nested deeper than allowed."""
    if isinstance(valeur, str):
        return sans_controles(valeur)
    if isinstance(valeur, (dict, list)):
        if profondeur == 0:
            raise EntreeRefusee(400, f"'metadata' is nested deeper than {PROFONDEUR_MAX_METADATA} levels")
        if isinstance(valeur, dict):
            return {sans_controles(str(k)): _nettoyer_valeur(v, profondeur - 1) for k, v in valeur.items()}
        return [_nettoyer_valeur(v, profondeur - 1) for v in valeur]
    return valeur


def verifier_sender(sender: Any) -> str:
    if not isinstance(sender, str) or not SENDER.match(sender):
        raise EntreeRefusee(400, f"'sender' must be 1-{LONGUEUR_MAX_SENDER} characters among letters, digits and . : @ _ -")
    return sender


def lire_message(sender: Any, message: Any, metadata: Any, numero_appelant_autorise: bool = False) -> MessageCitoyen:
    """A citizen's message checked and cleaned, or EntreeRefusee. `numero_appelant` (the caller's number shown to agents)
    is kept only from the authenticated phone gateway; from anyone else it is dropped."""
    sender = verifier_sender(sender)
    if not isinstance(message, str):
        raise EntreeRefusee(400, "'message' must be a string")
    if len(message) > LONGUEUR_MAX_MESSAGE:
        raise EntreeRefusee(413, f"'message' is longer than {LONGUEUR_MAX_MESSAGE} characters", REPONSE_TROP_LONG)
    texte = nettoyer(message)
    if not texte:
        raise EntreeRefusee(400, "'message' is empty")
    if _INTENTION_INTERNE.match(texte) or _TRACE_INTERNE.match(texte):
        raise EntreeRefusee(400, "'message' names an internal intent")
    if metadata is not None and not isinstance(metadata, dict):
        raise EntreeRefusee(400, "'metadata' must be a JSON object")
    if metadata is not None:
        if len(repr(metadata)) > TAILLE_MAX_METADATA:
            raise EntreeRefusee(413, f"'metadata' is larger than {TAILLE_MAX_METADATA} characters")
        metadata = _nettoyer_valeur(metadata, PROFONDEUR_MAX_METADATA)
        if not numero_appelant_autorise:
            metadata = {k: v for k, v in metadata.items() if k != "numero_appelant"}
        if metadata.get("declencheur") and not texte.startswith("/"):
            metadata = {k: v for k, v in metadata.items() if k != "declencheur"}  # typed text is always shown to agents
    return MessageCitoyen(sender, texte, metadata)
