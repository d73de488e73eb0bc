import asyncio
import datetime as dt
import json
import sqlite3

import pytest
import sqlalchemy as sa

from connecteurs.erreurs import EscaladeDejaPrise, EscaladeInconnue
from connecteurs.grc_embarquee.grc import ConfigGrcEmbarquee, GrcEmbarquee
from connecteurs.grc_embarquee.schema import MIGRATIONS
from connecteurs.interfaces import FileEscalades, Grc
from connecteurs.modeles import (
    CategorieSignalement,
    ContexteConversation,
    CreneauRappel,
    DemandeRappel,
    EtatDossier,
    EtatEscalade,
    IssueVerification,
    NouveauSignalement,
    NouvelleReclamation,
    Satisfaction,
    TourConversation,
    TypeEscalade,
)


@pytest.fixture
async def grc(url_sql, horloge) -> GrcEmbarquee:
    grc = await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(url_sql), horloge)
    yield grc
    await grc.fermer()


def lignes(grc: GrcEmbarquee, sql: str) -> list[tuple]:
    with grc.base.lire() as c:
        return [tuple(r) for r in c.execute(sa.text(sql))]


def modifier(grc: GrcEmbarquee, sql: str) -> None:
    with grc.base.ecrire() as c:
        c.execute(sa.text(sql))


async def test_implements_every_interface(grc):
    assert isinstance(grc, Grc) and isinstance(grc, FileEscalades)


async def test_seeded_demo_cases(grc):
    for numero in ("24578301", "10293847", "55512090", "27182818"):
        assert await grc.dossier_existe(numero)
    assert not await grc.dossier_existe("00000000")
    resultat = await grc.verifier_identite("55512090", dt.date(1972, 11, 21))
    assert resultat.issue is IssueVerification.CONFIRMEE
    assert resultat.dossier.etat is EtatDossier.EN_CONSTRUCTION
    assert resultat.dossier.piece_manquante == "avis d'imposition"
    refus = await grc.verifier_identite("27182818", dt.date(2000, 1, 5))
    assert refus.dossier.etat is EtatDossier.REFUSE
    assert refus.dossier.motif == "justificatif de domicile de plus de trois mois"
    permis = await grc.verifier_identite("24578301", dt.date(1985, 3, 12))
    assert permis.dossier.date_depot == dt.date(2026, 9, 14)
    assert permis.dossier.date_decision_annoncee == dt.date(2026, 12, 14)


async def test_reopening_migrates_once_and_does_not_reseed(url_sql, horloge):
    premiere = await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(url_sql), horloge)
    seconde = await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(url_sql), horloge)
    assert lignes(seconde, "SELECT version FROM grc_schema") == [(len(MIGRATIONS),)]
    assert lignes(seconde, "SELECT count(*) FROM dossiers") == [(5,)]
    assert lignes(seconde, "SELECT count(*) FROM signalements") == [(1,)]
    await premiere.fermer()
    await seconde.fermer()


async def test_processes_starting_together_migrate_once(url_sql, horloge):
    grcs = await asyncio.gather(*(GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(url_sql), horloge) for _ in range(4)))
    assert lignes(grcs[0], "SELECT count(*) FROM dossiers") == [(5,)]
    assert lignes(grcs[0], "SELECT version FROM grc_schema") == [(len(MIGRATIONS),)]
    for grc in grcs:
        await grc.fermer()


async def test_a_base_from_before_the_version_table_is_carried_over(tmp_path, horloge):
    """A SQLite base made by the earlier code (schema 2 in PRAGMA user_version) keeps its data and gets migration 3."""
    chemin = tmp_path / "grc.sqlite3"
    ancienne = sqlite3.connect(chemin)
    ancienne.executescript(MIGRATIONS[0].format(id="INTEGER PRIMARY KEY AUTOINCREMENT") + MIGRATIONS[1] + "PRAGMA user_version = 2;")
    ancienne.execute("INSERT INTO escalades (reference, type, sender_id, canal, contexte, cree_le, conseiller) "
                     "VALUES ('12345678', 'conversation', 'u1', 'rest', '{}', '2026-11-01T10:00:00+00:00', 'camille')")
    ancienne.commit()
    ancienne.close()
    grc = await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(f"sqlite:///{chemin}"), horloge)
    assert lignes(grc, "SELECT version FROM grc_schema") == [(len(MIGRATIONS),)]
    assert (await grc.lire_escalade("12345678")).conseiller == "camille"
    assert lignes(grc, "SELECT count(*) FROM dossiers") == [(5,)]  # the empty base was seeded once
    await grc.fermer()


async def test_no_case_without_matching_birth_date(grc):
    resultat = await grc.verifier_identite("24578301", dt.date(1985, 12, 3))
    assert resultat.issue is IssueVerification.REFUSEE
    assert resultat.dossier is None
    assert resultat.essais_restants == 2


