"""The HTTP headers by which the Rasa voice channel tells the gateway the dialogue state.

Shared by both sides (serveur_rasa/canal_voix.py writes them, voix/dialogue_rasa.py
reads them), and the secret that authenticates the gateway to the voice channel;
imports nothing but the standard library, so the gateway never loads Rasa to know them.
"""

import hashlib
import hmac

ENTETE_SLOT = "X-Guichet-Slot-Demande"  # the slot the bot is asking for (the gateway picks a grammar)
ENTETE_PAUSE = "X-Guichet-En-Pause"  # "1" once the bot handed the call over to an agent
ENTETE_REFERENCE = "X-Guichet-Reference"  # the escalation reference told to the caller (also a SIP header)
ENTETE_MOTIF = "X-Guichet-Motif"  # SIP REFER: why the call is transferred (escalade, secours)
ENTETE_SECRET_VOIX = "X-Guichet-Secret-Voix"  # the gateway's proof, on every call to the voice webhook
ENTETE_SECRET_PBX = "X-Guichet-Secret"  # the PBX's proof, on the gateway's HTTP routes (/appels, /transferts, /flux)


def secret_canal_voix(jeton_api: str) -> str:
    """What the gateway shows the voice channel: derived from the API token both sides hold (never the token itself)."""
    return hmac.new(jeton_api.encode(), b"guichet canal voix", hashlib.sha256).hexdigest()


def secret_valide(presente: str | None, attendu: str) -> bool:
    return bool(attendu) and hmac.compare_digest((presente or "").encode(), attendu.encode())
