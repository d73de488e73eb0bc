"""Contract tests of the Publik (w.c.s.) connecteur against a local w.c.s. API checking signatures."""

import datetime as dt

import pytest

from connecteurs.client_http import ReglagesHttp
from connecteurs.erreurs import ConfigurationInvalide, ConnecteurIndisponible, DelaiDepasse, ReponseInvalide
from connecteurs.essais_identite import ConfigEssais, EssaisIdentite
from connecteurs.interfaces import Reclamations, Signalements, SuiviDossiers
from connecteurs.modeles import CategorieSignalement, EtatDossier, IssueVerification, NouveauSignalement, NouvelleReclamation
from connecteurs.publik import ConfigPublik, Publik, lire_etats
from connecteurs.signature_publik import signer_query
from tests.connecteurs.serveur_local import servir
from tests.fakes.publik import FauxPublik, requete_signee_valide

NAISSANCE = dt.date(2015, 6, 1)


@pytest.fixture
def faux():
    f = FauxPublik()
    f.ajouter_dossier("inscription-cantine", 12345678, "En cours de traitement", False, "2015-06-01")
    f.ajouter_dossier("inscription-cantine", 23456789, "Validée", True, "2016-02-02")
    f.ajouter_dossier("inscription-cantine", 34567890, "Archivée", True, "2016-02-02")
    return f


def config(url, cle="cle-partagee-de-test"):
    return ConfigPublik(
        url=url, orig="guichet", cle=cle, formulaire_dossiers="inscription-cantine",
        etats=lire_etats("En cours de traitement=en_instruction,Validée=accepte,Refusée=refuse"),
        formulaire_signalements="signalement", formulaire_reclamations="reclamation",
        reglages=ReglagesHttp(delai_s=0.5, essais_lecture=2, attente_base_s=0.01),
    )


@pytest.fixture
async def publik(faux, tmp_path):
    async with servir(faux.application()) as url:
        connecteur = Publik(config(url), EssaisIdentite(ConfigEssais(f"sqlite:///{tmp_path / 'essais.sqlite3'}")))
        yield connecteur
        await connecteur.fermer()


def test_signature_follows_the_documented_scheme():
    query = signer_query({"a": "1"}, "cle", "guichet", maintenant=dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc), nonce="abc")
    assert query.startswith("a=1&orig=guichet&algo=sha256&timestamp=2026-11-22T10%3A00%3A00Z&nonce=abc&signature=")
    assert requete_signee_valide(query, "cle") and not requete_signee_valide(query, "autre")


async def test_case_status_with_identity_check(publik):
    assert isinstance(publik, SuiviDossiers) and isinstance(publik, Signalements) and isinstance(publik, Reclamations)
    resultat = await publik.verifier_identite("12345678", NAISSANCE)
    assert resultat.issue is IssueVerification.CONFIRMEE
    d = resultat.dossier
    assert (d.etat, d.intitule, d.date_depot, d.date_derniere_etape) == (
        EtatDossier.EN_INSTRUCTION, "Inscription à la cantine", dt.date(2026, 9, 2), dt.date(2026, 10, 12))
    assert (await publik.verifier_identite("23456789", dt.date(2016, 2, 2))).dossier.etat is EtatDossier.ACCEPTE


async def test_not_found_and_mismatch(publik):
    assert not await publik.dossier_existe("99999999")
    inconnu = await publik.verifier_identite("99999999", NAISSANCE)  # answered like a wrong date
    assert inconnu.issue is IssueVerification.REFUSEE and inconnu.dossier is None
    refus = await publik.verifier_identite("12345678", dt.date(2000, 1, 1))
    assert refus.issue is IssueVerification.REFUSEE and refus.dossier is None and refus.essais_restants == 2


