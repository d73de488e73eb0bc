"""The call logic with the real engines (packaged models), a recording line and a scripted
stand-in for the gateway's dialogue client (the Rasa side is tested end to end elsewhere)."""

import asyncio

import pytest

from tests.voix.modeles_test import NOM_PIPER, NOM_VOSK, PIPER_JOE, VOSK_KO
from voix.appel import Appel, EvenementLigne, GenreEvenement, ReglagesAppel
from voix.dialogue_rasa import ReponseDialogue
from voix.erreurs import DialogueIndisponible
from voix.reconnaissance import ModeleVosk
from voix.synthese import VoixPiper
from voix.transferts import CiblesTransfert, MotifTransfert, Transferts

INVITES = {"utter_relance_silence": "I cannot hear you.", "utter_fin_silence": "Goodbye, no sound.",
           "utter_fin_duree_max": "Time is up, goodbye.", "utter_voix_transfert_secours": "The assistant is down, an agent takes over.",
           "utter_voix_confirmer_numero": "I noted {numero_voix}. Right?"}


class LigneMemoire:
    def __init__(self) -> None:
        self.audio, self.vidages, self.raccroche, self.transfert = [], 0, False, None

    async def jouer(self, pcm):
        self.audio.append(pcm)

    async def vider(self):
        self.vidages += 1

    def en_lecture(self):
        return False

    async def raccrocher(self):
        self.raccroche = True

    async def transferer(self, demande):
        self.transfert = demande


class DialogueScenarise:
    """Same methods as voix.dialogue_rasa.DialogueRasa; answers from a script, records what it was sent."""

    def __init__(self, reponses=None, panne=False, panne_apres=None) -> None:
        self.recus, self.reponses, self.panne, self.panne_apres = [], list(reponses or []), panne, panne_apres

    async def dire(self, appel, texte, **metadata):
        self.recus.append((texte, metadata))
        if self.panne or (self.panne_apres is not None and len(self.recus) > self.panne_apres):
            raise DialogueIndisponible("voix webhook: ClientConnectorError")
        return self.reponses.pop(0) if self.reponses else ReponseDialogue(["Okay."])


@pytest.fixture(scope="module")
def moteurs():
    return ModeleVosk(VOSK_KO, NOM_VOSK), VoixPiper(PIPER_JOE, NOM_PIPER)


def appel(moteurs, dialogue, **reglages):
    vosk, voix = moteurs
    ligne = LigneMemoire()
    return Appel("appel-test", ligne, dialogue, vosk, voix, INVITES, ReglagesAppel(**reglages), "0612345678"), ligne


async def test_rasa_down_from_the_start_the_caller_is_told_and_transferred_to_the_fallback(moteurs):
    a, ligne = appel(moteurs, DialogueScenarise(panne=True))
    await asyncio.wait_for(a.derouler(), 30)
    assert ligne.audio and a.termine and not ligne.raccroche  # the caller is not hung up on: handed over
    assert ligne.transfert.motif is MotifTransfert.SECOURS and ligne.transfert.reference == ""
    enregistre = a.transferts.lire("appel-test")
    assert enregistre is not None and enregistre.cible == "conseillers" and enregistre.demande == ligne.transfert


async def test_rasa_lost_mid_call_hands_over_what_was_said_with_the_proofs_masked(moteurs):
    dialogue = DialogueScenarise([ReponseDialogue(["Hello."]), ReponseDialogue(["Your birth date?"], slot="date_naissance")],
                                 panne_apres=2)
    vosk, voix = moteurs
    ligne = LigneMemoire()
    transferts = Transferts(CiblesTransfert(conseillers="conseillers", secours="standard"))
    a = Appel("appel-test", ligne, dialogue, vosk, voix, INVITES, ReglagesAppel(silence_s=5), "0612345678", transferts)
    tache = asyncio.ensure_future(a.derouler())
    for touche in "24578301#":
        a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche=touche))
    await asyncio.sleep(0.3)
    for touche in "12031985#":  # Rasa is gone when the birth date arrives
        a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche=touche))
    await asyncio.wait_for(tache, 30)
    assert ligne.transfert.motif is MotifTransfert.SECOURS and not ligne.raccroche
    transfert = transferts.lire("appel-test")
    assert transfert is not None and transfert.cible == "standard"
    assert transfert.en_json()["transcription"] == [
        {"qui": "assistant", "texte": "Hello."},
        {"qui": "appelant", "texte": "(clavier) 24578301"},
        {"qui": "assistant", "texte": "Your birth date?"},
        {"qui": "appelant", "texte": "***"},  # the identity proof never leaves in clear
    ]
    assert "1985" not in str(transfert.en_json())


