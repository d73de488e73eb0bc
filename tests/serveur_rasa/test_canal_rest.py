import json

import pytest

from serveur_rasa.canal_rest import TAILLE_MAX_CORPS, lire_requete, texte_reponse
from serveur_rasa.entree_citoyen import REPONSE_TROP_LONG, EntreeRefusee, MessageCitoyen


def corps(**champs) -> bytes:
    return json.dumps(champs).encode()


def test_valid_request_is_cleaned():
    assert lire_requete(corps(sender="abc-1", message=" bon\x00jour\u202e ", metadata={"a": 1})) == MessageCitoyen(
        "abc-1", "bon jour", {"a": 1},
    )


@pytest.mark.parametrize(
    "brut, statut",
    [
        (b"", 400),
        (b"nope", 400),
        (b"[]", 400),
        (b"[" * 60_000, 400),  # nesting bomb: RecursionError in the JSON decoder
        (b'{"sender": "x", "message": "a", "metadata": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5001, 400),
        (corps(message="x"), 400),
        (corps(sender="x" * 129, message="x"), 400),
        (corps(sender="x\u0660", message="x"), 400),  # non-ASCII digits are not in the sender alphabet
        (corps(sender="x", message=None), 400),
        (corps(sender="x", message="x" * 5001), 413),
        (corps(sender="x", message="\x00\x01"), 400),
        (corps(sender="x", message="/EXTERNAL_fin_conseiller"), 400),
        (corps(sender="x", message="EXTERNAL: fin"), 400),
        (corps(sender="x", message="a", metadata={"a": [[[[[[[[[1]]]]]]]]]}), 400),
        (corps(sender="x", message="a", metadata={"a": "b" * 5000}), 413),
        (b" " * (TAILLE_MAX_CORPS + 1), 413),
    ],
    ids=lambda v: str(v)[:40] if isinstance(v, bytes) else str(v),
)
def test_invalid_requests(brut, statut):
    with pytest.raises(EntreeRefusee) as exc:
        lire_requete(brut)
    assert exc.value.statut == statut


def test_too_long_names_the_french_answer():
    with pytest.raises(EntreeRefusee) as exc:
        lire_requete(corps(sender="x", message="x" * 5001))
    assert exc.value.reponse == REPONSE_TROP_LONG


def test_lone_surrogates_are_removed_from_text_and_metadata():
    brut = b'{"sender": "x", "message": "bon\\ud800jour \\udfff", "metadata": {"canal": "w\\ud800"}}'
    assert lire_requete(brut) == MessageCitoyen("x", "bon jour", {"canal": "w "})


def test_declencheur_only_on_button_payloads():
    tape = lire_requete(corps(sender="x", message="je veux résilier", metadata={"declencheur": True, "canal": "widget"}))
    assert tape.metadata == {"canal": "widget"}
    bouton = lire_requete(corps(sender="x", message="/saluer", metadata={"declencheur": True}))
    assert bouton.metadata == {"declencheur": True}


class Domaine:
    responses = {"utter_x": [{"text": "écrit"}, {"channel": "voix", "text": "parlé"}]}


def test_response_text_by_channel():
    assert texte_reponse(Domaine(), "utter_x", "voix") == "parlé"
    assert texte_reponse(Domaine(), "utter_x", "rest") == "écrit"
    assert texte_reponse(Domaine(), "utter_absent", "rest") is None
