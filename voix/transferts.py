"""Transfers waiting for the telephony side: after the gateway ends its leg, the PBX
asks where to send the caller and what the agent should see (HTTP, e.g. Asterisk's CURL()).

    GET /transferts/<call id>        -> {"cible": "conseillers", "motif": "escalade", "reference": "24578301",
                                         "transcription": [{"qui": "appelant", "texte": "…"}, …]}
    GET /transferts/<call id>/cible  -> conseillers   (text, for a dialplan)

Two reasons: the dialogue handed the caller over (`escalade`: the escalation, its
reference and context are in the agents' console), or the dialogue could not be
reached (`secours`: no reference; the PBX's fallback target, and the transcript the
gateway heard so that nobody asks the caller to repeat). 404 when the call was not
transferred (the dialplan then hangs up). Entries expire after a few minutes: they
only bridge the hang-up and the dialplan.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from aiohttp import web


class MotifTransfert(str, Enum):
    ESCALADE = "escalade"  # the dialogue escalated: its reference was said to the caller
    SECOURS = "secours"  # the dialogue is unreachable: the fallback target, with what the gateway knows


class Locuteur(str, Enum):
    APPELANT = "appelant"
    ASSISTANT = "assistant"


@dataclass(frozen=True)
class Replique:
    qui: Locuteur
    texte: str


@dataclass(frozen=True)
class DemandeTransfert:
    motif: MotifTransfert
    reference: str = ""
    transcription: tuple[Replique, ...] = ()


@dataclass(frozen=True)
class CiblesTransfert:
    """What the PBX dials for each reason (GUICHET_VOIX_TRANSFERT, GUICHET_VOIX_TRANSFERT_SECOURS)."""

    conseillers: str = "conseillers"
    secours: str = "conseillers"

    def pour(self, motif: MotifTransfert) -> str:
        return self.secours if motif is MotifTransfert.SECOURS else self.conseillers


@dataclass(frozen=True)
class Transfert:
    cible: str
    demande: DemandeTransfert
    cree: float

    def en_json(self) -> dict[str, object]:
        return {"cible": self.cible, "motif": self.demande.motif.value, "reference": self.demande.reference,
                "transcription": [{"qui": r.qui.value, "texte": r.texte} for r in self.demande.transcription]}


class Transferts:
    def __init__(self, cibles: CiblesTransfert = CiblesTransfert(), duree_s: float = 300.0,
                 horloge: Callable[[], float] = time.monotonic) -> None:
        self.cibles, self.duree_s, self._horloge = cibles, duree_s, horloge
        self._transferts: dict[str, Transfert] = {}

    def enregistrer(self, appel: str, demande: DemandeTransfert) -> Transfert:
        self._purger()
        transfert = Transfert(self.cibles.pour(demande.motif), demande, self._horloge())
        self._transferts[appel] = transfert
        return transfert

    def lire(self, appel: str) -> Transfert | None:
        self._purger()
        return self._transferts.get(appel)

    def _purger(self) -> None:
        limite = self._horloge() - self.duree_s
        for appel in [a for a, t in self._transferts.items() if t.cree < limite]:
            del self._transferts[appel]

    def ajouter_routes(self, app: web.Application) -> None:
        async def lire_json(request: web.Request) -> web.Response:
            t = self.lire(request.match_info["appel"])
            if t is None:
                raise web.HTTPNotFound(text="no transfer for this call")
            return web.json_response(t.en_json())

        async def lire_cible(request: web.Request) -> web.Response:
            t = self.lire(request.match_info["appel"])
            if t is None:
                raise web.HTTPNotFound(text="")
            return web.Response(text=t.cible)

        app.router.add_get("/transferts/{appel}", lire_json)
        app.router.add_get("/transferts/{appel}/cible", lire_cible)