async def test_time_limit_says_goodbye_and_hangs_up(moteurs):
    a, ligne = appel(moteurs, DialogueScenarise([ReponseDialogue(["Hello."])]), duree_max_s=0.3, silence_s=0.1)
    await asyncio.wait_for(a.derouler(), 30)
    assert ligne.raccroche and a.mesures is not None


async def test_three_silences_then_goodbye(moteurs):
    dialogue = DialogueScenarise([ReponseDialogue(["Hello."])])
    a, ligne = appel(moteurs, dialogue, silence_s=0.2, silences_max=3)
    await asyncio.wait_for(a.derouler(), 30)
    assert ligne.raccroche and len(dialogue.recus) == 1  # only the greeting went to the dialogue


async def test_keypad_digits_follow_the_requested_slot_and_0_asks_for_an_agent(moteurs):
    dialogue = DialogueScenarise([ReponseDialogue(["Hello."]), ReponseDialogue(["Your birth date?"], slot="date_naissance"),
                                  ReponseDialogue(["Thanks."]), ReponseDialogue(["Transferring."], en_pause=True, reference="24578301")])
    a, ligne = appel(moteurs, dialogue, silence_s=5)
    tache = asyncio.ensure_future(a.derouler())
    for touche in "24578301#":
        a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche=touche))
    await asyncio.sleep(0.5)
    assert a._reconnaisseur.grammaire  # restricted while a date is expected
    for touche in "1*12031985#":  # * starts again
        a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche=touche))
    await asyncio.sleep(0.5)
    a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche="0"))
    await asyncio.wait_for(tache, 30)
    textes = [t for t, _ in dialogue.recus]
    assert textes == ["/saluer", '/suivre_dossier{"numero_dossier": "24578301"}', "12/03/1985", "/parler_conseiller"]
    assert dialogue.recus[-1][1] == {"declencheur": True, "numero_appelant": "0612345678"}
    assert ligne.transfert.reference == "24578301" and a.transfere == "24578301"
    assert ligne.transfert.motif is MotifTransfert.ESCALADE and a.transferts.lire("appel-test").cible == "conseillers"


async def test_repeat_request_replays_without_asking_the_dialogue(moteurs):
    dialogue = DialogueScenarise([ReponseDialogue(["The town hall opens at nine."])])
    a, ligne = appel(moteurs, dialogue)
    a._derniers_textes = ["The town hall opens at nine."]
    await a._entendu("pardon, pouvez-vous répéter ?", 0.0)
    await a._parole
    assert dialogue.recus == [] and ligne.audio


async def test_keys_choose_among_the_answer_s_choices_and_star_types_a_number_instead(moteurs):
    dialogue = DialogueScenarise([ReponseDialogue(["Hello."]),
                                  ReponseDialogue(["Morning, press one; afternoon, two."], choix=["matin", "après-midi"]),
                                  ReponseDialogue(["Yes, one; no, two."], choix=["/affirmer", "/nier"]),
                                  ReponseDialogue(["Okay."])])
    a, ligne = appel(moteurs, dialogue, silence_s=5)
    tache = asyncio.ensure_future(a.derouler())
    a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche="#"))  # nothing typed: nothing sent
    a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche="9"))  # no choices yet: a digit of a number
    a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche="#"))
    await asyncio.sleep(0.5)
    a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche="3"))  # only two choices: said again
    await asyncio.sleep(0.5)
    assert [t for t, _ in dialogue.recus] == ["/saluer", "9"]
    a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche="2"))  # one key is enough
    await asyncio.sleep(0.5)
    for touche in "*12#":  # * first: the caller types a number even though choices are offered
        a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche=touche))
    await asyncio.sleep(0.5)
    a.evenements.put_nowait(EvenementLigne(GenreEvenement.FIN))
    await asyncio.wait_for(tache, 30)
    assert [t for t, _ in dialogue.recus] == ["/saluer", "9", "après-midi", "12"]


