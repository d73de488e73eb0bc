"""Tickets from two lock-store instances (two replicas) hammering one conversation on a real Redis."""

import threading

import pytest
from rasa.utils.endpoints import EndpointConfig

from serveur_rasa.verrous_redis import VerrousRedis
from tests.integration.infrastructure import redis


@pytest.fixture(scope="module")
def port_redis():
    with redis() as port:
        yield port


def magasin(port: int) -> VerrousRedis:
    return VerrousRedis(EndpointConfig(url="127.0.0.1", type="serveur_rasa.verrous_redis.VerrousRedis", port=str(port), db="2"))


def test_tickets_are_unique_across_replicas(port_redis):
    repliques = [magasin(port_redis), magasin(port_redis)]
    tickets: list[int] = []
    garde = threading.Lock()

    def emettre(store: VerrousRedis) -> None:
        for _ in range(25):
            t = store.issue_ticket("conversation-partagee")
            with garde:
                tickets.append(t)

    fils = [threading.Thread(target=emettre, args=(repliques[i % 2],)) for i in range(4)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    assert len(tickets) == 100 and len(set(tickets)) == 100  # no ticket handed out twice
    verrou = repliques[0].get_lock("conversation-partagee")
    assert verrou is not None and len(verrou.tickets) == 100  # none overwritten
    for t in tickets:
        repliques[1].cleanup("conversation-partagee", t)
    assert repliques[0].get_lock("conversation-partagee") is None


def test_settings_must_be_numbers():
    with pytest.raises(ValueError, match="GUICHET_VERROUS_PORT"):
        VerrousRedis(EndpointConfig(url="127.0.0.1", port="six", db="1"))
