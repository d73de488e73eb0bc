"""Normalisation of what citizens type or say: numbers, dates, contacts, choices."""

import datetime as dt

import pytest

from actions.choix import analyser_categorie, analyser_creneau, analyser_note
from actions.contact import normaliser_contact, normaliser_courriel, normaliser_telephone
from actions.date_naissance import analyser_date_naissance
from actions.texte_libre import nettoyer
from configuration.nombres_francais import lire_chiffres, mots_en_chiffres, nombre_en_mots
from configuration.numero_dossier import normaliser_numero_dossier
from connecteurs.modeles import CategorieSignalement, CreneauRappel

AUJOURD_HUI = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    "texte",
    [
        "24578301",
        "24 57 83 01",
        "2457-8301",
        "24.57.83.01",
        "n°24578301",
        "mon dossier c'est le 24578301 merci",
        "vingt-quatre cinquante-sept quatre-vingt-trois zéro un",
        "deux quatre cinq sept huit trois zéro un",
        "vingt quatre, cinquante sept, quatre vingt trois, zero un",
        "deux quatre cinquante-sept quatre-vingt-trois zéro un",  # digits and pairs mixed
        "vingt-quatre cinq sept huit trois zéro un",
        "24 cinquante-sept 83 01",
        "euh vingt-quatre... cinquante-sept, quatre-vingt-trois, zéro, un",
    ],
)
def test_case_number_variants(texte):
    assert normaliser_numero_dossier(texte) == "24578301"


@pytest.mark.parametrize("texte", ["", "1234567", "123456789", "06 12 34 56 78", "bonjour", "12/03/1985 et 24"])
def test_not_a_case_number(texte):
    assert normaliser_numero_dossier(texte) is None


@pytest.mark.parametrize(
    "texte, attendu",
    [
        ("12/03/1985", dt.date(1985, 3, 12)),
        ("12 mars 1985", dt.date(1985, 3, 12)),
        ("12031985", dt.date(1985, 3, 12)),
        ("12-03-1985", dt.date(1985, 3, 12)),
        ("12.03.85", dt.date(1985, 3, 12)),
        ("le 12 mars 1985", dt.date(1985, 3, 12)),
        ("12 mars 85", dt.date(1985, 3, 12)),
        ("1er janvier 2000", dt.date(2000, 1, 1)),
        ("douze mars mille neuf cent quatre-vingt-cinq", dt.date(1985, 3, 12)),
        ("premier janvier deux mille", dt.date(2000, 1, 1)),
        ("3 juillet 1990", dt.date(1990, 7, 3)),
        ("21 novembre 1972", dt.date(1972, 11, 21)),
        ("5 janvier deux mille", dt.date(2000, 1, 5)),
    ],
)
def test_birth_date_variants(texte, attendu):
    assert analyser_date_naissance(texte, AUJOURD_HUI) == attendu


@pytest.mark.parametrize(
    "texte", ["", "hier", "dans deux jours", "31/02/1990", "12/03/2030", "01/01/1850", "bonjour", "x" * 500, "12 mars"]
)
def test_not_a_birth_date(texte):
    assert analyser_date_naissance(texte, AUJOURD_HUI) is None


def test_french_number_words():
    assert mots_en_chiffres("soixante-dix-sept quatre-vingt-dix-neuf soixante et onze") == "77 99 71"
    assert mots_en_chiffres("mille neuf cent quatre-vingt-cinq") == "1985"
    assert mots_en_chiffres("dix-neuf cent quatre-vingt-cinq") == "1985"
    assert mots_en_chiffres("deux mille vingt-trois") == "2023"
    assert mots_en_chiffres("zéro six douze") == "0 6 12"
    assert [nombre_en_mots(n) for n in (0, 17, 21, 71, 80, 81, 91, 99)] == [
        "zéro", "dix-sept", "vingt et un", "soixante et onze", "quatre-vingts", "quatre-vingt-un",
        "quatre-vingt-onze", "quatre-vingt-dix-neuf",
    ]