async def test_a_star_without_digits_does_not_outlive_its_question(moteurs):
    dialogue = DialogueScenarise([ReponseDialogue(["Hello."]), ReponseDialogue(["One or two?"], choix=["/un", "/deux"]),
                                  ReponseDialogue(["Agent or not? One or two."], choix=["/affirmer", "/nier"]), ReponseDialogue(["Okay."])])
    a, ligne = appel(moteurs, dialogue, silence_s=5)
    tache = asyncio.ensure_future(a.derouler())
    for touche in "9#*0":  # "*" then the agent key: a new question comes
        a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche=touche))
    await asyncio.sleep(0.5)
    a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche="1"))  # a choice of the new question, not a digit
    await asyncio.sleep(0.5)
    a.evenements.put_nowait(EvenementLigne(GenreEvenement.FIN))
    await asyncio.wait_for(tache, 30)
    assert [t for t, _ in dialogue.recus] == ["/saluer", "9", "/parler_conseiller", "/affirmer"]


class LigneEnLecture(LigneMemoire):
    """The caller is hearing the bot until the playback is cleared."""

    def en_lecture(self):
        return self.vidages == 0


async def test_a_cough_or_a_breath_does_not_cut_the_bot_off_but_the_caller_s_speech_does(moteurs):
    from tests.voix.test_activite_vocale import SONS, pcm
    from voix.codec import trames

    vosk, voix = moteurs
    ligne = LigneEnLecture()
    a = Appel("appel-test", ligne, DialogueScenarise(), vosk, voix, INVITES, ReglagesAppel())
    for bruit in ("bruit-toux", "bruit-respiration", "bruit-porte", "bruit-clics"):
        for trame in trames(pcm(SONS / f"{bruit}.wav")):
            await a._audio(trame)
    assert ligne.vidages == 0 and a.mesures.barge_in_ms == []
    for trame in trames(pcm(SONS / "parole-6.wav"))[:30]:
        await a._audio(trame)
    assert ligne.vidages == 1 and len(a.mesures.barge_in_ms) == 1


class ReconnaisseurScenarise:
    """Vosk's partial results as a French model would give them while a case number is said."""

    def __init__(self, partiels):
        self.partiels, self.grammaire, self.finis = list(partiels), ["vingt"], 0

    async def accepter(self, pcm):
        from voix.reconnaissance import Resultat

        return Resultat(self.partiels.pop(0), False) if self.partiels else None

    async def finir(self):
        from voix.reconnaissance import Resultat

        self.finis += 1
        return Resultat("", True)


@pytest.mark.parametrize("dernier, anticipe", [("zéro un", True), ("zéro quatre", False)])
async def test_a_complete_case_number_ends_the_turn_at_once_unless_it_may_still_grow(moteurs, dernier, anticipe):
    from tests.voix.test_activite_vocale import SONS, pcm
    from voix.codec import trames

    dialogue = DialogueScenarise()
    a, _ = appel(moteurs, dialogue)
    a._slot = "numero_dossier"
    debut = "vingt quatre cinquante sept quatre vingt trois"
    a._reconnaisseur = ReconnaisseurScenarise([debut, f"{debut} zéro", f"{debut} {dernier}", f"{debut} {dernier}"])
    for trame in trames(pcm(SONS / "parole-2.wav"))[:10]:  # the caller is still speaking: no silence yet
        await a._audio(trame)
    if anticipe:
        assert a.mesures.fins_anticipees == 1 and [t for t, _ in dialogue.recus] == [f"{debut} zéro un"]
    else:  # « quatre » may become « quatre-vingt-… »: wait for the end of speech
        assert a.mesures.fins_anticipees == 0 and dialogue.recus == []


