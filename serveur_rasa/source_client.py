"""Who is asking, as far as the lockout rule needs to know: a keyed hash of the client's address.

The identity-check counters (connecteurs/essais_identite.py) count failures per
source. Over REST and socket.io the source is the client's address (Sanic's
`remote_addr` when a proxy is configured with PROXIES_COUNT / REAL_IP_HEADER,
else the peer address), never stored as such: an HMAC keyed like the session
ids, the same on every replica. The key `source_client` in a message's metadata
is always set here; a value sent by the client is overwritten.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import Any

from serveur_rasa.cles import cle_derivee

CLE_METADATA = "source_client"


class SourcesClients:
    def __init__(self, cle: bytes) -> None:
        self._cle = cle

    @classmethod
    def depuis_env(cls, env: Mapping[str, str] = os.environ) -> SourcesClients:
        return cls(cle_derivee(env, b"guichet client sources")[0])

    def cle(self, adresse: str) -> str:
        return "a-" + hmac.new(self._cle, adresse.encode(), hashlib.sha256).hexdigest()[:24]

    def marquer(self, metadata: dict[str, Any] | None, adresse: str | None) -> dict[str, Any] | None:
        """The metadata with the source key set (or removed when the address is unknown)."""
        propre = {k: v for k, v in (metadata or {}).items() if k != CLE_METADATA}
        if adresse:
            propre[CLE_METADATA] = self.cle(adresse)
        return propre or None