async def test_unknown_number_is_answered_like_a_wrong_date(grc):
    resultat = await grc.verifier_identite("12345678", dt.date(1985, 3, 12))
    assert resultat.issue is IssueVerification.REFUSEE and resultat.dossier is None and resultat.essais_restants == 2


async def test_three_failures_lock_the_source_out_for_15_minutes(grc, horloge):
    faux = dt.date(1999, 1, 1)
    assert (await grc.verifier_identite("10293847", faux)).essais_restants == 2
    assert (await grc.verifier_identite("10293847", faux)).essais_restants == 1
    assert (await grc.verifier_identite("10293847", faux)).issue is IssueVerification.VERROUILLE
    # even the right date gives nothing while locked
    bonne = dt.date(1990, 7, 3)
    horloge.instant += dt.timedelta(minutes=14, seconds=59)
    verrou = await grc.verifier_identite("10293847", bonne)
    assert verrou.issue is IssueVerification.VERROUILLE and verrou.dossier is None
    assert (await grc.verifier_identite("10293847", bonne, source="domicile")).issue is IssueVerification.CONFIRMEE
    horloge.instant += dt.timedelta(seconds=2)
    assert (await grc.verifier_identite("10293847", bonne)).issue is IssueVerification.CONFIRMEE


async def test_success_resets_the_failure_count(grc):
    faux, bonne = dt.date(1999, 1, 1), dt.date(1990, 7, 3)
    await grc.verifier_identite("10293847", faux)
    await grc.verifier_identite("10293847", faux)
    assert (await grc.verifier_identite("10293847", bonne)).issue is IssueVerification.CONFIRMEE
    assert (await grc.verifier_identite("10293847", faux)).essais_restants == 2


async def test_concurrent_failures_are_all_counted(grc):
    faux = dt.date(1999, 1, 1)
    resultats = await asyncio.gather(*(grc.verifier_identite("24578301", faux) for _ in range(12)))
    issues = [r.issue for r in resultats]
    assert issues.count(IssueVerification.REFUSEE) <= 2  # a refusal concluding after the lock says locked
    assert issues.count(IssueVerification.VERROUILLE) >= 10 and len(issues) == 12
    assert all(r.dossier is None for r in resultats)


async def test_duplicate_report_found_at_normalised_address(grc):
    for adresse in ("12 rue Victor Hugo", "12, R. Victor-Hugo", "  12 RUE VICTOR HUGO ", "au 12 rue victor hugo"):
        doublon = await grc.chercher_doublon(CategorieSignalement.VOIRIE, adresse)
        assert doublon is not None and doublon.description == "nid de poule", adresse
    assert await grc.chercher_doublon(CategorieSignalement.ECLAIRAGE, "12 rue Victor Hugo") is None
    assert await grc.chercher_doublon(CategorieSignalement.VOIRIE, "14 rue Victor Hugo") is None


async def test_new_report_then_duplicate(grc):
    cree = await grc.creer_signalement(
        NouveauSignalement(CategorieSignalement.ECLAIRAGE, "3 av. Jean Jaurès", "lampadaire éteint", "rest", "u1")
    )
    assert cree.numero == "S-000002"
    doublon = await grc.chercher_doublon(CategorieSignalement.ECLAIRAGE, "3 avenue Jean-Jaures")
    assert doublon is not None and doublon.numero == cree.numero
    await grc.abonner(cree.numero, "a@b.fr")


async def test_resolved_report_is_not_a_duplicate(grc):
    modifier(grc, "UPDATE signalements SET etat = 'resolu'")
    assert await grc.chercher_doublon(CategorieSignalement.VOIRIE, "12 rue Victor Hugo") is None


async def test_complaint_numbers_and_delay(grc):
    premiere = await grc.creer_reclamation(NouvelleReclamation("cantine", "facturé deux fois", "a@b.fr", "rest", "u1"))
    seconde = await grc.creer_reclamation(NouvelleReclamation("accueil", "attente", "0612345678", "voix", "u2"))
    assert (premiere.numero, seconde.numero) == ("R-000001", "R-000002")
    assert premiere.delai_reponse_jours == 15


