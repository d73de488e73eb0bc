"""Contract tests of the GLPI connecteur against a local GLPI REST API."""

import pytest

from connecteurs.client_http import ReglagesHttp
from connecteurs.erreurs import ConfigurationInvalide, ConnecteurIndisponible, DelaiDepasse, ReponseInvalide
from connecteurs.glpi import ConfigGlpi, TicketsGlpi
from connecteurs.interfaces import Escalades, Reclamations, Signalements
from connecteurs.modeles import (
    CategorieSignalement,
    ContexteConversation,
    CreneauRappel,
    DemandeRappel,
    EtatSignalement,
    NouveauSignalement,
    NouvelleReclamation,
    TourConversation,
)
from tests.connecteurs.serveur_local import servir
from tests.fakes.glpi import FauxGlpi

CONTEXTE = ContexteConversation(
    sender_id="conversation-secrete-abc", canal="rest",
    transcription=[TourConversation("usager", "je veux parler à un conseiller", 1.0, "parler_conseiller", 0.98)],
    intentions=[{"intention": "parler_conseiller", "confiance": 0.98}], slots={"numero_dossier": "24578301"},
    verification_identite="confirmee",
)


@pytest.fixture
def faux():
    return FauxGlpi()


@pytest.fixture
async def glpi(faux):
    async with servir(faux.application()) as url:
        connecteur = TicketsGlpi(ConfigGlpi(
            url=f"{url}/apirest.php", jeton_application=faux.jeton_application, jeton_utilisateur=faux.jeton_utilisateur,
            reglages=ReglagesHttp(delai_s=0.5, essais_lecture=2, attente_base_s=0.01),
        ))
        yield connecteur
        await connecteur.fermer()


def signalement(adresse="12 rue Victor Hugo"):
    return NouveauSignalement(CategorieSignalement.VOIRIE, adresse, "nid de poule", "rest", "abc")


async def test_report_then_duplicate_at_the_same_normalised_address(glpi, faux):
    assert isinstance(glpi, Signalements) and isinstance(glpi, Reclamations) and isinstance(glpi, Escalades)
    assert await glpi.chercher_doublon(CategorieSignalement.VOIRIE, "12 rue Victor Hugo") is None
    cree = await glpi.creer_signalement(signalement())
    assert cree.numero == "GLPI-1" and cree.etat is EtatSignalement.OUVERT
    ticket = faux.tickets[1]
    assert ticket["type"] == 1 and "nid de poule" in ticket["content"]
    doublon = await glpi.chercher_doublon(CategorieSignalement.VOIRIE, "12, Rue Victor-Hugo")
    assert doublon is not None and doublon.numero == "GLPI-1"
    assert await glpi.chercher_doublon(CategorieSignalement.ECLAIRAGE, "12 rue Victor Hugo") is None
    faux.tickets[1]["status"] = 5  # solved: no longer a duplicate
    assert await glpi.chercher_doublon(CategorieSignalement.VOIRIE, "12 rue Victor Hugo") is None


async def test_subscription_adds_a_private_follow_up(glpi, faux):
    cree = await glpi.creer_signalement(signalement())
    await glpi.abonner(cree.numero, "usager@example.org")
    assert faux.suivis[0]["items_id"] == 1 and faux.suivis[0]["is_private"] == 1
    with pytest.raises(ReponseInvalide, match="not found"):
        await glpi.abonner("GLPI-999", "usager@example.org")


async def test_complaint_escalation_and_callback_carry_the_context(glpi, faux):
    reclamation = await glpi.creer_reclamation(NouvelleReclamation("Bruit", "travaux la nuit", "usager@example.org", "rest", "abc"))
    assert reclamation.numero == "GLPI-1" and reclamation.delai_reponse_jours == 15
    escalade = await glpi.creer_escalade(CONTEXTE)
    assert escalade.reference == "GLPI-2"
    contenu = faux.tickets[2]["content"]
    assert "usager : je veux parler à un conseiller" in contenu and '"verification_identite": "confirmee"' in contenu
    assert all("conversation-secrete-abc" not in t["content"] for t in faux.tickets.values())  # the conversation id stays inside
    rappel = await glpi.creer_rappel(DemandeRappel(CreneauRappel.MATIN, "0612345678", CONTEXTE))
    assert rappel.reference == "GLPI-3" and "0612345678" in faux.tickets[3]["content"]


async def test_expired_session_is_renewed_once(glpi, faux):
    await glpi.creer_signalement(signalement())
    faux.expirer_sessions()
    await glpi.creer_signalement(signalement("3 place de la Mairie"))
    assert len(faux.tickets) == 2
    assert faux.appels.count("GET /apirest.php/initSession") == 2


async def test_wrong_user_token(glpi, faux):
    faux.jeton_utilisateur = "autre"
    with pytest.raises(ConfigurationInvalide, match="ERROR_GLPI_LOGIN_USER_TOKEN"):
        await glpi.creer_signalement(signalement())


@pytest.mark.parametrize(
    ("panne", "erreur"),
    [("500", ConnecteurIndisponible), ("lent", DelaiDepasse), ("json", ReponseInvalide), ("429", ConnecteurIndisponible)],
)
async def test_failures_map_to_connecteur_errors(glpi, faux, panne, erreur):
    await glpi.chercher_doublon(CategorieSignalement.VOIRIE, "x")  # session open
    faux.panne = panne
    with pytest.raises(erreur):
        await glpi.chercher_doublon(CategorieSignalement.VOIRIE, "12 rue Victor Hugo")


async def test_a_ticket_is_never_created_twice_by_a_retry(glpi, faux):
    await glpi.chercher_doublon(CategorieSignalement.VOIRIE, "x")
    faux.panne = "500"
    with pytest.raises(ConnecteurIndisponible):
        await glpi.creer_signalement(signalement())
    assert faux.appels.count("POST /apirest.php/Ticket") == 1


def test_secrets_stay_out_of_repr():
    texte = repr(ConfigGlpi(url="https://glpi", jeton_application="SECRET-A", jeton_utilisateur="SECRET-U"))
    assert "SECRET" not in texte
