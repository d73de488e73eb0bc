"""Personal data masking: typed and dictated forms, checked numbers, and what must be left alone; recall on a
generated corpus of French personal data (tests/configuration/corpus_personnel.py)."""

import datetime as dt

import pytest

from configuration.masquage import masquer


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
        ("fr76 3000 6000 0112 3456 7890 189 merci", "[IBAN] merci"),  # lower case
        ("au +33 (0)6 12 34 56 78 le soir", "au [téléphone] le soir"),
        ("mon portable anglais +44 7911 123456", "mon portable anglais [téléphone]"),
        ("c'est zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", "c'est [téléphone]"),
        ("claire point martin arobase exemple point fr", "[courriel]"),
        ("je suis né le 12/03/1985", "je suis né le [date]"),  # a birth date typed outside the date question
        ("née le 1er février 1990 à Lyon", "née le [date] à Lyon"),
    ],
)
def test_personal_data_is_masked(texte, attendu):
    assert masquer(texte) == attendu


@pytest.mark.parametrize(
    "texte",
    [
        "où en est mon dossier 24578301",  # a case number is not personal data to mask
        "vingt-quatre cinquante-sept quatre-vingt-trois zéro un",  # a case number said in pairs
        f"rendez-vous le 12/11/{dt.date.today().year}",  # a recent date is not a birth date
        "on se voit at home",
        "le 12 rue Victor Hugo, 75012 Paris",
        "1 85 03 75 120 005 58",  # NIR shape with a wrong key
        "FR76 3000 6000 0112 3456 7890 188",  # IBAN with a wrong checksum
        "il y a 3 poubelles et 2000 habitants",
    ],
)
def test_what_is_not_personal_data_is_left(texte):
    assert masquer(texte) == texte


def test_recall_and_precision_on_the_generated_corpus():
    """≥ 0.99 of each kind masked (the aim of docs/rgpd.md), nothing masked in the look-alikes."""
    from collections import Counter

    from tests.configuration.corpus_personnel import corpus

    LIBELLES = {"telephone": "[téléphone]", "courriel": "[courriel]", "iban": "[IBAN]", "nir": "[NIR]", "date": "[date]"}

    vus, masques = Counter(), Counter()
    for exemple in corpus(dt.date.today().year, n=300, graine=11):
        resultat = masquer(exemple.texte)
        vus[exemple.categorie] += 1
        if exemple.categorie == "aucune":
            masques["aucune"] += resultat == exemple.texte
        else:
            libelle = LIBELLES[exemple.categorie]
            masques[exemple.categorie] += resultat == exemple.texte.replace(exemple.valeur, libelle)  # all of it, only it
    assert set(vus) == {"telephone", "courriel", "iban", "nir", "date", "aucune"}
    for categorie, n in vus.items():
        assert masques[categorie] / n >= (1.0 if categorie == "aucune" else 0.99), (categorie, masques[categorie], n)
