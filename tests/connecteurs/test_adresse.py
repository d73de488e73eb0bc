import pytest

from connecteurs.adresse import normaliser_adresse


@pytest.mark.parametrize(
    "adresse",
    ["12 rue Victor Hugo", "12, R. Victor-Hugo", "12 RUE VICTOR HUGO", "au 12 rue victor hugo", "12 rue Victor Hugo."],
)
def test_same_key_for_written_variants(adresse):
    assert normaliser_adresse(adresse) == "12 rue victor hugo"


def test_accents_and_abbreviations():
    assert normaliser_adresse("3 Av. Jean Jaurès") == normaliser_adresse("3 avenue jean jaures")
    assert normaliser_adresse("pl. de l'Église") == normaliser_adresse("place de l eglise")
    assert normaliser_adresse("12 rue Victor Hugo") != normaliser_adresse("14 rue Victor Hugo")
