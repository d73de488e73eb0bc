from actions.escalade import ActionEnregistrerRappel, ActionEscalader, ValiderFormulaireRappel
from tests.actions.conftest import FERME, reponses, tracker
from tests.fakes.grc_en_panne import GrcEnPanne

CONVERSATION = [
    {"event": "user", "text": "où en est mon dossier", "timestamp": 1.0, "input_channel": "rest",
     "parse_data": {"intent": {"name": "suivre_dossier", "confidence": 0.93}}},
    {"event": "bot", "text": "Quel est le numéro de votre dossier ?", "timestamp": 2.0},
    {"event": "slot", "name": "requested_slot", "value": "date_naissance"},
    {"event": "user", "text": "12/03/1985", "timestamp": 3.0, "input_channel": "rest",
     "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.2}}},
    {"event": "slot", "name": "requested_slot", "value": None},
    {"event": "user", "text": "je veux un conseiller", "timestamp": 4.0, "input_channel": "rest",
     "parse_data": {"intent": {"name": "parler_conseiller", "confidence": 0.99}},
     "metadata": {}},
]
SLOTS = {"numero_dossier": "24578301", "date_naissance": "***", "verification_identite": "confirmee",
         "identite_verifiee": True, "dossier": {"etat": "en_instruction"}}


async def test_escalation_records_context_pauses_and_gives_a_reference(grc, installer_services, dispatcher, domaine):
    installer_services(grc)
    evenements = await ActionEscalader().run(dispatcher, tracker(SLOTS, evenements=CONVERSATION), domaine)
    assert [e["event"] for e in evenements[-2:]] == ["pause", "action"]
    reference = next(e["value"] for e in evenements if e.get("name") == "reference_escalade")
    [message] = dispatcher.messages
    assert message["response"] == "utter_escalade_en_cours" and message["reference"] == reference
    enregistre = await grc.lire_escalade(reference)
    contexte = enregistre.contexte
    assert contexte["canal"] == "rest" and contexte["sender_id"] == "citoyen-1"
    assert [t["texte"] for t in contexte["transcription"]] == [
        "où en est mon dossier", "Quel est le numéro de votre dossier ?", "***", "je veux un conseiller",
    ]
    assert contexte["intentions"][0] == {"intention": "suivre_dossier", "confiance": 0.93}
    assert contexte["verification_identite"] == "confirmee"
    assert contexte["slots"]["numero_dossier"] == "24578301"
    assert "date_naissance" not in contexte["slots"]
    assert "12/03/1985" not in str(enregistre)


async def test_outside_office_hours_a_callback_is_offered(grc, installer_services, horloge, dispatcher, domaine):
    installer_services(grc)
    horloge.instant = FERME
    evenements = await ActionEscalader().run(dispatcher, tracker(SLOTS, evenements=CONVERSATION), domaine)
    assert evenements == [{"event": "slot", "timestamp": None, "name": "proposer_rappel", "value": True}]
    assert dispatcher.messages == []


async def test_callback_request_is_stored_with_context(grc, installer_services, dispatcher, domaine):
    installer_services(grc)
    valider = ValiderFormulaireRappel()
    assert (await valider.validate_creneau_rappel("l'après-midi", dispatcher, tracker(), domaine)) == {"creneau_rappel": "apres_midi"}
    assert (await valider.validate_telephone_rappel("06 12 34 56 78", dispatcher, tracker(), domaine)) == {"telephone_rappel": "0612345678"}
    assert (await valider.validate_telephone_rappel("12", dispatcher, tracker(), domaine)) == {"telephone_rappel": None}
    slots = {**SLOTS, "creneau_rappel": "apres_midi", "telephone_rappel": "0612345678"}
    evenements = await ActionEnregistrerRappel().run(dispatcher, tracker(slots, evenements=CONVERSATION), domaine)
    reference = next(e["value"] for e in evenements if e.get("name") == "reference_escalade")
    enregistre = await grc.lire_escalade(reference)
    assert (enregistre.type.value, enregistre.creneau, enregistre.telephone) == ("rappel", "apres_midi", "0612345678")
    assert reponses(dispatcher)[-1] == "utter_rappel_enregistre"


async def test_escalation_back_end_down_still_answers(installer_services, dispatcher, domaine):
    installer_services(GrcEnPanne())
    evenements = await ActionEscalader().run(dispatcher, tracker(SLOTS, evenements=CONVERSATION), domaine)
    assert reponses(dispatcher) == ["utter_escalade_indisponible"]
    assert not any(e["event"] == "pause" for e in evenements)


async def test_escalations_and_callbacks_are_limited_per_source(grc, installer_services, dispatcher, domaine, tmp_path, horloge):
    """One address cannot fill the agents' queue: 5 escalations an hour, then a polite answer; other sources go on."""
    import datetime as dt

    from connecteurs.quotas import ConfigQuotas, QuotasDemandes

    quotas = QuotasDemandes(ConfigQuotas(f"sqlite:///{tmp_path / 'quotas.sqlite3'}"), horloge)
    installer_services(grc, quotas=quotas)
    adresse = {"metadata": {"source_client": "a-robot"}}
    for i in range(6):
        await ActionEscalader().run(dispatcher, tracker(SLOTS, evenements=CONVERSATION, sender=f"robot-{i}",
                                                        extra_message=adresse), domaine)
    assert reponses(dispatcher) == ["utter_escalade_en_cours"] * 5 + ["utter_trop_de_demandes"]
    await ActionEscalader().run(dispatcher, tracker(SLOTS, evenements=CONVERSATION, sender="citoyen-9",
                                                    extra_message={"metadata": {"source_client": "a-autre"}}), domaine)
    assert reponses(dispatcher)[-1] == "utter_escalade_en_cours"
    horloge.instant += dt.timedelta(hours=1, seconds=1)
    await ActionEscalader().run(dispatcher, tracker(SLOTS, evenements=CONVERSATION, sender="robot-7", extra_message=adresse), domaine)
    assert reponses(dispatcher)[-1] == "utter_escalade_en_cours"
    slots_rappel = {"creneau_rappel": "matin", "telephone_rappel": "0612345678"}
    for i in range(4):
        await ActionEnregistrerRappel().run(dispatcher, tracker(slots_rappel, evenements=CONVERSATION, sender=f"robot-r{i}",
                                                                extra_message=adresse), domaine)
    assert reponses(dispatcher)[-4:] == ["utter_rappel_enregistre"] * 3 + ["utter_trop_de_demandes"]
    await quotas.fermer()


async def test_the_message_of_this_turn_and_free_text_slots_reach_the_escalation_and_ticket_masked(
        grc, installer_services, dispatcher, domaine):
    """The stored events are masked by the tracker store, the current message is not yet: the context masks both."""
    from actions.contexte_conversation import construire_contexte
    from connecteurs.tickets import contenu_contexte

    installer_services(grc)
    dernier = {"event": "user", "text": "un conseiller svp, rappelez-moi au 06 12 34 56 78 ou claire.martin@example.org",
               "timestamp": 5.0, "input_channel": "rest", "parse_data": {"intent": {"name": "parler_conseiller",
                                                                                    "confidence": 0.99}}}
    slots = {**SLOTS, "description_reclamation": "mon voisin Jean Dupont né le 04/05/1961 au 07 11 22 33 44"}
    t = tracker(slots, evenements=[*CONVERSATION, dernier])
    contexte = construire_contexte(t)
    assert contexte.transcription[-1].texte == "un conseiller svp, rappelez-moi au [téléphone] ou [courriel]"
    assert contexte.slots["description_reclamation"] == "mon voisin Jean Dupont né le [date] au [téléphone]"
    ticket = contenu_contexte(contexte)
    for donnee in ("06 12 34 56 78", "claire.martin@example.org", "07 11 22 33 44", "1961", "12/03/1985"):
        assert donnee not in ticket
    evenements = await ActionEscalader().run(dispatcher, t, domaine)
    reference = next(e["value"] for e in evenements if e.get("name") == "reference_escalade")
    assert "06 12 34 56 78" not in str(await grc.lire_escalade(reference))
