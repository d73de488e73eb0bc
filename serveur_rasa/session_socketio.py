"""Socket.io session ids that only the citizen's browser can present.

The server issues every session id (a random part signed with HMAC); the
conversation's Rasa sender id is derived from it with the same key. What agents,
tickets and logs see is that derived id, which cannot be turned back into the
session id: knowing a conversation's id does not let anyone join it. The key
comes from GUICHET_SOCKETIO_SECRET, else from GUICHET_API_TOKEN (shared by all
Rasa replicas); with neither, a random key per process (sessions do not survive
a restart).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping

from serveur_rasa.cles import cle_derivee

logger = logging.getLogger(__name__)
PREFIXE_CONVERSATION = "w-"


class JetonsSession:
    def __init__(self, cle: bytes) -> None:
        if len(cle) < 16:
            raise ValueError("the socket.io session key must be at least 16 bytes")
        self._cle = cle

    @classmethod
    def depuis_env(cls, env: Mapping[str, str]) -> JetonsSession:
        cle, partagee = cle_derivee(env, b"guichet socket.io sessions")
        if not partagee:
            logger.warning("socketio channel: no GUICHET_SOCKETIO_SECRET nor GUICHET_API_TOKEN; "
                           "session ids are signed with a key of this process only")
        return cls(cle)

    def _signature(self, aleatoire: str) -> str:
        brut = hmac.new(self._cle, b"jeton:" + aleatoire.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(brut).decode().rstrip("=")[:22]

    def nouveau(self) -> str:
        aleatoire = secrets.token_urlsafe(18)
        return f"{aleatoire}.{self._signature(aleatoire)}"

    def valide(self, jeton: object) -> bool:
        if not isinstance(jeton, str) or len(jeton) > 128:
            return False
        aleatoire, point, signature = jeton.partition(".")
        return bool(point and aleatoire) and hmac.compare_digest(signature, self._signature(aleatoire))

    def conversation(self, jeton: str) -> str:
        """The Rasa sender id of the conversation behind a (valid) session id."""
        return PREFIXE_CONVERSATION + hmac.new(self._cle, b"conversation:" + jeton.encode(), hashlib.sha256).hexdigest()[:32]
