"""The case numbers' shape follows the configured case-status back end."""

import pytest

from configuration.erreurs import ErreurConfiguration
from configuration.numero_dossier import FormeNumero, forme_depuis_env, normaliser_numero_dossier


def test_the_default_shape_comes_from_the_back_end_and_a_setting_overrides_it():
    assert forme_depuis_env({}) == FormeNumero(8, 8)
    assert forme_depuis_env({"GUICHET_SUIVI": "demarches_simplifiees"}) == FormeNumero(4, 9)
    assert forme_depuis_env({"GUICHET_SUIVI": "publik"}) == FormeNumero(1, 7)
    assert forme_depuis_env({"GUICHET_SUIVI": "publik", "GUICHET_NUMERO_DOSSIER_CHIFFRES": "5-6"}) == FormeNumero(5, 6)
    assert forme_depuis_env({"GUICHET_NUMERO_DOSSIER_CHIFFRES": "10"}) == FormeNumero(10, 10)
    for mauvais in ("huit", "9-4", "0", "25", "4-"):
        with pytest.raises(ErreurConfiguration, match="GUICHET_NUMERO_DOSSIER_CHIFFRES"):
            forme_depuis_env({"GUICHET_NUMERO_DOSSIER_CHIFFRES": mauvais})


@pytest.mark.parametrize("texte, attendu", [
    ("mon dossier c'est le 1234567", "1234567"),  # a Démarches Simplifiées number
    ("dossier 12 34 567", "1234567"),
    ("un deux trois quatre cinq", "12345"),
    ("douze trente-quatre cinquante-six", "123456"),
    ("le 123", None),  # too short
    ("1234567890", None),  # too long
    ("né le 12/03/1985", None),  # a date is never a case number
])
def test_a_range_of_lengths(texte, attendu):
    assert normaliser_numero_dossier(texte, FormeNumero(4, 9)) == attendu


def test_described_for_the_answers():
    assert (FormeNumero(8, 8).description, FormeNumero(8, 8).description_voix) == ("8 chiffres", "huit chiffres")
    assert (FormeNumero(4, 9).description, FormeNumero(4, 9).description_voix) == ("de 4 à 9 chiffres", "de quatre à neuf chiffres")
