import math

import pytest

from configuration.chemins import RACINE, dossier_donnees
from configuration.environnement import entier, reel, texte
from configuration.erreurs import ErreurConfiguration


def test_an_empty_variable_is_unset_everywhere():
    env = {"A": "", "B": "  "}
    assert texte(env, "A", "defaut") == "defaut" and entier(env, "A", 7) == 7 and reel(env, "B", 1.5) == 1.5
    assert dossier_donnees({"GUICHET_DONNEES": ""}) == RACINE / "donnees"
    assert dossier_donnees({"GUICHET_DONNEES": "/srv/guichet"}).as_posix() == "/srv/guichet"


@pytest.mark.parametrize("brut", ["beaucoup", "3.5", "٣", "-1", "70000", "1e3"])
def test_whole_numbers_out_of_shape_or_range_are_refused_naming_the_variable(brut):
    with pytest.raises(ErreurConfiguration, match=r"GUICHET_PORT must be a whole number \(0 to 65535\), got"):
        entier({"GUICHET_PORT": brut}, "GUICHET_PORT", 5005, 0, 65535)


def test_whole_numbers_in_range_are_read():
    assert entier({"N": " 42 "}, "N", 1) == 42 and entier({"N": "0"}, "N", 1) == 0
    assert entier({"N": "-3"}, "N", 1, minimum=-5) == -3


@pytest.mark.parametrize("brut", ["vite", "nan", "inf", "0", "-2"])
def test_positive_numbers_refuse_the_rest(brut):
    with pytest.raises(ErreurConfiguration, match="GUICHET_DELAI must be a"):
        reel({"GUICHET_DELAI": brut}, "GUICHET_DELAI", 2.0)


def test_numbers_are_read():
    assert reel({"D": "0.25"}, "D", 2.0) == 0.25 and reel({"D": "-1"}, "D", 2.0, positif=False) == -1
    assert not math.isnan(reel({}, "D", 2.0))
