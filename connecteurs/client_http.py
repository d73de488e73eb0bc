"""One HTTP client per back end: explicit timeouts, retries for reads, circuit breaker.

Every remote connecteur talks through a :class:`ClientHttp`: one
``aiohttp.ClientSession`` per back end and process (opened on first use in the
running loop, closed by :meth:`fermer`), a timeout on every attempt, retries
with exponential backoff for idempotent reads only, ``429`` honoured through
``Retry-After`` when the wait is short (otherwise the back end is "busy"), and
failures mapped to the connecteur error types. Secrets travel in headers the
caller gives and are never logged.

The client owns the time a call may take: every attempt, backoff and 429 wait
fits in ``delai_s``, so a slow back end ends
in :class:`DelaiDepasse` here — counted by the circuit breaker — and never in a
caller's outer deadline. A call cancelled from outside while it was the
breaker's half-open trial gives the trial back (the circuit reopens).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import yarl

from connecteurs.disjoncteur import Disjoncteur
from connecteurs.erreurs import ConnecteurIndisponible, DelaiDepasse, ErreurConnecteur, ReponseInvalide

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReglagesHttp:
    delai_s: float = 2.0  # a whole call: every attempt, backoff and Retry-After wait fits in it
    essais_lecture: int = 3  # attempts for idempotent reads (writes: one)
    attente_base_s: float = 0.1  # backoff: base, 2 × base, 4 × base…
    attente_max_s: float = 1.0  # longest Retry-After waited for; longer means "busy"
    seuil_disjoncteur: int = 5
    pause_disjoncteur_s: float = 30.0

    def __post_init__(self) -> None:
        if self.delai_s <= 0 or self.essais_lecture < 1 or self.attente_base_s < 0 or self.attente_max_s < 0:
            raise ValueError("invalid HTTP settings")


@dataclass(frozen=True)
class Reponse:
    statut: int
    corps: Any  # parsed JSON, or None for an empty body


def _retry_after(valeur: str | None) -> float | None:
    if not valeur:
        return None
    try:
        return max(0.0, float(valeur))
    except ValueError:
        return None  # an HTTP date: treat as "long"


class ClientHttp:
    def __init__(self, nom: str, url_base: str, reglages: ReglagesHttp = ReglagesHttp(), entetes: Mapping[str, str] | None = None) -> None:
        if not url_base.startswith(("http://", "https://")):
            raise ValueError(f"{nom}: base URL must start with http:// or https://")
        self.nom, self.url_base, self.reglages = nom, url_base.rstrip("/"), reglages
        self._entetes = dict(entetes or {})
        self._session: aiohttp.ClientSession | None = None
        self.disjoncteur = Disjoncteur(nom, reglages.seuil_disjoncteur, reglages.pause_disjoncteur_s)

    def _ouvrir(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.reglages.delai_s), headers=self._entetes, raise_for_status=False
            )
        return self._session

    async def fermer(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def envoyer(
        self, methode: str, chemin: str | Callable[[], str], *, lecture: bool, json_: Any = None,
        params: Mapping[str, str] | None = None, entetes: Mapping[str, str] | None = None,
    ) -> Reponse:
        """One request; ``lecture`` marks it idempotent (retried). Statuses < 500 are returned to the caller.

        ``chemin`` may be a function: called again for every attempt (a signed URL whose nonce must be new).
        """
        self.disjoncteur.autoriser()
        try:
            return await self._tentatives(methode, chemin, lecture, json_, params, entetes)
        except ErreurConnecteur:  # the breaker was told
            raise
        except BaseException:  # cancelled from outside, or an unexpected error: a half-open trial is given back
            self.disjoncteur.abandonner()
            raise

    async def _tentatives(
        self, methode: str, chemin: str | Callable[[], str], lecture: bool, json_: Any,
        params: Mapping[str, str] | None, entetes: Mapping[str, str] | None,
    ) -> Reponse:
        boucle = asyncio.get_running_loop()
        fin = boucle.time() + self.reglages.delai_s
        essais = self.reglages.essais_lecture if lecture else 1
        attentes_429 = 1  # a 429 means "not processed": one short wait is safe, for writes too
        tentative = 0
        erreur: ErreurConnecteur
        while True:
            tentative += 1
            reste = fin - boucle.time()
            if reste <= 0:
                erreur = DelaiDepasse(f"{self.nom}: no answer within {self.reglages.delai_s:.1f} s")
                break
            texte_chemin = chemin() if callable(chemin) else chemin
            # a query already in the path is sent byte for byte (signed URLs must not be re-quoted)
            url = (yarl.URL(f"{self.url_base}{texte_chemin}", encoded=True) if "?" in texte_chemin
                   else f"{self.url_base}{texte_chemin}")
            try:
                async with self._ouvrir().request(
                    methode, url, json=json_, params=params, headers=entetes,
                    timeout=aiohttp.ClientTimeout(total=reste),
                ) as r:
                    texte = await r.text()
                    if r.status == 429:
                        attente = _retry_after(r.headers.get("Retry-After"))
                        if (attente is not None and attente <= self.reglages.attente_max_s and attentes_429 > 0
                                and boucle.time() + attente < fin):
                            logger.info("%s: rate limited, retrying in %.1f s", self.nom, attente)
                            attentes_429 -= 1
                            tentative -= 1
                            await asyncio.sleep(attente)
                            continue
                        erreur = ConnecteurIndisponible(f"{self.nom}: rate limited (HTTP 429)")
                        break
                    if r.status >= 500:
                        erreur = ConnecteurIndisponible(f"{self.nom}: HTTP {r.status} on {methode} {texte_chemin.split('?')[0]}")
                    else:
                        try:
                            corps = json.loads(texte) if texte.strip() else None
                        except ValueError:
                            self.disjoncteur.echec()
                            raise ReponseInvalide(f"{self.nom}: malformed JSON (HTTP {r.status})") from None
                        self.disjoncteur.succes()
                        return Reponse(r.status, corps)
            except asyncio.TimeoutError:
                erreur = DelaiDepasse(f"{self.nom}: no answer within {reste:.1f} s")
            except aiohttp.ClientError as exc:
                erreur = ConnecteurIndisponible(f"{self.nom}: {exc.__class__.__name__}")
            attente = self.reglages.attente_base_s * 2 ** (tentative - 1)
            if tentative >= essais or boucle.time() + attente >= fin:
                break
            await asyncio.sleep(attente)
        self.disjoncteur.echec()
        logger.warning("%s: %s", self.nom, erreur.message)
        raise erreur
