"""The action server's settings and its guard: loopback by default, a shared secret on every call.

Rasa sends the secret in the X-Guichet-Secret-Actions header (bot/endpoints.yml);
any other caller gets 401 before rasa-sdk reads the body. Only /health is open.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from configuration.erreurs import ErreurConfiguration
from configuration.secrets import verifier_secret

logger = logging.getLogger(__name__)
ENTETE_SECRET = "X-Guichet-Secret-Actions"
TAILLE_MAX_REQUETE = 8 * 1024 * 1024  # a whole conversation's tracker, with room to spare


@dataclass(frozen=True)
class ConfigServeurActions:
    secret: str
    hote: str = "127.0.0.1"
    port: int = 5055

    def __post_init__(self) -> None:
        verifier_secret("GUICHET_ACTIONS_SECRET", self.secret)
        if not 0 < self.port < 65536:
            raise ErreurConfiguration(f"the action server port must be in 1-65535, got {self.port}")

    @classmethod
    def depuis_env(cls, env: Mapping[str, str] = os.environ, port: int = 5055) -> ConfigServeurActions:
        return cls(secret=env.get("GUICHET_ACTIONS_SECRET") or "", hote=env.get("GUICHET_ACTIONS_HOTE") or "127.0.0.1", port=port)


def proteger(app: Any, config: ConfigServeurActions) -> None:
    """Refuse every call without the shared secret (except the health check)."""
    from sanic import response

    app.config.REQUEST_MAX_SIZE = TAILLE_MAX_REQUETE

    @app.on_request
    async def verifier(request: Any) -> Any:
        if request.path == "/health":
            return None
        presente = request.headers.get(ENTETE_SECRET) or ""
        if not hmac.compare_digest(presente.encode(), config.secret.encode()):
            logger.warning("action server: a call without the shared secret was refused (%s %s)", request.method, request.path)
            return response.json({"error": "missing or wrong shared secret"}, status=401)
        return None
