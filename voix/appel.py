"""One phone call, whatever the telephony side: greeting, turns with Rasa, speech
out with barge-in, keypad digits, silence reprompts, time limit, transfer (to the
agents when the dialogue escalates, to the fallback target when it cannot be reached).

The transport (AudioSocket, WebSocket media stream, SIP) implements `Ligne`
and pushes `EvenementLigne`s into the call's queue; engines are shared (one
Vosk model, one Piper voice) and per-call state stays here.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import re
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from configuration.nombres_francais import lire_chiffres
from configuration.numero_dossier import FORME_PAR_DEFAUT, FormeNumero, chiffres_entendus
from configuration.preuves_identite import MASQUE, SLOTS_PREUVE
from voix.activite_vocale import DUREE_TRAME_MS, DetecteurParole, Evenement, ReglagesParole
from voix.anticipation import Anticipations, Anticipee, CompteAnticipations
from voix.dialogue_rasa import DialogueRasa, ReponseDialogue
from voix.erreurs import DialogueIndisponible
from voix.grammaires import SLOTS_CHIFFRES, grammaire_pour, texte_touches
from voix.reconnaissance import ModeleVosk, Reconnaisseur
from voix.synthese import VoixPiper
from voix.transferts import DemandeTransfert, Locuteur, MotifTransfert, Replique, Transferts
from voix.valeur_complete import valeur_complete

logger = logging.getLogger(__name__)
REPETER = re.compile(r"\b(r[ée]p[ée]t\w*|redi(?:re|tes)|pas (?:bien )?(?:compris|entendu))\b", re.IGNORECASE)
OUI = re.compile(r"\b(oui|ouais|exact|exactement|c'est (?:bien )?(?:ça|ca)|d'accord|correct)\b", re.IGNORECASE)
NON = re.compile(r"\b(non|pas (?:ça|ca|le bon)|erreur|faux|corriger)\b", re.IGNORECASE)
SLOT_RAPPEL = "telephone_rappel"  # the callback number: read back in pairs and confirmed before it is sent


class Ligne(Protocol):
    async def jouer(self, pcm: bytes) -> None:
        """Queue 8 kHz 16-bit PCM for the caller."""

    async def vider(self) -> None:
        """Drop what is queued (barge-in)."""

    def en_lecture(self) -> bool:
        """Whether the caller is still hearing queued audio."""

    async def raccrocher(self) -> None: ...

    async def transferer(self, demande: DemandeTransfert) -> None:
        """Hand the call over (the transport's own way, to the target of the demand's reason), then end this side."""


class GenreEvenement(str, Enum):
    """What a line reports to the call: caller audio, a key pressed, the end of the line."""

    AUDIO = "audio"
    DTMF = "dtmf"
    FIN = "fin"


@dataclass(frozen=True)
class EvenementLigne:
    genre: GenreEvenement
    pcm: bytes = b""
    touche: str = ""


@dataclass(frozen=True)
class ReglagesAppel:
    silence_s: float = 6.0  # reprompt after this long without speech or key
    silences_max: int = 3  # polite hang-up at the third
    duree_max_s: float = 900.0
    parole: ReglagesParole = ReglagesParole()  # when the caller speaks: barge-in, end of the turn (voix/activite_vocale.py)
    premier_message: str = "/saluer"
    repliques_transfert: int = 40  # the last lines of the transcript handed over with a fallback transfer
    forme_numero: FormeNumero = FORME_PAR_DEFAUT  # the case numbers' digits (GUICHET_NUMERO_DOSSIER_CHIFFRES / GUICHET_SUIVI)
    anticipation_ms: int = 160  # pause after which the answer is prepared speculatively (voix/anticipation.py); 0: never

    def __post_init__(self) -> None:
        if self.anticipation_ms and not DUREE_TRAME_MS <= self.anticipation_ms < self.parole.fin_parole_ms:
            raise ValueError(f"anticipation_ms must be 0 or from {DUREE_TRAME_MS} ms to under fin_parole_ms "
                             f"({self.parole.fin_parole_ms} ms), got {self.anticipation_ms}")


@dataclass
class Mesures:
    """Per-call figures for bench-voix."""

    reponses_ms: list[float] = field(default_factory=list)  # end of caller speech -> first audio byte
    barge_in_ms: list[float] = field(default_factory=list)  # speech onset during playback -> playback cleared
    fins_anticipees: int = 0  # turns ended as soon as the answer was complete (voix/valeur_complete.py)
    anticipations: CompteAnticipations = field(default_factory=CompteAnticipations)  # speculative turns


class Appel:
    def __init__(self, ident: str, ligne: Ligne, dialogue: DialogueRasa, vosk: ModeleVosk, voix: VoixPiper,
                 invites: dict[str, str], reglages: ReglagesAppel = ReglagesAppel(), numero_appelant: str | None = None,
                 transferts: Transferts | None = None) -> None:
        self.ident, self.ligne, self.dialogue, self.vosk, self.voix = ident, ligne, dialogue, vosk, voix
        self.invites, self.reglages, self.numero_appelant = invites, reglages, numero_appelant
        self.transferts = transferts if transferts is not None else Transferts()
        self.transcription: list[Replique] = []  # what was said, proofs of identity masked
        self.evenements: asyncio.Queue[EvenementLigne] = asyncio.Queue()  # the gateway gives a bounded one (voix/limites.py)
        self.mesures = Mesures()
        self._slot: str | None = None
        self._choix: list[str] = []  # what keys 1, 2, 3… choose after the last answer (its buttons)
        self._reconnaisseur: Reconnaisseur = vosk.reconnaisseur()
        self._parole: asyncio.Task[None] | None = None
        self._derniers_textes: list[str] = []
        self._touches = ""
        self._saisie = False  # "*" was pressed: the digits that follow are a number, not a choice
        self._detecteur = DetecteurParole(reglages.parole)
        self._arrivees: collections.deque[float] = collections.deque(maxlen=500)  # when the last frames came
        self._parole_entendue = False  # speech began and its turn is not closed yet
        self._partiel = ""  # the recogniser's last partial result
        self._a_confirmer: str | None = None  # a callback number read back, waiting for the caller's yes or no
        self._debut_calme = 0.0
        self._anticipations = Anticipations(dialogue, voix, ident)
        self.mesures.anticipations = self._anticipations.compte
        self._trames_anticipation = reglages.anticipation_ms // DUREE_TRAME_MS
        self.termine = False
        self.transfere: str | None = None

    # -- speaking ---------------------------------------------------------------------
    async def _dire(self, textes: list[str], fin_parole: float | None) -> None:
        premier = True
        for texte in textes:
            async for pcm in self.voix.flux(texte):
                if premier and fin_parole is not None:
                    self.mesures.reponses_ms.append((time.monotonic() - fin_parole) * 1000)
                premier = False
                await self.ligne.jouer(pcm)

    async def _dire_anticipe(self, anticipee: Anticipee, fin_parole: float, premier_son: list[int]) -> None:
        try:
            premier_son.append(len(self.mesures.reponses_ms))  # measured like any answer; taken back if the guess was wrong
            self.mesures.reponses_ms.append((time.monotonic() - fin_parole) * 1000)
            await self.ligne.jouer(anticipee.premier)
            async for pcm in anticipee.suite:
                await self.ligne.jouer(pcm)
        finally:
            await anticipee.fermer()
        await self._dire(anticipee.reponse.textes[1:], None)

    def parler(self, textes: list[str], fin_parole: float | None = None, memoriser: bool = True) -> asyncio.Task[None]:
        if memoriser:
            self._derniers_textes = list(textes)
        self._parole = asyncio.ensure_future(self._dire(textes, fin_parole))
        return self._parole

    def _parle(self) -> bool:
        return (self._parole is not None and not self._parole.done()) or self.ligne.en_lecture()

    async def _attendre_fin_parole(self) -> None:
        if self._parole is not None:
            await asyncio.shield(self._parole)
        while self.ligne.en_lecture():
            await asyncio.sleep(0.02)

    async def _interrompre(self) -> None:
        if self._parole is not None and not self._parole.done():
            self._parole.cancel()
        await self.ligne.vider()

    # -- dialogue ------------------------------------------------------------------------
    def _noter(self, qui: Locuteur, texte: str) -> None:
        self.transcription.append(Replique(qui, texte))
        del self.transcription[:-self.reglages.repliques_transfert]

    async def _tour(self, texte: str, fin_parole: float | None = None, transcrit: str | None = None,
                    anticipee: Anticipee | None = None, **metadata: object) -> None:
        """One turn with the dialogue; `transcrit` is how the caller's input reads in the transcript (keys);
        `anticipee`: the answer guessed for these words, played while the real turn is sent."""
        if self.numero_appelant:
            metadata.setdefault("numero_appelant", self.numero_appelant)
        if not metadata.get("declencheur"):
            self._noter(Locuteur.APPELANT, MASQUE if self._slot in SLOTS_PREUVE else transcrit or texte)
        premier_son: list[int] = []
        if anticipee is not None and fin_parole is not None:
            self._parole = asyncio.ensure_future(self._dire_anticipe(anticipee, fin_parole, premier_son))
        try:
            reponse = await self.dialogue.dire(self.ident, texte, **metadata)
        except DialogueIndisponible as exc:  # never leave the caller alone: an agent (or the PBX's fallback) takes it
            if anticipee is not None:
                await self._interrompre()
            logger.error("call %s: dialogue unavailable (%s); fallback transfer", self.ident[:8], exc)
            await self._transferer(DemandeTransfert(MotifTransfert.SECOURS, transcription=tuple(self.transcription)),
                                   [self.invites["utter_voix_transfert_secours"]])
            return
        self._appliquer(reponse)
        for ligne in reponse.textes:
            self._noter(Locuteur.ASSISTANT, ligne)
        if anticipee is not None and fin_parole is not None:
            if reponse.textes == anticipee.reponse.textes and not reponse.en_pause:
                self._anticipations.compte.utilisees += 1
                self._derniers_textes = list(reponse.textes)
                return
            self._anticipations.compte.dementies += 1  # the guess was wrong: cut it, say the real answer
            await self._interrompre()
            if premier_son:
                del self.mesures.reponses_ms[premier_son[0]]
        if reponse.en_pause:  # escalated: the answer says the reference, then the transfer
            await self._transferer(DemandeTransfert(MotifTransfert.ESCALADE, reponse.reference or ""), reponse.textes,
                                   fin_parole)
            return
        self.parler(reponse.textes, fin_parole)

    async def _transferer(self, demande: DemandeTransfert, textes: list[str], fin_parole: float | None = None) -> None:
        await self.parler(textes, fin_parole, memoriser=False)
        await self._attendre_fin_parole()
        self.transferts.enregistrer(self.ident, demande)  # before the leg ends: the PBX reads it right after
        self.transfere = demande.reference
        await self.ligne.transferer(demande)
        self.termine = True

    def _appliquer(self, reponse: ReponseDialogue) -> None:
        self._choix = list(reponse.choix)
        if not self._touches:
            self._saisie = False  # a "*" left without digits does not outlive the question it was pressed on
        self._a_confirmer = None  # a new question: whatever waited for a yes is forgotten
        if reponse.slot != self._slot:
            self._slot = reponse.slot
            self._reconnaisseur = self.vosk.reconnaisseur(grammaire_pour(reponse.slot))
            self._touches = ""

    def _relire(self, chiffres: str, fin_parole: float | None) -> None:
        """Read a callback number back in pairs and wait for yes or no (the number stays on the gateway until then)."""
        self._a_confirmer = chiffres
        question = self.invites["utter_voix_confirmer_numero"].replace("{numero_voix}", lire_chiffres(chiffres))
        self.parler([question], fin_parole, memoriser=False)

    async def _confirmer(self, oui: bool, fin_parole: float) -> None:
        chiffres, self._a_confirmer = self._a_confirmer or "", None
        if oui:
            await self._tour(chiffres, fin_parole, transcrit=f"(numéro confirmé) {chiffres}")
        else:
            self.parler(self._derniers_textes, fin_parole)  # the number question again

    async def _entendu(self, texte: str, fin_parole: float) -> None:
        texte = texte.strip()
        if not texte or REPETER.search(texte) or self._slot == SLOT_RAPPEL:
            self._anticipations.abandonner()
        if not texte:
            return
        if REPETER.search(texte):
            self.parler(self._derniers_textes, fin_parole)
            return
        if self._slot == SLOT_RAPPEL:
            if self._a_confirmer is not None and (OUI.search(texte) or NON.search(texte)):
                await self._confirmer(bool(OUI.search(texte)) and not NON.search(texte), fin_parole)
                return
            chiffres = chiffres_entendus(texte)
            if len(chiffres) == 10:
                self._relire(chiffres, fin_parole)
                return
            if self._a_confirmer is not None:
                self._relire(self._a_confirmer, fin_parole)  # neither yes nor no: the question again
                return
        await self._tour(texte, fin_parole, anticipee=await self._anticipations.reprendre(texte))

    async def _touche(self, touche: str) -> None:
        self._anticipations.abandonner()
        await self._interrompre()
        if self._a_confirmer is not None and not self._touches and touche in "12":
            await self._confirmer(touche == "1", time.monotonic())
            return
        if touche == "#":
            chiffres, self._touches, self._saisie = self._touches, "", False
            if chiffres and self._slot == SLOT_RAPPEL:
                self._relire(chiffres, time.monotonic())
                return
            if chiffres:
                await self._tour(texte_touches(self._slot, chiffres, self.reglages.forme_numero), time.monotonic(),
                                 transcrit=f"(clavier) {chiffres}")
            return
        if touche == "0" and not self._touches and self._slot not in SLOTS_CHIFFRES:
            await self._tour("/parler_conseiller", time.monotonic(), declencheur=True)
            return
        if touche.isdigit() and self._choix and not self._touches and not self._saisie and self._slot not in SLOTS_CHIFFRES:
            rang = int(touche) - 1
            if rang < len(self._choix):  # the answer offered choices ("tapez 1 pour…"): one key is enough
                await self._tour(self._choix[rang], time.monotonic(), transcrit=f"(touche {touche})")
            else:
                self.parler(self._derniers_textes, time.monotonic())  # no such choice: say them again
            return
        if touche.isdigit():
            self._touches += touche
        elif touche == "*":
            self._touches, self._saisie = "", True  # start the number again

    async def _audio(self, pcm: bytes) -> None:
        maintenant = time.monotonic()
        self._arrivees.append(maintenant)
        evenement = self._detecteur.trame(pcm)
        if self._detecteur.calme == 1:
            self._debut_calme = maintenant
        if evenement is Evenement.DEBUT:
            self._anticipations.abandonner()  # the caller goes on: the guess is for words that are not the last
            self._parole_entendue = True
            if self._parle():  # barge-in: speech (not a cough, a click, a breath) stops the bot
                await self._interrompre()
                debut = self._arrivees[-min(self._detecteur.course, len(self._arrivees))]
                self.mesures.barge_in_ms.append((time.monotonic() - debut) * 1000)
        resultat = await self._reconnaisseur.accepter(pcm)
        partiel, self._partiel = self._partiel, (resultat.texte if resultat is not None and not resultat.final else "")
        if resultat is not None and resultat.final:
            self._parole_entendue = False
            if resultat.texte.strip():
                await self._entendu(resultat.texte, maintenant)
        elif self._partiel and self._partiel == partiel and valeur_complete(self._slot, self._partiel, self.reglages.forme_numero):
            # the answer is complete and stable (8 digits, a full date…): end the turn now, not 400 ms later
            self._parole_entendue, self._partiel = False, ""
            self.mesures.fins_anticipees += 1
            final = await self._reconnaisseur.finir()
            await self._entendu(final.texte or partiel, maintenant)
        elif evenement is Evenement.FIN and self._parole_entendue:
            self._parole_entendue = False  # our own endpoint: the caller has stopped speaking
            final = await self._reconnaisseur.finir()
            await self._entendu(final.texte, self._debut_calme)
        elif (self._parole_entendue and self._trames_anticipation and self._detecteur.calme == self._trames_anticipation
              and self._partiel and self._slot is None and self._a_confirmer is None and not REPETER.search(self._partiel)):
            self._anticipations.lancer(self._partiel)  # a pause: prepare the answer to what was heard, commit nothing

    # -- the call ------------------------------------------------------------------------
    async def derouler(self) -> None:
        debut = time.monotonic()
        silences = 0
        try:
            await self._tour(self.reglages.premier_message, declencheur=True)
            while not self.termine:
                if time.monotonic() - debut > self.reglages.duree_max_s:
                    await self._fin(self.invites["utter_fin_duree_max"])
                    return
                attente = self.reglages.silence_s
                try:
                    evenement = await asyncio.wait_for(self.evenements.get(), timeout=attente)
                except asyncio.TimeoutError:
                    if self._parle():
                        continue  # the caller is listening, not silent
                    resultat = await self._reconnaisseur.finir()  # speech cut without Vosk's endpoint
                    if resultat.texte.strip():
                        silences = 0
                        await self._entendu(resultat.texte, time.monotonic())
                        continue
                    silences += 1
                    if silences >= self.reglages.silences_max:
                        await self._fin(self.invites["utter_fin_silence"])
                        return
                    self.parler([self.invites["utter_relance_silence"], *self._derniers_textes[-1:]], memoriser=False)
                    continue
                if evenement.genre is GenreEvenement.FIN:
                    return
                if evenement.genre is GenreEvenement.DTMF:
                    silences = 0
                    await self._touche(evenement.touche)
                elif evenement.genre is GenreEvenement.AUDIO:
                    await self._audio(evenement.pcm)
                    if self._detecteur.en_parole:
                        silences = 0
        finally:
            self.termine = True
            self._anticipations.abandonner()
            if self._parole is not None and not self._parole.done():
                self._parole.cancel()

    async def _fin(self, texte: str) -> None:
        await self.parler([texte], memoriser=False)
        await self._attendre_fin_parole()
        await self.ligne.raccrocher()
        self.termine = True
