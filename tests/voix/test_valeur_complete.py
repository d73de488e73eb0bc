"""A complete answer ends the caller's turn at once; a number that may still grow never does."""

import pytest

from voix.valeur_complete import valeur_complete


@pytest.mark.parametrize("slot, texte", [
    ("numero_dossier", "vingt quatre cinquante sept quatre vingt trois zéro un"),
    ("numero_dossier", "deux quatre cinq sept huit trois zéro un"),
    ("numero_dossier", "vingt-quatre cinq sept quatre-vingt-trois zéro un"),
    ("telephone_rappel", "zéro six douze trente quatre cinquante six soixante dix huit"),
    ("date_naissance", "douze mars mille neuf cent quatre vingt cinq"),
    ("date_naissance", "le premier février deux mille trois"),
])
def test_complete_answers(slot, texte):
    assert valeur_complete(slot, texte)


@pytest.mark.parametrize("slot, texte", [
    ("numero_dossier", "vingt quatre cinquante sept quatre vingt trois zéro"),  # seven digits
    ("numero_dossier", "vingt quatre cinquante sept quatre vingt trois zéro quatre"),  # « quatre-vingt… » may follow
    ("numero_dossier", "deux quatre cinquante sept huit trois zéro soixante"),  # « soixante-… » may follow
    ("numero_dossier", "deux quatre cinq sept huit trois un dix"),  # « dix-sept » may follow
    ("telephone_rappel", "six douze trente quatre cinquante six soixante dix huit"),  # no leading zero
    ("date_naissance", "douze mars mille neuf cent quatre vingt"),  # « quatre-vingt-cinq » may follow
    ("date_naissance", "douze mars deux mille"),  # « deux mille trois » may follow
    ("date_naissance", "mille neuf cent quatre vingt cinq"),  # no day nor month
    (None, "vingt quatre cinquante sept quatre vingt trois zéro un"),  # no question asked: free speech
    ("numero_dossier", ""),
])
def test_incomplete_or_still_growing(slot, texte):
    assert not valeur_complete(slot, texte)


def test_with_a_range_of_lengths_only_the_longest_number_ends_the_turn_early():
    from configuration.numero_dossier import FormeNumero
    from voix.grammaires import texte_touches

    forme = FormeNumero(4, 9)
    assert not valeur_complete("numero_dossier", "un deux trois quatre cinq six sept", forme)  # 7: an eighth may follow
    assert valeur_complete("numero_dossier", "un deux trois quatre cinq six sept huit un", forme)
    assert texte_touches(None, "1234567", forme) == '/suivre_dossier{"numero_dossier": "1234567"}'
    assert texte_touches(None, "1234567") == "1234567"  # not a case number of the embedded GRC
