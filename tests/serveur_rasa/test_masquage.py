import pytest

from serveur_rasa.masquage import masquer


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("écrivez-moi à claire.martin@example.org svp", "écrivez-moi à [courriel] svp"),
        ("mon numéro 06 12 34 56 78", "mon numéro [téléphone]"),
        ("appelez le +33 6 12 34 56 78 ou le 0123456789", "appelez le [téléphone] ou le [téléphone]"),
        ("mon nir 1 85 03 75 120 005 97", "mon nir [NIR]"),  # 97 - 1850375120005 mod 97 = 97
        ("numéro de sécu 2850375120005", "numéro de sécu [NIR]"),
        ("IBAN FR76 3000 6000 0112 3456 7890 189 merci", "IBAN [IBAN] merci"),
        ("FR7630006000011234567890189", "[IBAN]"),
    ],
)
def test_personal_data_is_masked(texte, attendu):
    assert masquer(texte) == attendu


@pytest.mark.parametrize(
    "texte",
    [
        "où en est mon dossier 24578301",  # a case number is not personal data to mask
        "je suis né le 12/03/1985",
        "le 12 rue Victor Hugo, 75012 Paris",
        "1 85 03 75 120 005 58",  # NIR shape with a wrong key
        "FR76 3000 6000 0112 3456 7890 188",  # IBAN with a wrong checksum
        "il y a 3 poubelles et 2000 habitants",
    ],
)
def test_what_is_not_personal_data_is_left(texte):
    assert masquer(texte) == texte
