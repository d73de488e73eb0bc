"""Take-over orchestration on the real embedded store, with a recording stand-in for Rasa's API."""

import datetime as dt

import pytest

from connecteurs.grc_embarquee.grc import ConfigGrcEmbarquee, GrcEmbarquee
from connecteurs.modeles import ContexteConversation, CreneauRappel, DemandeRappel, EtatEscalade, TourConversation
from guichet.console.api_rasa import RasaIndisponible
from guichet.console.prise_en_charge import (
    INTENTION_FIN,
    INTENTION_RETOUR,
    ActionImpossible,
    PriseEnCharge,
    nettoyer_message,
    transcription,
    vue,
)


class RasaEnregistreur:
    """Implements the methods of guichet.console.api_rasa.ApiRasa; records the calls."""

    def __init__(self, en_panne: bool = False) -> None:
        self.appels: list[tuple] = []
        self.en_panne = en_panne

    async def tracker(self, sender_id):
        if self.en_panne:
            raise RasaIndisponible("GET conversations: ClientConnectorError")
        return {"events": [], "slots": {}, "paused": True}

    async def ajouter(self, sender_id, evenements):
        if self.en_panne:
            raise RasaIndisponible("POST conversations: HTTP 500")
        self.appels.append(("ajouter", sender_id, evenements))

    async def declencher(self, sender_id, intention):
        self.appels.append(("declencher", sender_id, intention))


@pytest.fixture
async def grc(tmp_path):
    return await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(f"sqlite:///{tmp_path / 'grc.sqlite3'}", semer_donnees_demo=False))


def contexte(canal="socketio"):
    return ContexteConversation("citoyen-1", canal, (TourConversation("usager", "un humain", 1.0, "parler_conseiller", 0.93),),
                                ({"intention": "parler_conseiller", "confiance": 0.93},), {"numero_dossier": "24578301"}, None)


async def test_take_reply_hand_back_sends_the_right_events(grc):
    rasa = RasaEnregistreur()
    prise = PriseEnCharge(grc, rasa)
    reference = (await grc.creer_escalade(contexte())).reference
    with pytest.raises(ActionImpossible, match="Prenez d'abord"):
        await prise.repondre(reference, "camille", "bonjour")
    await prise.prendre(reference, "camille")
    await prise.repondre(reference, "camille", "  Bonjour,\x00 je regarde   votre dossier.\n\nUn instant. ")
    await prise.rendre(reference, "camille")
    (_, s1, [rejoint]), (_, _, [message]), (_, _, [parti, reprise]), (_, _, intention) = rasa.appels
    assert s1 == "citoyen-1" and rejoint["data"]["custom"] == {"data": {"guichet": {"evenement": "conseiller_rejoint"}}}
    assert message["text"] == "Bonjour, je regarde votre dossier.\n\nUn instant."
    assert message["metadata"] == {"auteur": "conseiller", "conseiller": "camille"}
    assert parti["data"]["custom"]["data"]["guichet"]["evenement"] == "conseiller_parti" and reprise == {"event": "resume"}
    assert intention == INTENTION_RETOUR
    assert (await grc.lire_escalade(reference)).etat == EtatEscalade.RENDUE
    with pytest.raises(ActionImpossible):
        await prise.clore(reference, "camille")


async def test_close_resets_satisfaction_and_asks_it(grc):
    rasa = RasaEnregistreur()
    prise = PriseEnCharge(grc, rasa)
    reference = (await grc.creer_escalade(contexte())).reference
    await prise.prendre(reference, "camille")
    await prise.clore(reference, "camille")
    evenements = rasa.appels[1][2]
    assert {"event": "slot", "name": "note_satisfaction", "value": None} in evenements
    assert rasa.appels[-1] == ("declencher", "citoyen-1", INTENTION_FIN)


async def test_phone_and_callbacks_are_taken_without_messages(grc):
    rasa = RasaEnregistreur()
    prise = PriseEnCharge(grc, rasa)
    appel = (await grc.creer_escalade(contexte("voix"))).reference
    rappel = (await grc.creer_rappel(DemandeRappel(CreneauRappel.MATIN, "0612345678", contexte()))).reference
    for reference in (appel, rappel):
        await prise.prendre(reference, "camille")
        with pytest.raises(ActionImpossible, match="ne permet pas"):
            await prise.repondre(reference, "camille", "bonjour")
        await prise.clore(reference, "camille")
    assert rasa.appels == []