async def test_a_callback_number_is_read_back_in_pairs_and_sent_only_once_confirmed(moteurs):
    dialogue = DialogueScenarise([ReponseDialogue(["Your number?"], slot="telephone_rappel"), ReponseDialogue(["Noted."])])
    a, ligne = appel(moteurs, dialogue, silence_s=5)
    parles = []
    dire = a.parler

    def ecouter(textes, *args, **kwargs):
        parles.append(list(textes))
        return dire(textes, *args, **kwargs)

    a.parler = ecouter
    tache = asyncio.ensure_future(a.derouler())
    await asyncio.sleep(0.3)  # the greeting asks for the number
    for touche in "0698765432#":
        a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche=touche))
    await asyncio.sleep(0.3)
    assert parles[-1] == ["I noted zéro, six, quatre-vingt-dix-huit, soixante-seize, cinquante-quatre, trente-deux. Right?"]
    a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche="2"))  # no: the question again, nothing sent
    await asyncio.sleep(0.3)
    assert parles[-1] == ["Your number?"] and [t for t, _ in dialogue.recus][-1] != "0698765432"
    for touche in "0698765433#1":
        a.evenements.put_nowait(EvenementLigne(GenreEvenement.DTMF, touche=touche))
    await asyncio.sleep(0.5)
    a.evenements.put_nowait(EvenementLigne(GenreEvenement.FIN))
    await asyncio.wait_for(tache, 30)
    textes = [t for t, _ in dialogue.recus]
    assert textes[-1] == "0698765433" and "0698765432" not in textes  # only the confirmed number reached the dialogue


class DialogueAnticipant(DialogueScenarise):
    """Also answers the gateway's dry runs (serveur_rasa/anticipation.py), recording them."""

    def __init__(self, reponses=None, devine=None) -> None:
        super().__init__(reponses)
        self.devine, self.anticipes = devine, []

    async def anticiper(self, appel, texte, delai_s=2.0):
        self.anticipes.append(texte)
        await asyncio.sleep(0.02)  # a parse on the Rasa server
        return self.devine


class ReconnaisseurParle:
    """The recogniser's partial result frame by frame (the last one stays), its final the last partial."""

    def __init__(self, partiels):
        self.partiels, self.grammaire, self.rang = list(partiels), None, 0

    async def accepter(self, pcm):
        from voix.reconnaissance import Resultat

        texte = self.partiels[min(self.rang, len(self.partiels) - 1)]
        self.rang += 1
        return Resultat(texte, False)

    async def finir(self):
        from voix.reconnaissance import Resultat

        return Resultat(self.partiels[min(self.rang, len(self.partiels) - 1)], True)


