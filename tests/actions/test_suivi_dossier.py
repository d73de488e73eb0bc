from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.suivi_dossier import ActionStatutDossier, ValiderFormulaireSuiviDossier
from configuration.preuves_identite import MASQUE
from tests.actions.conftest import reponses, tracker
from tests.fakes.grc_en_panne import GrcEnPanne, GrcLente


async def valider_date(dispatcher, domaine, texte, numero="24578301"):
    t = tracker({"numero_dossier": numero, "requested_slot": "date_naissance"}, texte=texte)
    return await ValiderFormulaireSuiviDossier().validate_date_naissance(texte, dispatcher, t, domaine)


async def test_invalid_and_unknown_numbers(grc, installer_services, dispatcher, domaine):
    """A malformed number is asked again; an unknown one is taken like a known one (no existence oracle) and the
    identity check answers it exactly like a wrong date."""
    installer_services(grc)
    action = ValiderFormulaireSuiviDossier()
    assert await action.validate_numero_dossier("1234", dispatcher, tracker(), domaine) == {"numero_dossier": None}
    assert (await action.validate_numero_dossier("99 99 99 99", dispatcher, tracker(), domaine))["numero_dossier"] == "99999999"
    assert reponses(dispatcher) == ["utter_numero_dossier_incomplet"]  # 4 digits understood: said back
    assert (await action.validate_numero_dossier("24-57-83-01", dispatcher, tracker(), domaine))["numero_dossier"] == "24578301"
    inconnu = await valider_date(dispatcher, domaine, "12/03/1985", numero="99999999")
    connu = await valider_date(dispatcher, domaine, "12/03/1999", numero="24578301")
    assert {k: v for k, v in inconnu.items()} == {k: v for k, v in connu.items()}
    assert [m["response"] for m in dispatcher.messages[-2:]] == ["utter_identite_refusee"] * 2
    assert dispatcher.messages[-2]["essais"] == dispatcher.messages[-1]["essais"] == 2


async def test_a_number_with_too_few_or_too_many_digits_is_read_back_in_pairs(grc, installer_services, dispatcher, domaine):
    installer_services(grc)
    action = ValiderFormulaireSuiviDossier()
    for dit, lus, dits, nombre in (
        ("vingt-quatre cinquante-sept quatre-vingt-trois", "24 57 83", "vingt-quatre, cinquante-sept, quatre-vingt-trois", "six"),
        ("24 57 83 01 5", "24 57 83 01 5", "vingt-quatre, cinquante-sept, quatre-vingt-trois, zéro, un, cinq", "neuf"),
    ):
        assert await action.validate_numero_dossier(dit, dispatcher, tracker(), domaine) == {"numero_dossier": None}
        message = dispatcher.messages[-1]
        assert message["response"] == "utter_numero_dossier_incomplet"
        assert (message["chiffres_lus"], message["chiffres_lus_voix"], message["nombre_chiffres_voix"]) == (lus, dits, nombre)
        assert message["nombre_chiffres"] == str(len(lus.replace(" ", "")))
    await action.validate_numero_dossier("je ne sais plus", dispatcher, tracker(), domaine)
    assert dispatcher.messages[-1]["response"] == "utter_numero_dossier_invalide"  # no digit: nothing to read back


async def test_right_birth_date_gives_the_case_and_forgets_the_date(grc, installer_services, dispatcher, domaine):
    installer_services(grc)
    slots = await valider_date(dispatcher, domaine, "12 mars 1985")
    assert slots["date_naissance"] == MASQUE
    assert slots["identite_verifiee"] is True and slots["verification_identite"] == "confirmee"
    assert slots["dossier"]["etat"] == "en_instruction"
    assert dispatcher.messages == []


async def test_status_only_after_the_check(grc, installer_services, dispatcher, domaine):
    installer_services(grc)
    slots = await valider_date(dispatcher, domaine, "12/03/1985")
    evenements = await ActionStatutDossier().run(dispatcher, tracker({**slots, "numero_dossier": "24578301"}), domaine)
    [message] = dispatcher.messages
    assert message["response"] == "utter_statut_en_instruction"
    assert message["date_decision"] == "14 décembre 2026"
    assert message["intitule"] == "Permis de construire — extension"
    assert message["numero_voix"].startswith("vingt-quatre, cinquante-sept")
    assert {e["name"]: e["value"] for e in evenements} == {"numero_dossier": None, "date_naissance": None}


async def test_status_never_given_without_confirmed_identity(grc, installer_services, dispatcher, domaine):
    installer_services(grc)
    await ActionStatutDossier().run(
        dispatcher, tracker({"verification_identite": "refusee", "dossier": {"etat": "accepte"}}), domaine
    )
    assert reponses(dispatcher) == ["utter_service_indisponible"]


async def test_three_wrong_dates_lock_and_offer_a_human(grc, installer_services, dispatcher, domaine):
    installer_services(grc)
    premier = await valider_date(dispatcher, domaine, "01/01/1990")
    second = await valider_date(dispatcher, domaine, "02/01/1990")
    troisieme = await valider_date(dispatcher, domaine, "03/01/1990")
    assert premier["date_naissance"] is None and second["date_naissance"] is None
    assert [m.get("essais") for m in dispatcher.messages] == [2, 1]
    assert troisieme == {"date_naissance": MASQUE, "courriel_identite": MASQUE, "identite_verifiee": False, "verification_identite": "verrouille"}
    await ActionStatutDossier().run(dispatcher, tracker(troisieme), domaine)
    assert reponses(dispatcher)[-1] == "utter_dossier_verrouille"
    assert "dossier" not in troisieme


