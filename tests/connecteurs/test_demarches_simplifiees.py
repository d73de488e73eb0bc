"""Contract tests of the Démarches Simplifiées connecteur against a local DS API."""

import datetime as dt

import pytest

from connecteurs.client_http import ReglagesHttp
from connecteurs.demarches_simplifiees import REQUETE_DOSSIER, ConfigDemarchesSimplifiees, SuiviDemarchesSimplifiees
from connecteurs.erreurs import ConfigurationInvalide, ConnecteurIndisponible, DelaiDepasse, ReponseInvalide
from connecteurs.essais_identite import ConfigEssais, EssaisIdentite
from connecteurs.interfaces import SuiviDossiers
from connecteurs.modeles import EtatDossier, IssueVerification
from tests.connecteurs.serveur_local import servir
from tests.fakes.demarches_simplifiees import SCHEMA, FauxDemarchesSimplifiees

NAISSANCE = dt.date(1985, 3, 12)


@pytest.fixture
def faux():
    f = FauxDemarchesSimplifiees()
    f.ajouter(12345678, "en_instruction", "1985-03-12", datePassageEnInstruction="2026-09-15T09:00:00+02:00")
    f.ajouter(23456789, "refuse", "1990-01-01", dateTraitement="2026-10-20T09:00:00+02:00", motivation="Pièce d'identité illisible")
    return f


@pytest.fixture
async def ds(faux, tmp_path):
    async with servir(faux.application()) as url:
        config = ConfigDemarchesSimplifiees(
            jeton=faux.jeton, champ_date_naissance="Q2hhbXAtMg==", url=f"{url}/api/v2/graphql",
            reglages=ReglagesHttp(delai_s=0.5, essais_lecture=2, attente_base_s=0.01),
        )
        connecteur = SuiviDemarchesSimplifiees(config, EssaisIdentite(ConfigEssais(f"sqlite:///{tmp_path / 'essais.sqlite3'}")))
        yield connecteur
        await connecteur.fermer()


def test_the_query_is_valid_against_the_published_schema():
    from graphql import parse, validate

    assert validate(SCHEMA, parse(REQUETE_DOSSIER)) == []


async def test_found_and_identity_confirmed(ds, faux):
    assert isinstance(ds, SuiviDossiers)
    assert await ds.dossier_existe("12345678")
    resultat = await ds.verifier_identite("12345678", NAISSANCE)
    assert resultat.issue is IssueVerification.CONFIRMEE
    d = resultat.dossier
    assert (d.numero, d.etat, d.intitule) == ("12345678", EtatDossier.EN_INSTRUCTION, "Permis de construire")
    assert (d.date_depot, d.date_derniere_etape) == (dt.date(2026, 9, 1), dt.date(2026, 9, 15))
    assert faux.requetes[-1]["variables"] == {"number": 12345678, "champ": "Q2hhbXAtMg=="}


async def test_refused_case_carries_its_motivation(ds):
    resultat = await ds.verifier_identite("23456789", dt.date(1990, 1, 1))
    assert resultat.dossier.etat is EtatDossier.REFUSE and resultat.dossier.motif == "Pièce d'identité illisible"
    assert resultat.dossier.date_derniere_etape == dt.date(2026, 10, 20)


async def test_not_found(ds):
    assert not await ds.dossier_existe("99999999")
    inconnu = await ds.verifier_identite("99999999", NAISSANCE)  # answered like a wrong date: existence is never told
    assert inconnu.issue is IssueVerification.REFUSEE and inconnu.essais_restants == 2 and inconnu.dossier is None


async def test_identity_mismatch_counts_and_locks_without_leaking(ds):
    premiers = [await ds.verifier_identite("12345678", dt.date(2000, 1, 1)) for _ in range(2)]
    assert [r.issue for r in premiers] == [IssueVerification.REFUSEE] * 2 and premiers[1].essais_restants == 1
    assert all(r.dossier is None for r in premiers)
    assert (await ds.verifier_identite("12345678", dt.date(2000, 1, 1))).issue is IssueVerification.VERROUILLE
    # locked: even the right date is refused, and DS is not asked
    assert (await ds.verifier_identite("12345678", NAISSANCE)).issue is IssueVerification.VERROUILLE


async def test_expired_token(ds, faux):
    faux.jeton = "un-autre-jeton"
    with pytest.raises(ConfigurationInvalide, match="no access"):
        await ds.dossier_existe("12345678")


@pytest.mark.parametrize(
    ("panne", "erreur"),
    [("500", ConnecteurIndisponible), ("lent", DelaiDepasse), ("json", ReponseInvalide), ("429", ConnecteurIndisponible)],
)
async def test_back_end_failures_map_to_connecteur_errors(ds, faux, panne, erreur):
    faux.panne = panne
    with pytest.raises(erreur):
        await ds.verifier_identite("12345678", NAISSANCE)


async def test_a_down_back_end_is_answered_at_once_by_the_circuit(ds, faux):
    import time

    faux.panne = "500"
    for _ in range(ds.config.reglages.seuil_disjoncteur):
        with pytest.raises(ConnecteurIndisponible):
            await ds.dossier_existe("12345678")
    faux.panne = "lent"
    debut = time.monotonic()
    with pytest.raises(ConnecteurIndisponible, match="circuit open"):
        await ds.dossier_existe("12345678")
    assert time.monotonic() - debut < 0.1


async def test_identity_by_the_applicant_email(ds):
    resultat = await ds.verifier_identite_courriel("12345678", "Usager@Example.org ")
    assert resultat.issue is IssueVerification.CONFIRMEE and resultat.dossier.numero == "12345678"
    refus = await ds.verifier_identite_courriel("12345678", "autre@example.org")
    assert refus.issue is IssueVerification.REFUSEE and refus.dossier is None


async def test_date_check_without_a_configured_champ_is_a_configuration_error(faux, tmp_path):
    async with servir(faux.application()) as url:
        config = ConfigDemarchesSimplifiees(jeton=faux.jeton, url=f"{url}/api/v2/graphql")
        connecteur = SuiviDemarchesSimplifiees(config, EssaisIdentite(ConfigEssais(f"sqlite:///{tmp_path / 'e.sqlite3'}")))
        with pytest.raises(ConfigurationInvalide, match="GUICHET_DS_CHAMP_DATE_NAISSANCE"):
            await connecteur.verifier_identite("12345678", NAISSANCE)
        assert (await connecteur.verifier_identite_courriel("12345678", "usager@example.org")).issue is IssueVerification.CONFIRMEE
        assert faux.requetes[-1]["variables"]["champ"] == "aucun"  # no personal champ fetched
        await connecteur.fermer()


def test_configuration_requires_the_token():
    with pytest.raises(ValueError, match="GUICHET_DS_JETON"):
        ConfigDemarchesSimplifiees.depuis_env({"GUICHET_DS_CHAMP_DATE_NAISSANCE": "x"})
    assert "jeton" not in repr(ConfigDemarchesSimplifiees(jeton="secret", champ_date_naissance="c"))