async def parler_puis_se_taire(a, trames_parole, silence_ms):
    from tests.voix.test_activite_vocale import SONS, pcm
    from voix.codec import OCTETS_TRAME_PCM, trames

    for trame in trames(pcm(SONS / "parole-2.wav"))[:trames_parole]:
        await a._audio(trame)
    for _ in range(silence_ms // 20):
        await a._audio(b"\x00" * OCTETS_TRAME_PCM)
    if a._parole is not None:
        await a._parole


async def test_a_pause_prepares_the_answer_which_plays_at_the_end_of_speech_and_the_turn_is_committed_once(moteurs):
    devine = ReponseDialogue(["The town hall opens at nine."])
    dialogue = DialogueAnticipant([ReponseDialogue(["The town hall opens at nine."])], devine=devine)
    a, ligne = appel(moteurs, dialogue)
    a._reconnaisseur = ReconnaisseurParle(["horaires", "horaires de la mairie"])
    await parler_puis_se_taire(a, 40, 500)
    assert dialogue.anticipes == ["horaires de la mairie"]  # the dry run, at 160 ms of silence
    assert [t for t, _ in dialogue.recus] == ["horaires de la mairie"]  # the one real turn, at 400 ms
    compte = a.mesures.anticipations
    assert (compte.lancees, compte.utilisees, compte.dementies) == (1, 1, 0) and ligne.audio and ligne.vidages == 0
    assert a._derniers_textes == ["The town hall opens at nine."]  # « répétez » says it again
    assert len(a.mesures.reponses_ms) == 1


async def test_a_wrong_guess_is_cut_and_the_real_answer_said(moteurs):
    dialogue = DialogueAnticipant([ReponseDialogue(["Which case number?"], slot="numero_dossier")],
                                  devine=ReponseDialogue(["The town hall opens at nine."]))
    a, ligne = appel(moteurs, dialogue)
    dits = []
    parler = a.parler
    a.parler = lambda textes, *args, **kwargs: dits.append(list(textes)) or parler(textes, *args, **kwargs)
    a._reconnaisseur = ReconnaisseurParle(["où en est mon dossier"])
    await parler_puis_se_taire(a, 40, 500)
    compte = a.mesures.anticipations
    assert (compte.utilisees, compte.dementies) == (0, 1) and ligne.vidages >= 1
    assert dits == [["Which case number?"]] and a._slot == "numero_dossier"


async def test_when_the_caller_goes_on_the_guess_is_dropped_and_nothing_said_twice(moteurs):
    from voix.codec import OCTETS_TRAME_PCM

    reponse = ReponseDialogue(["Your case is being processed."])
    dialogue = DialogueAnticipant([reponse], devine=reponse)
    a, ligne = appel(moteurs, dialogue)
    # « mon dossier » … a pause of 200 ms (a guess is made) … « numéro vingt-quatre » … the end
    a._reconnaisseur = ReconnaisseurParle(["mon dossier"] * 50 + ["mon dossier numéro vingt quatre"])
    await parler_puis_se_taire(a, 40, 200)
    await asyncio.sleep(0.05)  # the dry run is on its way (Vosk's decoding lets it run in a real call)
    assert dialogue.anticipes == ["mon dossier"] and dialogue.recus == []
    await parler_puis_se_taire(a, 40, 500)
    assert dialogue.anticipes == ["mon dossier", "mon dossier numéro vingt quatre"]
    assert [t for t, _ in dialogue.recus] == ["mon dossier numéro vingt quatre"]
    compte = a.mesures.anticipations
    assert (compte.lancees, compte.abandonnees, compte.utilisees) == (2, 1, 1)
    assert OCTETS_TRAME_PCM and ligne.vidages == 0


async def test_no_guess_when_the_dialogue_cannot_tell_or_a_question_is_pending(moteurs):
    dialogue = DialogueAnticipant([ReponseDialogue(["Noted."])], devine=None)  # a form, an action: the dry run says no
    a, ligne = appel(moteurs, dialogue)
    a._reconnaisseur = ReconnaisseurParle(["je veux signaler un nid de poule"])
    await parler_puis_se_taire(a, 40, 500)
    assert dialogue.anticipes == ["je veux signaler un nid de poule"] and len(dialogue.recus) == 1
    assert a.mesures.anticipations.utilisees == 0 and ligne.audio
    sans = DialogueAnticipant([ReponseDialogue(["Thanks."])], devine=ReponseDialogue(["Thanks."]))
    b, _ = appel(moteurs, sans)
    b._slot = "date_naissance"  # a form question: its answer is validated by the action server, never guessed
    b._reconnaisseur = ReconnaisseurParle(["douze mars"])
    await parler_puis_se_taire(b, 40, 500)
    assert sans.anticipes == [] and len(sans.recus) == 1
    c, _ = appel(moteurs, DialogueAnticipant(devine=ReponseDialogue(["x"])), anticipation_ms=0)
    c._reconnaisseur = ReconnaisseurParle(["horaires"])
    await parler_puis_se_taire(c, 40, 500)
    assert c.mesures.anticipations.lancees == 0
