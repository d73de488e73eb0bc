import json

import pytest

from serveur_rasa.canal_rest import RequeteInvalide, lire_requete


def corps(**champs) -> bytes:
    return json.dumps(champs).encode()


def test_valid_request_is_cleaned():
    assert lire_requete(corps(sender="abc-1", message=" bon\x00jour\u202e ", metadata={"a": 1})) == (
        "abc-1", "bon jour", {"a": 1},
    )


@pytest.mark.parametrize(
    "brut, statut",
    [
        (b"", 400),
        (b"nope", 400),
        (b"[]", 400),
        (corps(message="x"), 400),
        (corps(sender="x" * 129, message="x"), 400),
        (corps(sender="x", message=None), 400),
        (corps(sender="x", message="x" * 5001), 413),
        (corps(sender="x", message="\x00\x01"), 400),
    ],
)
def test_invalid_requests(brut, statut):
    with pytest.raises(RequeteInvalide) as exc:
        lire_requete(brut)
    assert exc.value.statut == statut