async def test_unparseable_date_is_asked_again(grc, installer_services, dispatcher, domaine):
    installer_services(grc)
    assert await valider_date(dispatcher, domaine, "je sais plus") == {"date_naissance": None}
    assert reponses(dispatcher) == ["utter_date_invalide"]


async def test_back_end_down_gives_an_apology_and_a_human(installer_services, dispatcher, domaine):
    installer_services(GrcEnPanne())
    slots = await valider_date(dispatcher, domaine, "12/03/1985")
    assert slots["verification_identite"] == "indisponible" and slots["date_naissance"] == MASQUE
    await ActionStatutDossier().run(dispatcher, tracker(slots), domaine)
    assert reponses(dispatcher) == ["utter_service_indisponible"]


async def test_slow_back_end_is_cut_at_the_timeout(installer_services, dispatcher, domaine):
    import time

    installer_services(GrcLente(), delai=0.3)
    debut = time.monotonic()
    slots = await valider_date(dispatcher, domaine, "12/03/1985")
    assert time.monotonic() - debut < 2
    assert slots["verification_identite"] == "indisponible"


async def test_email_mode_asks_the_email_instead_of_the_birth_date(config, grc, horloge, domaine):
    """GUICHET_PREUVE_IDENTITE=courriel: the form's birth-date slot becomes the e-mail slot."""
    import dataclasses

    from actions.suivi_dossier import ValiderFormulaireSuiviDossier
    from configuration.commune import charger_commune

    cfg = dataclasses.replace(config, preuve_identite="courriel")
    services.installer(services.Services(config=cfg, grc=grc, commune=charger_commune(cfg.chemin_commune), horloge=horloge))
    try:
        action = ValiderFormulaireSuiviDossier()
        requis = await action.required_slots(["numero_dossier", "date_naissance"], CollectingDispatcher(), None, domaine)
        assert requis == ["numero_dossier", "courriel_identite"]
        # the embedded GRC cannot check an e-mail: the citizen gets the apology path, never a status
        dispatcher = CollectingDispatcher()
        tracker = Tracker("s", {"numero_dossier": "24578301"}, {}, [], False, None, {"name": "formulaire_suivi_dossier"}, None)
        resultat = await action.validate_courriel_identite("claire@example.org", dispatcher, tracker, domaine)
        assert resultat["verification_identite"] == "indisponible" and "dossier" not in resultat
        assert (await action.validate_courriel_identite("pas un courriel", dispatcher, tracker, domaine)) == {"courriel_identite": None}
    finally:
        services.installer(None)


async def test_a_typed_mask_is_no_birth_date(grc, installer_services, dispatcher, domaine):
    """`***` typed as the date: asked again, never the end of the check."""
    installer_services(grc)
    assert await valider_date(dispatcher, domaine, MASQUE) == {"date_naissance": None}
    assert reponses(dispatcher) == ["utter_date_invalide"]


async def test_another_number_resets_the_identity_check(grc, installer_services, dispatcher, domaine):
    """A case verified earlier in the conversation proves nothing for the next number."""
    installer_services(grc)
    slots = await valider_date(dispatcher, domaine, "12/03/1985")
    assert slots["identite_verifiee"] is True
    apres = {**slots, "numero_dossier": None, "date_naissance": None}
    nouveau = await ValiderFormulaireSuiviDossier().validate_numero_dossier("10293847", dispatcher, tracker(apres), domaine)
    assert nouveau == {"numero_dossier": "10293847", "identite_verifiee": None, "verification_identite": None, "dossier": None}
    # even if stale slots were left, the status of another case is never said
    await ActionStatutDossier().run(dispatcher, tracker({**slots, "numero_dossier": "10293847"}), domaine)
    assert reponses(dispatcher) == ["utter_service_indisponible"]


async def test_a_demarches_simplifiees_number_is_taken_and_the_answers_say_its_shape(grc, installer_services, dispatcher, domaine):
    import dataclasses

    from configuration.numero_dossier import FormeNumero

    s = installer_services(grc)
    services.installer(dataclasses.replace(s, config=dataclasses.replace(s.config, forme_numero=FormeNumero(4, 9))))
    action = ValiderFormulaireSuiviDossier()
    assert (await action.validate_numero_dossier("dossier 1234567", dispatcher, tracker(), domaine))["numero_dossier"] == "1234567"
    assert await action.validate_numero_dossier("123", dispatcher, tracker(), domaine) == {"numero_dossier": None}
    message = dispatcher.messages[-1]
    assert message["response"] == "utter_numero_dossier_incomplet" and message["description_numero"] == "de 4 à 9 chiffres"
    await action.validate_numero_dossier("je ne sais pas", dispatcher, tracker(), domaine)
    assert dispatcher.messages[-1]["description_numero_voix"] == "de quatre à neuf chiffres"
