"""The speculative turn: start the work early, commit late.

When the caller has paused for ``anticipation_ms`` (shorter than the
end-of-speech wait) and the recogniser has words, the call asks the dialogue
what it *would* answer to them (``DialogueRasa.anticiper``: a dry run that
commits nothing, serveur_rasa/anticipation.py) and gets the audio of the first
sentence ready. Once the end of speech is confirmed with the same words, the
answer plays at once while the real turn is sent (the only one the dialogue
keeps); if the real answer differs, the call stops the guess and says the real
one. If the caller goes on speaking, or the final words differ, the guess is
dropped: nothing was committed, nothing is said.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from voix.dialogue_rasa import DialogueRasa, ReponseDialogue
from voix.synthese import VoixPiper

logger = logging.getLogger(__name__)
_ESPACES = re.compile(r"\s+")


def normaliser(texte: str) -> str:
    return _ESPACES.sub(" ", texte).strip().lower()


@dataclass(frozen=True)
class Anticipee:
    reponse: ReponseDialogue
    premier: bytes  # the first piece of audio, ready (synthesised, or from the cache)
    suite: AsyncGenerator[bytes, None]  # the rest of the first text, synthesised while the first piece plays

    async def fermer(self) -> None:
        await self.suite.aclose()


@dataclass
class CompteAnticipations:
    """Per-call figures for bench-voix."""

    lancees: int = 0
    utilisees: int = 0  # the real answer was the guess: it played at the end of speech
    dementies: int = 0  # the real answer differed: the guess was cut and the real one said
    abandonnees: int = 0  # the caller went on, or the final words differed: nothing said


def _fermer_resultat(tache: asyncio.Task[Anticipee | None]) -> None:
    """A guess dropped after it was ready: its synthesis generator is closed (its look-ahead cancelled)."""
    if not tache.cancelled() and tache.exception() is None and (anticipee := tache.result()) is not None:
        asyncio.ensure_future(anticipee.fermer())


class Anticipations:
    """At most one speculative turn per call at a time."""

    def __init__(self, dialogue: DialogueRasa, voix: VoixPiper, appel: str) -> None:
        self.dialogue, self.voix, self.appel = dialogue, voix, appel
        self.compte = CompteAnticipations()
        self._texte: str | None = None
        self._tache: asyncio.Task[Anticipee | None] | None = None

    def lancer(self, texte: str) -> None:
        cle = normaliser(texte)
        if not cle or cle == self._texte:
            return
        self.abandonner()
        self._texte = cle
        self._tache = asyncio.ensure_future(self._preparer(texte))
        self.compte.lancees += 1

    def abandonner(self) -> None:
        if self._tache is not None:
            self._tache.cancel()
            self._tache.add_done_callback(_fermer_resultat)
            self.compte.abandonnees += 1
        self._tache, self._texte = None, None

    async def reprendre(self, texte: str) -> Anticipee | None:
        """The guess made for these very words (waiting for it if it is still being made), or None."""
        tache, cle = self._tache, self._texte
        self._tache, self._texte = None, None
        if tache is None:
            return None
        if cle != normaliser(texte):
            tache.cancel()
            tache.add_done_callback(_fermer_resultat)
            self.compte.abandonnees += 1
            return None
        await asyncio.wait({tache})  # the call's own cancellation still propagates
        if tache.cancelled():
            return None
        if tache.exception() is not None:
            logger.warning("call %s: speculative turn failed (%s)", self.appel[:8], type(tache.exception()).__name__)
            return None
        return tache.result()

    async def _preparer(self, texte: str) -> Anticipee | None:
        reponse = await self.dialogue.anticiper(self.appel, texte)
        if reponse is None or not reponse.textes:
            return None
        suite = self.voix.flux(reponse.textes[0])
        try:
            premier = await suite.__anext__()
        except StopAsyncIteration:
            return None
        except BaseException:
            await suite.aclose()
            raise
        return Anticipee(reponse, premier, suite)

    async def fermer(self) -> None:
        tache = self._tache
        self.abandonner()
        if tache is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await tache
