import asyncio

import pytest
from aiohttp import web

from connecteurs.client_http import ClientHttp, ReglagesHttp
from connecteurs.disjoncteur import Disjoncteur, EtatCircuit
from connecteurs.erreurs import ConnecteurIndisponible, DelaiDepasse, ReponseInvalide
from tests.connecteurs.serveur_local import servir

RAPIDE = ReglagesHttp(delai_s=0.5, essais_lecture=3, attente_base_s=0.01, attente_max_s=0.3, seuil_disjoncteur=3, pause_disjoncteur_s=60)


class Script:
    """A back end answering a scripted sequence; records the requests."""

    def __init__(self, *reponses):
        self.reponses = list(reponses)
        self.recues: list[str] = []

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        self.recues.append(request.method)
        action = self.reponses.pop(0) if len(self.reponses) > 1 else self.reponses[0]
        if action == "lent":
            await asyncio.sleep(2)
            return web.json_response({})
        if isinstance(action, tuple):
            statut, corps, entetes = action
            return web.Response(status=statut, text=corps, headers=entetes, content_type="application/json")
        return web.json_response(action)


async def appeler(script, lecture=True, reglages=RAPIDE):
    app = web.Application()
    app.router.add_route("*", "/x", script)
    async with servir(app) as url:
        client = ClientHttp("essai", url, reglages)
        try:
            return await client.envoyer("GET" if lecture else "POST", "/x", lecture=lecture), client
        finally:
            await client.fermer()


async def test_read_is_retried_after_a_5xx_then_succeeds():
    script = Script((503, "", {}), (502, "", {}), {"ok": True})
    reponse, _ = await appeler(script)
    assert reponse.corps == {"ok": True} and len(script.recues) == 3


async def test_write_is_never_retried_after_a_5xx():
    script = Script((500, "", {}), {"ok": True})
    with pytest.raises(ConnecteurIndisponible, match="HTTP 500"):
        await appeler(script, lecture=False)
    assert script.recues == ["POST"]


async def test_timeout_is_a_delai_depasse():
    with pytest.raises(DelaiDepasse):
        await appeler(Script("lent"), reglages=ReglagesHttp(delai_s=0.2, essais_lecture=1))


async def test_malformed_json_is_a_reponse_invalide():
    with pytest.raises(ReponseInvalide, match="malformed JSON"):
        await appeler(Script((200, "{pas du json", {})))


async def test_short_retry_after_is_honoured_even_for_a_write():
    script = Script((429, "", {"Retry-After": "0.1"}), {"cree": 1})
    reponse, _ = await appeler(script, lecture=False)
    assert reponse.corps == {"cree": 1} and script.recues == ["POST", "POST"]


async def test_long_retry_after_means_busy_at_once():
    script = Script((429, "", {"Retry-After": "120"}))
    with pytest.raises(ConnecteurIndisponible, match="429"):
        await appeler(script)
    assert len(script.recues) == 1


async def test_4xx_are_returned_to_the_caller():
    reponse, _ = await appeler(Script((404, '{"error": "not found"}', {})))
    assert reponse.statut == 404 and reponse.corps == {"error": "not found"}


async def test_unreachable_back_end():
    client = ClientHttp("essai", "http://127.0.0.1:9", RAPIDE)
    with pytest.raises(ConnecteurIndisponible):
        await client.envoyer("GET", "/x", lecture=True)
    await client.fermer()


async def test_circuit_opens_and_answers_at_once_then_half_opens():
    app = web.Application()
    script = Script((503, "", {}))
    app.router.add_route("*", "/x", script)
    async with servir(app) as url:
        client = ClientHttp("essai", url, ReglagesHttp(delai_s=0.5, essais_lecture=1, seuil_disjoncteur=2, pause_disjoncteur_s=60))
        for _ in range(2):
            with pytest.raises(ConnecteurIndisponible, match="HTTP 503"):
                await client.envoyer("GET", "/x", lecture=True)
        assert client.disjoncteur.etat is EtatCircuit.OUVERT
        with pytest.raises(ConnecteurIndisponible, match="circuit open"):
            await client.envoyer("GET", "/x", lecture=True)
        assert len(script.recues) == 2  # the open circuit did not call the back end
        await client.fermer()