async def test_escalation_keeps_the_whole_context(grc):
    contexte = ContexteConversation(
        sender_id="u9",
        canal="rest",
        transcription=(TourConversation("usager", "un humain svp", 1.0, "parler_conseiller", 0.97),),
        intentions=({"intention": "parler_conseiller", "confiance": 0.97},),
        slots={"numero_dossier": "24578301"},
        verification_identite="confirmee",
    )
    escalade = await grc.creer_escalade(contexte)
    assert len(escalade.reference) == 8 and escalade.reference.isdigit()
    lu = await grc.lire_escalade(escalade.reference)
    assert lu.type == TypeEscalade.CONVERSATION and lu.etat == EtatEscalade.EN_ATTENTE
    assert lu.contexte == json.loads(json.dumps(contexte.en_dict()))
    rappel = await grc.creer_rappel(DemandeRappel(CreneauRappel.MATIN, "0612345678", contexte))
    lu = await grc.lire_escalade(rappel.reference)
    assert (lu.type, lu.creneau, lu.telephone) == (TypeEscalade.RAPPEL, "matin", "0612345678")
    assert await grc.lire_escalade("00000000") is None


async def test_agents_queue_take_over_once_then_end(grc, horloge):
    contexte = ContexteConversation("u1", "socketio", (), (), {}, None)
    premiere = await grc.creer_escalade(contexte)
    horloge.instant += dt.timedelta(seconds=1)  # oldest first (ties are broken by reference, for stable pages)
    seconde = await grc.creer_escalade(contexte)
    assert [e.reference for e in await grc.escalades_ouvertes()] == [premiere.reference, seconde.reference]
    prise = await grc.prendre_escalade(premiere.reference, "camille")
    assert prise.etat == EtatEscalade.PRISE and prise.conseiller == "camille" and prise.pris_le is not None
    assert (await grc.prendre_escalade(premiere.reference, "camille")).etat == EtatEscalade.PRISE  # idempotent
    with pytest.raises(EscaladeDejaPrise):
        await grc.prendre_escalade(premiere.reference, "paul")
    with pytest.raises(EscaladeDejaPrise):
        await grc.terminer_escalade(premiere.reference, "paul", EtatEscalade.CLOSE)
    with pytest.raises(EscaladeInconnue):
        await grc.prendre_escalade("12345678", "paul")
    with pytest.raises(ValueError):
        await grc.terminer_escalade(premiere.reference, "camille", EtatEscalade.PRISE)
    close = await grc.terminer_escalade(premiere.reference, "camille", EtatEscalade.CLOSE)
    assert close.etat == EtatEscalade.CLOSE and close.clos_le is not None
    assert [e.reference for e in await grc.escalades_ouvertes()] == [seconde.reference]
    with pytest.raises(EscaladeDejaPrise):
        await grc.prendre_escalade(premiere.reference, "camille")


async def test_concurrent_take_over_has_one_winner(grc):
    import asyncio

    escalade = await grc.creer_escalade(ContexteConversation("u1", "socketio", (), (), {}, None))
    resultats = await asyncio.gather(*(grc.prendre_escalade(escalade.reference, f"agent{i}") for i in range(8)),
                                     return_exceptions=True)
    gagnants = [r for r in resultats if not isinstance(r, Exception)]
    assert len(gagnants) == 1 and all(isinstance(r, EscaladeDejaPrise) for r in resultats if r not in gagnants)


async def test_satisfaction_is_validated_and_stored(grc):
    await grc.enregistrer_satisfaction(Satisfaction("u1", "rest", "4"))
    with pytest.raises(ValueError):
        Satisfaction("u1", "rest", "7")
    assert lignes(grc, "SELECT note, canal FROM satisfactions") == [("4", "rest")]


async def test_unwritable_database_raises_a_connecteur_error(tmp_path, horloge):
    from connecteurs.erreurs import ConnecteurIndisponible

    (tmp_path / "fichier").write_text("not a folder")
    grc = GrcEmbarquee(ConfigGrcEmbarquee(f"sqlite:///{tmp_path / 'fichier' / 'grc.sqlite3'}"), horloge)
    with pytest.raises(ConnecteurIndisponible, match="embedded GRC database"):
        await grc.dossier_existe("24578301")


async def test_unreachable_postgresql_raises_a_connecteur_error_without_the_password(horloge):
    from connecteurs.erreurs import ConnecteurIndisponible
    from tests.integration.serveurs import ports_libres

    (port,) = ports_libres(1)
    grc = GrcEmbarquee(ConfigGrcEmbarquee(f"postgresql://guichet:secret-du-pg@127.0.0.1:{port}/guichet"), horloge)
    with pytest.raises(ConnecteurIndisponible) as erreur:
        await asyncio.wait_for(grc.dossier_existe("24578301"), 10)
    assert "secret-du-pg" not in str(erreur.value) and "OperationalError" in str(erreur.value)


def test_a_database_url_is_required():
    with pytest.raises(ValueError, match="sqlite or postgresql"):
        ConfigGrcEmbarquee("mysql://db/guichet")
    with pytest.raises(ValueError, match="not a database URL"):
        ConfigGrcEmbarquee("/tmp/grc.sqlite3")