async def test_identity_by_the_submitter_email(publik):
    assert (await publik.verifier_identite_courriel("12345678", "Claire.Martin@example.org")).issue is IssueVerification.CONFIRMEE
    assert (await publik.verifier_identite_courriel("12345678", "x@example.org")).issue is IssueVerification.REFUSEE


async def test_unmapped_final_status_is_a_configuration_error(publik):
    with pytest.raises(ConfigurationInvalide, match="'Archivée' has no mapping"):
        await publik.verifier_identite("34567890", dt.date(2016, 2, 2))


async def test_a_wrong_key_is_refused_by_the_server(faux, tmp_path):
    async with servir(faux.application()) as url:
        connecteur = Publik(config(url, cle="mauvaise-cle"), EssaisIdentite(ConfigEssais(f"sqlite:///{tmp_path / 'e.sqlite3'}")))
        with pytest.raises(ConfigurationInvalide, match="Invalid signature"):
            await connecteur.dossier_existe("12345678")
        await connecteur.fermer()


async def test_a_clock_far_off_is_refused(publik, faux):
    faux.decalage_horloge = dt.timedelta(minutes=5)
    with pytest.raises(ConfigurationInvalide, match="more than 30 seconds"):
        await publik.dossier_existe("12345678")


async def test_report_submitted_found_as_duplicate_and_subscription_triggered(publik, faux):
    cree = await publik.creer_signalement(NouveauSignalement(CategorieSignalement.PROPRETE, "5 rue de la Gare", "dépôt sauvage", "rest", "s"))
    assert cree.numero == "P-100"
    assert faux.formulaires["signalement"][100]["fields"]["adresse_normalisee"] == "5 rue gare"  # connecteurs.adresse drops "de la"
    doublon = await publik.chercher_doublon(CategorieSignalement.PROPRETE, "5, Rue de la Gare")
    assert doublon is not None and doublon.numero == "P-100"
    assert await publik.chercher_doublon(CategorieSignalement.VOIRIE, "5 rue de la Gare") is None
    await publik.abonner("P-100", "usager@example.org")
    assert faux.declenchements == [("signalement", 100, "abonnement", {"contact": "usager@example.org"})]


async def test_complaint_submitted_as_a_form(publik, faux):
    reclamation = await publik.creer_reclamation(NouvelleReclamation("Bruit", "travaux la nuit", "usager@example.org", "voix", "s"))
    assert reclamation.numero == "P-100" and faux.formulaires["reclamation"][100]["fields"]["contact"] == "usager@example.org"


@pytest.mark.parametrize(
    ("panne", "erreur"),
    [("500", ConnecteurIndisponible), ("lent", DelaiDepasse), ("json", ReponseInvalide), ("429", ConnecteurIndisponible)],
)
async def test_failures_map_to_connecteur_errors(publik, faux, panne, erreur):
    faux.panne = panne
    with pytest.raises(erreur):
        await publik.verifier_identite("12345678", NAISSANCE)


def test_state_mapping_is_validated():
    with pytest.raises(ValueError, match="'fini' is not one of"):
        lire_etats("Terminé=fini")
    assert "cle-partagee" not in repr(config("http://x", cle="cle-partagee-secrete"))


async def test_a_read_retried_after_a_failure_is_signed_again(publik, faux):
    """w.c.s. spends a nonce on receipt: the retry of a read that failed afterwards needs a new one."""
    faux.pannes_apres_signature = [503]
    resultat = await publik.verifier_identite("12345678", NAISSANCE)
    assert resultat.issue is IssueVerification.CONFIRMEE and not faux.pannes_apres_signature
    assert publik._client.disjoncteur.etat.value == "ferme"


async def test_a_write_is_not_retried_and_its_failure_is_not_a_configuration_error(publik, faux):
    faux.pannes_apres_signature = [503]
    with pytest.raises(ConnecteurIndisponible):
        await publik.creer_signalement(NouveauSignalement(CategorieSignalement.PROPRETE, "5 rue de la Gare", "dépôt sauvage", "rest", "s"))
