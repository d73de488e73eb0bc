"""Console sessions: random tokens in an HttpOnly cookie, expiring after inactivity."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Callable

from guichet.console.comptes import Compte


@dataclass
class Session:
    compte: Compte
    expire: float


class Sessions:
    def __init__(self, duree_s: float = 30 * 60, horloge: Callable[[], float] = time.monotonic) -> None:
        self.duree_s, self._horloge, self._sessions = duree_s, horloge, {}  # type: ignore[var-annotated]

    def ouvrir(self, compte: Compte) -> str:
        jeton = secrets.token_urlsafe(32)
        self._sessions[jeton] = Session(compte, self._horloge() + self.duree_s)
        return jeton

    def compte(self, jeton: str | None) -> Compte | None:
        session = self._sessions.get(jeton or "")
        if session is None:
            return None
        if session.expire < self._horloge():
            del self._sessions[jeton]  # type: ignore[arg-type]
            return None
        session.expire = self._horloge() + self.duree_s  # sliding expiry
        return session.compte

    def fermer(self, jeton: str | None) -> None:
        self._sessions.pop(jeton or "", None)