def test_numbers_read_for_the_phone():
    assert lire_chiffres("24578301") == "vingt-quatre, cinquante-sept, quatre-vingt-trois, zéro, un"
    assert lire_chiffres("S-000012") == "S, zéro, zéro, zéro, zéro, douze"
    # every pair read back gives the digits again
    for numero in ("00000000", "99999999", "10293847", "70718090"):
        assert "".join(mots_en_chiffres(lire_chiffres(numero)).split()) == numero


@pytest.mark.parametrize(
    "texte, attendu",
    [
        ("Jean.Dupont@Exemple.fr", "jean.dupont@exemple.fr"),
        ("06 12 34 56 78", "0612345678"),
        ("06.12.34.56.78", "0612345678"),
        ("+33 6 12 34 56 78", "0612345678"),
        ("0033612345678", "0612345678"),
        ("zéro six douze trente-quatre cinquante-six soixante-dix-huit", "0612345678"),
    ],
)
def test_contacts(texte, attendu):
    assert normaliser_contact(texte) == attendu


@pytest.mark.parametrize("texte", ["", "bonjour", "jean@", "@exemple.fr", "12345", "00 12 34 56 78", "a@b", "x" * 400])
def test_invalid_contacts(texte):
    assert normaliser_contact(texte) is None


def test_email_and_phone_separately():
    assert normaliser_courriel("0612345678") is None
    assert normaliser_telephone("jean@exemple.fr") is None


@pytest.mark.parametrize(
    "texte, attendu",
    [
        ("voirie", CategorieSignalement.VOIRIE),
        ("Voirie (chaussée, trottoir)", CategorieSignalement.VOIRIE),
        ("un nid de poule", CategorieSignalement.VOIRIE),
        ("éclairage", CategorieSignalement.ECLAIRAGE),
        ("eclairage public", CategorieSignalement.ECLAIRAGE),
        ("le lampadaire", CategorieSignalement.ECLAIRAGE),
        ("propreté", CategorieSignalement.PROPRETE),
        ("des tags", CategorieSignalement.PROPRETE),
        ("espaces verts", CategorieSignalement.ESPACES_VERTS),
        ("un arbre tombé", CategorieSignalement.ESPACES_VERTS),
        ("autre", CategorieSignalement.AUTRE),
    ],
)
def test_report_categories(texte, attendu):
    assert analyser_categorie(texte) is attendu


def test_unknown_category():
    assert analyser_categorie("bof") is None


def test_callback_slots_and_ratings():
    assert analyser_creneau("le matin") is CreneauRappel.MATIN
    assert analyser_creneau("plutôt l'après-midi") is CreneauRappel.APRES_MIDI
    assert analyser_creneau("peu importe") is CreneauRappel.INDIFFERENT
    assert analyser_creneau("mardi") is None
    assert [analyser_note(t) for t in ("4", "4/5", "5 sur 5", "trois", "Oui", "non merci", "bof", "")] == [
        "4", "4", "5", "3", "oui", "non", None, None,
    ]


def test_free_text_cleaning():
    assert nettoyer("  un\x00 trou\n\tprofond ", 100) == "un trou profond"
    assert nettoyer("\x01\x02", 100) is None
    assert nettoyer("x" * 101, 100) is None


def test_numbers_and_dates_in_words_for_the_phone():
    from configuration.nombres_francais import date_en_lettres, nombre_en_lettres

    assert [nombre_en_lettres(n) for n in (15, 100, 200, 201, 1980, 1985, 2000, 2026)] == [
        "quinze", "cent", "deux cents", "deux cent un", "mille neuf cent quatre-vingts",
        "mille neuf cent quatre-vingt-cinq", "deux mille", "deux mille vingt-six",
    ]
    assert date_en_lettres(dt.date(2026, 9, 21)) == "vingt et un septembre deux mille vingt-six"
    assert date_en_lettres(dt.date(2026, 12, 1)) == "premier décembre deux mille vingt-six"
    for n in (7, 71, 99, 100, 180, 1985, 2026, 9999):
        assert mots_en_chiffres(nombre_en_lettres(n)) == str(n)


def test_a_bare_date_is_never_a_case_number():
    assert normaliser_numero_dossier("12/03/1985") is None and normaliser_numero_dossier("le 12-03-1985 svp") is None
