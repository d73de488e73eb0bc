"""The gateway's side of the dialogue: the Rasa server's `voix` channel (so the
answers' voice variants are used) and the fixed phone prompts from the domain."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from voix.entetes import ENTETE_PAUSE, ENTETE_REFERENCE, ENTETE_SECRET_VOIX, ENTETE_SLOT, secret_canal_voix
from voix.erreurs import DialogueIndisponible

logger = logging.getLogger(__name__)
INVITES = ("utter_relance_silence", "utter_fin_silence", "utter_fin_duree_max", "utter_voix_transfert_secours",
           "utter_voix_confirmer_numero",
           "utter_lignes_occupees")


@dataclass(frozen=True)
class ReponseDialogue:
    textes: list[str]
    slot: str | None = None  # what the bot is asking for (grammar, keypad digits)
    en_pause: bool = False  # handed over to an agent: transfer the call
    reference: str | None = None  # the escalation reference the caller was told
    choix: list[str] = field(default_factory=list)  # the buttons' payloads, in order: keys 1, 2, 3… choose them


class DialogueRasa:
    def __init__(self, url: str, jeton: str, delai_s: float = 10.0) -> None:
        self.url, self.jeton, self.delai_s = url.rstrip("/"), jeton, delai_s
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.delai_s))
        return self._session

    async def fermer(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def dire(self, appel: str, texte: str, **metadata: Any) -> ReponseDialogue:
        corps = {"sender": appel, "message": texte, "metadata": metadata}
        try:
            async with self._http().post(f"{self.url}/webhooks/voix/webhook", json=corps,
                                         headers={ENTETE_SECRET_VOIX: secret_canal_voix(self.jeton)}) as r:
                if r.status != 200:
                    raise DialogueIndisponible(f"voix webhook: HTTP {r.status}")
                messages = await r.json()
                slot = r.headers.get(ENTETE_SLOT) or None
                pause = r.headers.get(ENTETE_PAUSE) == "1"
                reference = r.headers.get(ENTETE_REFERENCE) or None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise DialogueIndisponible(f"voix webhook: {type(exc).__name__}") from None
        lu = lire_messages(messages if isinstance(messages, list) else [])
        return ReponseDialogue(lu.textes, slot, pause, reference, lu.choix)

    async def anticiper(self, appel: str, texte: str, delai_s: float = 2.0) -> ReponseDialogue | None:
        """The answer the bot would give to ``texte``, committed nowhere (serveur_rasa/anticipation.py); None when it
        cannot be known without effects, or on any failure (the real turn follows anyway)."""
        corps = {"sender": appel, "message": texte}
        try:
            async with self._http().post(f"{self.url}/webhooks/voix/anticiper", json=corps,
                                         headers={ENTETE_SECRET_VOIX: secret_canal_voix(self.jeton)},
                                         timeout=aiohttp.ClientTimeout(total=delai_s)) as r:
                if r.status != 200:
                    return None
                messages = await r.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return None
        if not isinstance(messages, list):
            return None
        return lire_messages(messages)

    async def reponses(self) -> Mapping[str, Any]:
        """The responses of the domain the Rasa server runs (for the prompts and the pre-synthesis)."""
        try:
            async with self._http().get(f"{self.url}/domain", params={"token": self.jeton},
                                        headers={"Accept": "application/json"}) as r:
                if r.status != 200:
                    raise DialogueIndisponible(f"domain: HTTP {r.status}")
                domaine = await r.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise DialogueIndisponible(f"domain: {type(exc).__name__}") from None
        reponses = domaine.get("responses") if isinstance(domaine, dict) else None
        return reponses if isinstance(reponses, dict) else {}


def lire_messages(messages: list[Any]) -> ReponseDialogue:
    """The texts to say and the buttons' payloads (keys 1, 2, 3…) of the bot's messages."""
    textes = [str(m["text"]) for m in messages if isinstance(m, dict) and m.get("text")]
    choix = [str(b["payload"]) for m in messages if isinstance(m, dict) for b in (m.get("buttons") or [])
             if isinstance(b, dict) and b.get("payload")]
    return ReponseDialogue(textes, choix=choix)


def choisir_invites(reponses: Mapping[str, Any]) -> dict[str, str]:
    invites: dict[str, str] = {}
    for nom in INVITES:
        variantes = [v for v in reponses.get(nom) or [] if isinstance(v, dict) and v.get("text")]
        voix = [v for v in variantes if v.get("channel") == "voix"]
        if voix or variantes:
            invites[nom] = str((voix or variantes)[0]["text"])
    manquantes = [n for n in INVITES if n not in invites]
    if manquantes:
        raise DialogueIndisponible(f"responses missing from the domain: {', '.join(manquantes)} (run `make train`)")
    return invites


def textes_fixes(reponses: Mapping[str, Any]) -> list[str]:
    """Every text the phone can say as written: the `voix` variants of a response when it has
    some (Rasa then picks among them), else its variants for any channel; texts with a slot
    placeholder are left out (they are filled per conversation)."""
    textes: list[str] = []
    for variantes in reponses.values():
        avec_texte = [v for v in variantes or [] if isinstance(v, dict) and isinstance(v.get("text"), str) and v["text"].strip()]
        voix = [v for v in avec_texte if v.get("channel") == "voix"]
        for variante in voix or [v for v in avec_texte if not v.get("channel")]:
            if "{" not in variante["text"] and variante["text"] not in textes:
                textes.append(variante["text"])
    return textes
