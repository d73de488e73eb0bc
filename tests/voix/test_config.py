"""The gateway's configuration: defaults, and precise errors on bad values."""

import pytest

from configuration.erreurs import ErreurConfiguration
from voix.config import ConfigVoix


def test_defaults_and_overrides(tmp_path):
    c = ConfigVoix.depuis_env({"GUICHET_API_TOKEN": "x" * 20, "GUICHET_MODELES": str(tmp_path)})
    assert (c.url_rasa, c.port_audiosocket, c.port_http, c.port_sip, c.fils_piper) == ("http://127.0.0.1:5005", 9092, 9093, None, 1)
    assert c.chemin_vosk == tmp_path / "vosk-model-small-fr-0.22" and c.chemin_piper == tmp_path / "fr_FR-siwis-medium.onnx"
    c = ConfigVoix.depuis_env({"GUICHET_API_TOKEN": "x" * 20, "GUICHET_SIP_PORT": "5070", "GUICHET_VOIX_SILENCE_S": "4.5",
                               "GUICHET_PIPER_FILS": "0"})
    assert c.port_sip == 5070 and c.reglages.silence_s == 4.5 and c.fils_piper == 0
    assert (c.cible_transfert, c.cible_secours) == ("conseillers", "conseillers")
    c = ConfigVoix.depuis_env({"GUICHET_API_TOKEN": "x" * 20, "GUICHET_VOIX_VAD_AGRESSIVITE": "3",
                               "GUICHET_VOIX_PAROLE_MIN_MS": "120", "GUICHET_VOIX_VOISEMENT_MIN": "0.5"})
    parole = c.reglages.parole
    assert (parole.agressivite, parole.parole_min_ms, parole.voisement_min, parole.fin_parole_ms) == (3, 120, 0.5, 400)


def test_the_fallback_targets_default_to_the_agents_and_can_be_set_apart():
    base = {"GUICHET_API_TOKEN": "x" * 20, "GUICHET_VOIX_TRANSFERT": "accueil", "GUICHET_SIP_TRANSFERT": "sip:accueil@pbx"}
    c = ConfigVoix.depuis_env(base)
    assert (c.cible_secours, c.cible_sip_secours) == ("accueil", "sip:accueil@pbx")
    c = ConfigVoix.depuis_env({**base, "GUICHET_VOIX_TRANSFERT_SECOURS": "standard",
                               "GUICHET_SIP_TRANSFERT_SECOURS": "sip:standard@pbx"})
    assert (c.cible_transfert, c.cible_secours, c.cible_sip_secours) == ("accueil", "standard", "sip:standard@pbx")


def test_pre_synthesis_and_its_disk_cache(tmp_path):
    c = ConfigVoix.depuis_env({"GUICHET_API_TOKEN": "x" * 20, "GUICHET_DONNEES": str(tmp_path)})
    assert c.pre_synthese and c.dossier_cache == tmp_path / "cache-voix"
    c = ConfigVoix.depuis_env({"GUICHET_API_TOKEN": "x" * 20, "GUICHET_VOIX_CACHE": str(tmp_path / "ailleurs"),
                               "GUICHET_VOIX_PRE_SYNTHESE": "0"})
    assert not c.pre_synthese and c.dossier_cache == tmp_path / "ailleurs"


@pytest.mark.parametrize("env, message", [
    ({"GUICHET_VOIX_SILENCE_S": "six"}, "GUICHET_VOIX_SILENCE_S must be a number"),
    ({"GUICHET_VOIX_DUREE_MAX_S": "-1"}, "GUICHET_VOIX_DUREE_MAX_S must be a positive number"),
    ({"GUICHET_PIPER_FILS": "deux"}, "GUICHET_PIPER_FILS must be a whole number"),
    ({"GUICHET_VOIX_VAD_AGRESSIVITE": "5"}, r"GUICHET_VOIX_VAD_AGRESSIVITE must be a whole number \(0 to 3\), got '5'"),
    ({"GUICHET_VOIX_PAROLE_MIN_MS": "5"}, r"GUICHET_VOIX_PAROLE_MIN_MS must be a whole number \(20 to 2000\)"),
    ({"GUICHET_VOIX_VOISEMENT_MIN": "1.5"}, r"GUICHET_VOIX_VOISEMENT_MIN must be between 0 and 1, got '1\.5'"),
    ({"GUICHET_RASA_URL": "rasa:5005"}, "GUICHET_RASA_URL must be an http"),
    ({"GUICHET_VOIX_ANTICIPATION_MS": "400"}, r"GUICHET_VOIX_ANTICIPATION_MS must be 0 \(off\) or from 20 to under GUICHET_VOIX_FIN_PAROLE_MS \(400\)"),
])
def test_bad_values_are_refused_precisely(env, message):
    with pytest.raises(ErreurConfiguration, match=message):
        ConfigVoix.depuis_env({"GUICHET_API_TOKEN": "x" * 20, **env})


def test_no_token_is_a_clear_error(tmp_path):
    with pytest.raises(ErreurConfiguration, match="no Rasa API token"):
        ConfigVoix.depuis_env({"GUICHET_DONNEES": str(tmp_path)})
