"""The Rasa server's keys, each derived from one secret that every replica holds.

GUICHET_SOCKETIO_SECRET when set, else GUICHET_API_TOKEN; one HMAC per use, so a key
for one purpose tells nothing about another. With neither, a random key of this
process only (what it signs does not survive a restart nor cross replicas).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping


def cle_derivee(env: Mapping[str, str], usage: bytes) -> tuple[bytes, bool]:
    """(key for this use, whether it comes from the shared secret)."""
    secret = env.get("GUICHET_SOCKETIO_SECRET") or env.get("GUICHET_API_TOKEN") or ""
    if not secret:
        return secrets.token_bytes(32), False
    return hmac.new(secret.encode(), usage, hashlib.sha256).digest(), True
