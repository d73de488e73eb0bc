"""The configuration picks a back end per capability."""

import pytest

from actions.config import ConfigActions
from configuration.erreurs import ErreurConfiguration
from connecteurs.composition import GrcComposee
from connecteurs.demarches_simplifiees import SuiviDemarchesSimplifiees
from connecteurs.glpi import TicketsGlpi
from connecteurs.grc_embarquee.grc import GrcEmbarquee
from connecteurs.ouverture import ouvrir_grc
from connecteurs.zammad import TicketsZammad

DISTANTS = {
    "GUICHET_DS_JETON": "j", "GUICHET_DS_CHAMP_DATE_NAISSANCE": "Q2hhbXAtMg==",
    "GUICHET_GLPI_URL": "http://127.0.0.1:9/apirest.php", "GUICHET_GLPI_APP_TOKEN": "a", "GUICHET_GLPI_USER_TOKEN": "u",
    "GUICHET_ZAMMAD_URL": "http://127.0.0.1:9", "GUICHET_ZAMMAD_JETON": "z", "GUICHET_ZAMMAD_CLIENT": "guichet@ville-demo.fr",
    "GUICHET_PUBLIK_URL": "http://127.0.0.1:9", "GUICHET_PUBLIK_ORIG": "guichet", "GUICHET_PUBLIK_CLE": "k",
}


def config(tmp_path, **env):
    return ConfigActions.depuis_env({"GUICHET_DONNEES": str(tmp_path), **env})


async def test_default_is_the_embedded_grc_alone(tmp_path):
    grc = await ouvrir_grc(config(tmp_path).ouverture(), DISTANTS)
    assert isinstance(grc, GrcEmbarquee)
    await grc.fermer()


async def test_each_capability_from_its_back_end(tmp_path):
    env = {"GUICHET_SUIVI": "demarches_simplifiees", "GUICHET_SIGNALEMENTS": "glpi", "GUICHET_RECLAMATIONS": "glpi",
           "GUICHET_ESCALADES": "zammad"}
    grc = await ouvrir_grc(config(tmp_path, **env).ouverture(), DISTANTS)
    assert isinstance(grc, GrcComposee)
    assert isinstance(grc.suivi, SuiviDemarchesSimplifiees)
    assert isinstance(grc.signalements, TicketsGlpi) and grc.reclamations is grc.signalements  # one GLPI client
    assert isinstance(grc.escalades, TicketsZammad) and isinstance(grc.satisfactions, GrcEmbarquee)
    await grc.fermer()


async def test_publik_serves_status_and_reports_with_one_client(tmp_path):
    from connecteurs.publik import Publik

    env = {"GUICHET_SUIVI": "publik", "GUICHET_SIGNALEMENTS": "publik", "GUICHET_ESCALADES": "glpi"}
    grc = await ouvrir_grc(config(tmp_path, **env).ouverture(), DISTANTS)
    assert isinstance(grc.suivi, Publik) and grc.signalements is grc.suivi
    assert isinstance(grc.reclamations, GrcEmbarquee) and isinstance(grc.escalades, TicketsGlpi)
    await grc.fermer()


def test_unknown_back_end_is_refused(tmp_path):
    with pytest.raises(ErreurConfiguration, match="GUICHET_SIGNALEMENTS must be one of embarquee, glpi, publik, zammad"):
        config(tmp_path, GUICHET_SIGNALEMENTS="servicenow")
    with pytest.raises(ErreurConfiguration, match="GUICHET_SUIVI must be one of demarches_simplifiees, embarquee, publik"):
        config(tmp_path, GUICHET_SUIVI="glpi")
    with pytest.raises(ErreurConfiguration, match="GUICHET_ESCALADES must be one of chatwoot, embarquee, glpi, zammad"):
        config(tmp_path, GUICHET_ESCALADES="publik")
    with pytest.raises(ErreurConfiguration):
        config(tmp_path, GUICHET_SUIVI="glpi")


async def test_missing_secret_names_the_variable(tmp_path):
    with pytest.raises(ErreurConfiguration, match="GUICHET_GLPI_URL, GUICHET_GLPI_APP_TOKEN"):
        await ouvrir_grc(config(tmp_path, GUICHET_SIGNALEMENTS="glpi").ouverture(), {})
