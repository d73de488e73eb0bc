"""End to end: the real bot answers a case-status conversation from Démarches Simplifiées."""

import pytest

from tests.connecteurs.serveur_local import servir
from tests.fakes.demarches_simplifiees import FauxDemarchesSimplifiees

pytestmark = pytest.mark.integration


async def test_case_status_through_demarches_simplifiees(conversation, actions_avec):
    faux = FauxDemarchesSimplifiees()
    faux.ajouter(31415927, "en_instruction", "1979-07-14", titre="Demande de logement social",
                 datePassageEnInstruction="2026-10-05T09:00:00+02:00")
    async with servir(faux.application()) as url:
        actions_avec(
            GUICHET_SUIVI="demarches_simplifiees", GUICHET_DS_URL=f"{url}/api/v2/graphql",
            GUICHET_DS_JETON=faux.jeton, GUICHET_DS_CHAMP_DATE_NAISSANCE="Q2hhbXAtMg==",
        )
        c = conversation()
        reponse = await c.textes("où en est mon dossier 31415927")
        assert "date de naissance" in reponse.lower()
        reponse = await c.textes("14 juillet 1979")
        assert "Demande de logement social" in reponse and "en cours d'instruction depuis le 5 octobre 2026" in reponse
        assert "au plus tard" not in reponse  # DS announces no decision date: the variant without it
        assert faux.requetes and faux.requetes[-1]["variables"]["number"] == 31415927

        # a case unknown to DS (answered like a wrong date), then DS down: the citizen gets an answer and a human is offered
        autre = conversation()
        assert "date de naissance" in (await autre.textes("je voudrais savoir où en est le dossier 27182819")).lower()
        assert "ou ce numéro n'existe pas" in await autre.textes("14 juillet 1979")
        faux.panne = "500"
        panne = conversation()
        await panne.textes("où en est mon dossier 31415927")
        reponses = await panne.dire("14 juillet 1979")
        assert "momentanément indisponible" in reponses[0]["text"]
        assert reponses[0]["buttons"][0]["payload"] == "/parler_conseiller"


async def test_identity_by_email_through_demarches_simplifiees(conversation, actions_avec):
    """GUICHET_PREUVE_IDENTITE=courriel: the bot asks the e-mail of the applicant's DS account."""
    faux = FauxDemarchesSimplifiees()
    faux.ajouter(31415927, "accepte", "1979-07-14", titre="Demande de subvention", dateTraitement="2026-11-03T09:00:00+01:00")
    async with servir(faux.application()) as url:
        actions_avec(
            GUICHET_SUIVI="demarches_simplifiees", GUICHET_PREUVE_IDENTITE="courriel",
            GUICHET_DS_URL=f"{url}/api/v2/graphql", GUICHET_DS_JETON=faux.jeton,
        )
        c = conversation()
        reponse = await c.textes("où en est mon dossier 31415927")
        assert "adresse électronique" in reponse and "date de naissance" not in reponse
        reponse = await c.textes("autre@example.org")
        assert "ne correspond pas" in reponse and "2 essai" in reponse
        reponse = await c.textes("usager@example.org")
        assert "Demande de subvention" in reponse and "accepté le 3 novembre 2026" in reponse
