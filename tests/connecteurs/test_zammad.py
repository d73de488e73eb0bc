"""Contract tests of the Zammad connecteur against a local Zammad API."""

import pytest

from connecteurs.client_http import ReglagesHttp
from connecteurs.erreurs import ConfigurationInvalide, ConnecteurIndisponible, DelaiDepasse, ReponseInvalide
from connecteurs.interfaces import Escalades, Reclamations, Signalements
from connecteurs.modeles import (
    CategorieSignalement,
    CreneauRappel,
    DemandeRappel,
    EtatSignalement,
    NouveauSignalement,
    NouvelleReclamation,
)
from connecteurs.zammad import ConfigZammad, TicketsZammad
from tests.connecteurs.serveur_local import servir
from tests.connecteurs.test_glpi import CONTEXTE
from tests.fakes.zammad import FauxZammad


@pytest.fixture
def faux():
    return FauxZammad()


@pytest.fixture
async def zammad(faux):
    async with servir(faux.application()) as url:
        connecteur = TicketsZammad(ConfigZammad(
            url=url, jeton=faux.jeton, groupe="Mairie", client_par_defaut="guichet@ville-demo.fr",
            reglages=ReglagesHttp(delai_s=0.5, essais_lecture=2, attente_base_s=0.01),
        ))
        yield connecteur
        await connecteur.fermer()


def signalement(adresse="12 rue Victor Hugo"):
    return NouveauSignalement(CategorieSignalement.ECLAIRAGE, adresse, "lampadaire éteint", "voix", "abc")


async def test_report_duplicate_and_closed_ticket(zammad, faux):
    assert isinstance(zammad, Signalements) and isinstance(zammad, Reclamations) and isinstance(zammad, Escalades)
    cree = await zammad.creer_signalement(signalement())
    assert cree.numero == "Z-31001"
    assert faux.tickets[1]["group"] == "Mairie" and faux.tickets[1]["customer"] == "guichet@ville-demo.fr"
    assert "lampadaire éteint" in faux.articles[0]["body"]
    doublon = await zammad.chercher_doublon(CategorieSignalement.ECLAIRAGE, "12 Rue Victor-Hugo")
    assert doublon is not None and doublon.numero == "Z-31001" and doublon.etat is EtatSignalement.OUVERT
    faux.tickets[1]["state_id"] = 4  # closed
    assert await zammad.chercher_doublon(CategorieSignalement.ECLAIRAGE, "12 rue Victor Hugo") is None


async def test_subscription_adds_an_internal_note(zammad, faux):
    cree = await zammad.creer_signalement(signalement())
    await zammad.abonner(cree.numero, "0612345678")
    assert faux.articles[-1]["internal"] is True and "0612345678" in faux.articles[-1]["body"]
    with pytest.raises(ReponseInvalide, match="not found"):
        await zammad.abonner("Z-99999", "x")


async def test_complaint_uses_the_citizen_email_as_customer(zammad, faux):
    reclamation = await zammad.creer_reclamation(NouvelleReclamation("Bruit", "travaux", "usager@example.org", "rest", "abc"))
    assert reclamation.numero == "Z-31001" and faux.tickets[1]["customer"] == "usager@example.org"


async def test_escalation_and_callback_carry_the_context(zammad, faux):
    assert (await zammad.creer_escalade(CONTEXTE)).reference == "Z-31001"
    assert "usager : je veux parler à un conseiller" in faux.articles[0]["body"]
    rappel = await zammad.creer_rappel(DemandeRappel(CreneauRappel.APRES_MIDI, "0612345678", CONTEXTE))
    assert rappel.reference == "Z-31002" and "0612345678" in faux.articles[1]["body"]


async def test_wrong_token(zammad, faux):
    faux.jeton = "autre"
    with pytest.raises(ConfigurationInvalide, match="401"):
        await zammad.creer_signalement(signalement())


@pytest.mark.parametrize(
    ("panne", "erreur"),
    [("500", ConnecteurIndisponible), ("lent", DelaiDepasse), ("json", ReponseInvalide), ("429", ConnecteurIndisponible)],
)
async def test_failures_map_to_connecteur_errors(zammad, faux, panne, erreur):
    faux.panne = panne
    with pytest.raises(erreur):
        await zammad.chercher_doublon(CategorieSignalement.VOIRIE, "12 rue Victor Hugo")


async def test_a_write_is_not_retried(zammad, faux):
    faux.panne = "500"
    with pytest.raises(ConnecteurIndisponible):
        await zammad.creer_signalement(signalement())
    assert faux.appels.count("POST /api/v1/tickets") == 1
