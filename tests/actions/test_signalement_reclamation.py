from actions.reclamation import ActionCreerReclamation, ValiderFormulaireReclamation
from actions.signalement import ActionAbonnerSignalement, ActionCreerSignalement, ValiderFormulaireSignalement
from tests.actions.conftest import reponses, tracker
from tests.fakes.grc_en_panne import GrcEnPanne


async def test_report_validation(installer_services, grc, dispatcher, domaine):
    installer_services(grc)
    v = ValiderFormulaireSignalement()
    assert await v.validate_categorie_signalement("Éclairage public", dispatcher, tracker(), domaine) == {"categorie_signalement": "eclairage"}
    assert await v.validate_categorie_signalement("je sais pas", dispatcher, tracker(), domaine) == {"categorie_signalement": None}
    assert await v.validate_adresse_signalement("12", dispatcher, tracker(), domaine) == {"adresse_signalement": None}
    assert await v.validate_adresse_signalement(" 3 rue\x00 des Lilas ", dispatcher, tracker(), domaine) == {"adresse_signalement": "3 rue des Lilas"}
    assert await v.validate_description_signalement("x" * 2001, dispatcher, tracker(), domaine) == {"description_signalement": None}
    assert reponses(dispatcher) == ["utter_categorie_invalide", "utter_adresse_invalide", "utter_description_invalide"]


async def test_known_problem_is_not_created_twice(installer_services, grc, dispatcher, domaine):
    installer_services(grc)
    slots = {"categorie_signalement": "voirie", "adresse_signalement": "12, r. Victor-Hugo", "description_signalement": "trou"}
    evenements = await ActionCreerSignalement().run(dispatcher, tracker(slots), domaine)
    [message] = dispatcher.messages
    assert message["response"] == "utter_signalement_doublon"
    assert message["numero"] == "S-000001" and message["date"] == "2 novembre 2026"
    assert message["etat"] == "en attente d'intervention"
    valeurs = {e["name"]: e["value"] for e in evenements}
    assert valeurs["signalement_doublon"] is True and valeurs["numero_signalement"] == "S-000001"
    await ActionAbonnerSignalement().run(
        dispatcher, tracker({"numero_signalement": "S-000001", "contact_abonnement": "a@b.fr"}), domaine
    )
    assert reponses(dispatcher)[-1] == "utter_abonnement_enregistre"


async def test_new_problem_is_created_with_a_number(installer_services, grc, dispatcher, domaine):
    installer_services(grc)
    slots = {"categorie_signalement": "eclairage", "adresse_signalement": "3 avenue Jean Jaurès", "description_signalement": "éteint"}
    evenements = await ActionCreerSignalement().run(dispatcher, tracker(slots), domaine)
    assert dispatcher.messages[0]["response"] == "utter_signalement_cree"
    assert dispatcher.messages[0]["numero"] == "S-000002"
    valeurs = {e["name"]: e["value"] for e in evenements}
    assert valeurs["signalement_doublon"] is False and valeurs["categorie_signalement"] is None


async def test_report_back_end_down_keeps_the_answers(installer_services, dispatcher, domaine):
    installer_services(GrcEnPanne())
    slots = {"categorie_signalement": "voirie", "adresse_signalement": "1 rue X", "description_signalement": "trou"}
    evenements = await ActionCreerSignalement().run(dispatcher, tracker(slots), domaine)
    assert reponses(dispatcher) == ["utter_service_indisponible"]
    assert [e["name"] for e in evenements] == ["signalement_doublon"]  # the answers stay for the adviser


async def test_complaint(installer_services, grc, dispatcher, domaine):
    installer_services(grc)
    v = ValiderFormulaireReclamation()
    assert await v.validate_contact_reclamation("pas de contact", dispatcher, tracker(), domaine) == {"contact_reclamation": None}
    assert await v.validate_contact_reclamation("+33 6 12 34 56 78", dispatcher, tracker(), domaine) == {"contact_reclamation": "0612345678"}
    slots = {"sujet_reclamation": "cantine", "description_reclamation": "facturé deux fois", "contact_reclamation": "0612345678"}
    await ActionCreerReclamation().run(dispatcher, tracker(slots), domaine)
    message = dispatcher.messages[-1]
    assert (message["response"], message["numero"], message["delai"]) == ("utter_reclamation_creee", "R-000001", 15)


async def test_complaint_back_end_down(installer_services, dispatcher, domaine):
    installer_services(GrcEnPanne())
    slots = {"sujet_reclamation": "cantine", "description_reclamation": "facturé deux fois", "contact_reclamation": "0612345678"}
    assert await ActionCreerReclamation().run(dispatcher, tracker(slots), domaine) == []
    assert reponses(dispatcher) == ["utter_service_indisponible"]