@pytest.mark.parametrize("texte", ["", "   \x00\u200b ", "x" * 2001])
def test_empty_or_too_long_messages_are_refused(texte):
    with pytest.raises(ActionImpossible):
        nettoyer_message(texte)


def test_transcript_masks_identity_proofs_and_hides_console_triggers():
    evenements = [
        {"event": "user", "text": "/saluer", "timestamp": 0, "metadata": {"declencheur": True}},
        {"event": "user", "text": "où en est mon dossier", "timestamp": 1, "parse_data": {"intent": {"name": "suivre_dossier", "confidence": 0.9}}},
        {"event": "slot", "name": "requested_slot", "value": "date_naissance"},
        {"event": "bot", "text": "Votre date de naissance ?", "timestamp": 2},
        {"event": "user", "text": "12/03/1980", "timestamp": 3, "parse_data": {"intent": {"name": "faq", "confidence": 0.4}}},
        {"event": "slot", "name": "requested_slot", "value": None},
        {"event": "user", "text": "EXTERNAL: EXTERNAL_fin_conseiller", "timestamp": 4},
        {"event": "bot", "text": "Je regarde.", "timestamp": 5, "metadata": {"auteur": "conseiller"}},
        {"event": "bot", "text": None, "timestamp": 6, "data": {"custom": {}}},
    ]
    tours = transcription(evenements)
    assert [(t.auteur, t.texte) for t in tours] == [("usager", "où en est mon dossier"), ("bot", "Votre date de naissance ?"),
                                                     ("usager", "***"), ("conseiller", "Je regarde.")]


async def test_view_falls_back_to_the_recorded_context_and_shows_the_case_only_when_verified(grc):
    reference = (await grc.creer_escalade(contexte())).reference
    escalade = await grc.lire_escalade(reference)
    maintenant = escalade.cree_le + dt.timedelta(seconds=95)
    v = vue(escalade, None, maintenant)
    assert v["source"] == "enregistrement" and v["attente_s"] == 95 and v["bot_en_pause"] is None
    assert v["transcription"][0]["texte"] == "un humain" and v["intentions"][0]["confiance"] == 0.93
    tracker = {"events": [], "paused": True, "slots": {"dossier": {"etat": "en_instruction"}, "verification_identite": "refusee",
                                                       "date_naissance": "1980-03-12"}}
    v = vue(escalade, tracker, maintenant)
    assert v["dossier"] is None and "date_naissance" not in v["slots"]
    tracker["slots"]["verification_identite"] = "confirmee"
    assert vue(escalade, tracker, maintenant)["dossier"] == {"etat": "en_instruction"}


async def test_rasa_down_during_take_over_is_reported(grc):
    prise = PriseEnCharge(grc, RasaEnregistreur(en_panne=True))
    reference = (await grc.creer_escalade(contexte())).reference
    with pytest.raises(RasaIndisponible):
        await prise.prendre(reference, "camille")


def test_agents_read_french_labels_and_never_the_dialogue_s_bookkeeping(tmp_path):
    import datetime as dt

    from connecteurs.modeles import EscaladeEnFile, EtatEscalade, TypeEscalade
    from guichet.console.prise_en_charge import vue

    maintenant = dt.datetime(2026, 12, 2, 10, tzinfo=dt.timezone.utc)
    escalade = EscaladeEnFile("24578301", TypeEscalade.CONVERSATION, EtatEscalade.EN_ATTENTE, "citoyen-1", "socketio",
                              maintenant, {})
    tracker = {"events": [{"event": "user", "text": "je veux un conseiller", "timestamp": 1,
                           "parse_data": {"intent": {"name": "parler_conseiller", "confidence": 0.97}}}],
               "slots": {"numero_dossier": "24578301", "proposer_rappel": False, "reference_escalade": "24578301",
                         "identite_verifiee": False, "categorie_signalement": "voirie", "requested_slot": None}}
    v = vue(escalade, tracker, maintenant, {"parler_conseiller": "Parler à un conseiller"})
    assert v["intentions"] == [{"intention": "parler_conseiller", "libelle": "Parler à un conseiller", "confiance": 0.97}]
    assert v["slots"] == {"Numéro de dossier": "24578301", "Catégorie du signalement": "voirie"}