def test_breaker_half_open_trial():
    t = [0.0]
    d = Disjoncteur("x", seuil=1, pause_s=10, horloge=lambda: t[0])
    d.echec()
    with pytest.raises(ConnecteurIndisponible):
        d.autoriser()
    t[0] = 10.0
    d.autoriser()  # one trial
    assert d.etat is EtatCircuit.ENTROUVERT
    d.echec()  # trial failed: open again
    with pytest.raises(ConnecteurIndisponible):
        d.autoriser()
    t[0] = 20.0
    d.autoriser()
    d.succes()
    assert d.etat is EtatCircuit.FERME


async def test_a_slow_back_end_ends_in_the_client_within_its_budget_and_counts_for_the_breaker():
    """The connecteur's own deadline fires before the action's (actions/appel_connecteur.py): timeouts are counted."""
    from actions.appel_connecteur import appeler as appeler_connecteur

    reglages = ReglagesHttp(delai_s=0.3, essais_lecture=3, attente_base_s=0.01, seuil_disjoncteur=2, pause_disjoncteur_s=60)
    app = web.Application()
    app.router.add_route("*", "/x", Script("lent"))
    async with servir(app) as url:
        client = ClientHttp("essai", url, reglages)
        try:
            for echecs in (1, 2):
                debut = asyncio.get_running_loop().time()
                with pytest.raises(DelaiDepasse):
                    await appeler_connecteur("lire", client.envoyer("GET", "/x", lecture=True), reglages.delai_s)
                assert asyncio.get_running_loop().time() - debut < reglages.delai_s + 0.25
                assert client.disjoncteur._echecs == echecs
            assert client.disjoncteur.etat is EtatCircuit.OUVERT
            with pytest.raises(ConnecteurIndisponible, match="circuit open"):  # the next citizen is answered at once
                await client.envoyer("GET", "/x", lecture=True)
        finally:
            await client.fermer()


async def test_a_cancelled_half_open_trial_reopens_the_circuit_and_a_later_trial_closes_it():
    horloge = [0.0]
    app = web.Application()
    app.router.add_route("*", "/x", Script((500, "", {}), "lent", {"ok": True}))
    async with servir(app) as url:
        client = ClientHttp("essai", url, ReglagesHttp(delai_s=5, essais_lecture=1))
        client.disjoncteur = Disjoncteur("essai", seuil=1, pause_s=10, horloge=lambda: horloge[0])
        try:
            with pytest.raises(ConnecteurIndisponible):
                await client.envoyer("GET", "/x", lecture=True)
            assert client.disjoncteur.etat is EtatCircuit.OUVERT
            horloge[0] = 11
            essai = asyncio.create_task(client.envoyer("GET", "/x", lecture=True))  # the half-open trial
            await asyncio.sleep(0.2)
            assert client.disjoncteur.etat is EtatCircuit.ENTROUVERT
            essai.cancel()  # e.g. an outer deadline
            with pytest.raises(asyncio.CancelledError):
                await essai
            assert client.disjoncteur.etat is EtatCircuit.OUVERT  # not stuck half-open
            with pytest.raises(ConnecteurIndisponible, match="circuit open"):
                await client.envoyer("GET", "/x", lecture=True)
            horloge[0] = 22
            assert (await client.envoyer("GET", "/x", lecture=True)).corps == {"ok": True}
            assert client.disjoncteur.etat is EtatCircuit.FERME
        finally:
            await client.fermer()


def test_a_trial_never_heard_of_again_is_replaced_after_a_pause():
    horloge = [0.0]
    d = Disjoncteur("essai", seuil=1, pause_s=10, horloge=lambda: horloge[0])
    d.echec()
    horloge[0] = 10
    d.autoriser()  # the trial goes; its caller vanishes without a verdict
    with pytest.raises(ConnecteurIndisponible):
        d.autoriser()
    horloge[0] = 20
    d.autoriser()  # a new trial
    assert d.etat is EtatCircuit.ENTROUVERT
