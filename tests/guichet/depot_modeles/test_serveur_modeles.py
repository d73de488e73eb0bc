"""The model server and its store against real HTTP: what Rasa replicas pull and what `publier` sends."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import tarfile
from pathlib import Path

import aiohttp
import pytest
from rasa.utils.endpoints import EndpointConfig

from guichet.depot_modeles.depot import ConflitPublication, DepotModeles, VersionInconnue
from guichet.depot_modeles.serveur import creer_application
from serveur_rasa.archive_modele import ArchiveInvalide, lire_metadonnees
from serveur_rasa.modele_publie import Synchronisation
from tests.connecteurs.serveur_local import servir

JETON = "jeton-du-serveur-de-modeles-" + "x" * 8


def archive(dossier: Path, model_id: str, entraine_le: str = "2026-12-01T10:00:00", composants: bool = True) -> Path:
    """A small archive shaped like a trained Rasa model (metadata.json last, as Rasa writes it)."""
    chemin = dossier / f"{model_id}.tar.gz"
    with tarfile.open(chemin, "w:gz") as tar:
        membres = [("components/domain_provider/domain.yml", b"version: '3.1'\n")] if composants else []
        membres.append(("metadata.json", json.dumps({"model_id": model_id, "trained_at": entraine_le}).encode()))
        for nom, donnees in membres:
            info = tarfile.TarInfo(nom)
            info.size = len(donnees)
            tar.addfile(info, io.BytesIO(donnees))
    return chemin


def test_the_archive_reader_refuses_what_is_not_a_model(tmp_path):
    assert lire_metadonnees(archive(tmp_path, "m1")).model_id == "m1"
    with pytest.raises(ArchiveInvalide, match="without trained components"):
        lire_metadonnees(archive(tmp_path, "vide", composants=False))
    tronquee = tmp_path / "tronquee.tar.gz"
    tronquee.write_bytes(archive(tmp_path, "m2").read_bytes()[:60])
    with pytest.raises(ArchiveInvalide, match="not a readable Rasa model"):
        lire_metadonnees(tronquee)


def test_the_store_publishes_restores_refuses_and_prunes(tmp_path):
    depot = DepotModeles(tmp_path / "depot", versions_conservees=3)
    assert depot.actuel() is None
    assert depot.publier(archive(tmp_path, "m1")).model_id == "m1"
    with pytest.raises(ConflitPublication, match="another publication"):
        depot.publier(archive(tmp_path, "m2"), precedent_attendu="autre")
    assert depot.actuel().model_id == "m1" and not (tmp_path / "m2.tar.gz").exists()  # the refused upload is not left behind
    depot.publier(archive(tmp_path, "m2"), precedent_attendu="m1")
    assert depot.retablir("m1", precedent_attendu="m2").model_id == "m1"
    with pytest.raises(VersionInconnue):
        depot.retablir("jamais-vu")
    with pytest.raises(ArchiveInvalide):
        depot.publier(archive(tmp_path, "m3", composants=False))
    for n in (4, 5, 6):
        depot.publier(archive(tmp_path, f"m{n}"))
    assert depot.versions() == ["m6", "m5", "m4"] and depot.actuel().model_id == "m6"
    # another process (a restart) reads the same current model
    assert DepotModeles(tmp_path / "depot").actuel().model_id == "m6"


def test_the_shipped_model_is_taken_only_when_newer(tmp_path):
    depot = DepotModeles(tmp_path / "depot")
    livre = archive(tmp_path, "image", "2026-11-01T09:00:00")
    assert depot.semer(livre).model_id == "image"  # empty store: the shipped model
    depot.publier(archive(tmp_path, "publie", "2026-11-20T09:00:00"))
    assert depot.semer(livre).model_id == "publie"  # a restart keeps the publication
    plus_recent = archive(tmp_path, "nouvelle-version", "2026-11-30T09:00:00")
    assert depot.semer(plus_recent).model_id == "nouvelle-version"  # a new release's model is not hidden
    assert depot.semer(tmp_path / "absent.tar.gz").model_id == "nouvelle-version"


@pytest.fixture
async def serveur(tmp_path):
    depot = DepotModeles(tmp_path / "depot")
    depot.publier(archive(tmp_path, "m1"))
    async with servir(creer_application(depot, JETON, taille_max=64 * 1024)) as url:
        yield url, depot


def bearer(jeton: str = JETON) -> dict[str, str]:
    return {"Authorization": f"Bearer {jeton}"}


async def test_rasa_pull_protocol_etag_and_not_modified(serveur, tmp_path):
    url, depot = serveur
    async with aiohttp.ClientSession() as s:
        assert (await s.get(f"{url}/sante")).status == 200  # the healthcheck needs no token
        assert (await s.get(f"{url}/modele")).status == 401
        assert (await s.get(f"{url}/modele", headers=bearer("mauvais-" + "y" * 20))).status == 401
        r = await s.get(f"{url}/modele", headers=bearer())
        assert r.status == 200 and r.headers["ETag"] == '"m1"' and r.headers["filename"] == "guichet-m1.tar.gz"
        assert await r.read() == depot.actuel().chemin.read_bytes()
        r = await s.get(f"{url}/modele", headers={**bearer(), "If-None-Match": '"m1"'})
        assert r.status == 304 and r.headers["ETag"] == '"m1"'
        assert (await (await s.get(f"{url}/modele/actuel", headers=bearer())).json())["refuse_par"] == 0
        # the refused models a replica announces after its own: the current one refused, publier is told
        assert (await s.get(f"{url}/modele", headers={**bearer(), "If-None-Match": '"m0", "m1"'})).status == 304
        assert (await (await s.get(f"{url}/modele/actuel", headers=bearer())).json())["refuse_par"] == 1
        assert (await s.get(f"{url}/modele", headers={**bearer(), "If-None-Match": '"m0"'})).status == 200


async def test_publishing_and_going_back_over_http(serveur, tmp_path):
    url, depot = serveur
    async with aiohttp.ClientSession() as s:
        r = await s.put(f"{url}/modele", data=archive(tmp_path, "m2").read_bytes(), headers={**bearer(), "If-Match": '"m0"'})
        assert r.status == 412 and "another publication" in (await r.json())["erreur"]
        r = await s.put(f"{url}/modele", data=archive(tmp_path, "m2").read_bytes(), headers={**bearer(), "If-Match": '"m1"'})
        assert r.status == 200 and (await r.json())["model_id"] == "m2"
        r = await s.put(f"{url}/modele", data=b"pas une archive", headers=bearer())
        assert r.status == 400 and "not a readable Rasa model" in (await r.json())["erreur"]
        r = await s.put(f"{url}/modele", data=b"\0" * (65 * 1024), headers=bearer())
        assert r.status == 413
        r = await s.get(f"{url}/modele/actuel", headers=bearer())
        assert (await r.json())["actuel"]["model_id"] == "m2" and (await r.json())["versions"] == ["m2", "m1"]
        assert (await s.post(f"{url}/modele/retablir", json={"model_id": "inconnu"}, headers=bearer())).status == 404
        assert (await s.post(f"{url}/modele/retablir", json={"model_id": "m1", "precedent": "m9"}, headers=bearer())).status == 412
        assert (await s.post(f"{url}/modele/retablir", data="{", headers=bearer())).status == 400
        r = await s.post(f"{url}/modele/retablir", json={"model_id": "m1", "precedent": "m2"}, headers=bearer())
        assert r.status == 200 and depot.actuel().model_id == "m1"
    assert not list((tmp_path / "depot" / "versions").glob(".envoi-*"))  # no upload left half-written


async def test_a_replica_pulls_only_what_changed_and_says_once_when_the_server_is_gone(serveur, tmp_path, caplog):
    url, depot = serveur
    sync = Synchronisation(EndpointConfig(url=f"{url}/modele", headers=bearer(), wait_time_between_pulls="10"))
    assert sync.intervalle_s == 10.0
    tire = await sync.tirer([], tmp_path)
    assert tire is not None and tire[0] == '"m1"' and lire_metadonnees(tire[1]).model_id == "m1"
    assert await sync.tirer(['"m1"'], tmp_path) is None
    depot.publier(archive(tmp_path, "m2"))
    assert (await sync.tirer(['"m1"'], tmp_path))[0] == '"m2"'
    ailleurs = Synchronisation(EndpointConfig(url="http://127.0.0.1:9/modele", wait_time_between_pulls=""))
    assert ailleurs.intervalle_s == 0.0
    with caplog.at_level(logging.WARNING, logger="serveur_rasa.modele_publie"):
        for _ in range(3):
            assert await ailleurs.tirer(['"m1"'], tmp_path) is None
    assert [r.getMessage() for r in caplog.records] == ["model server http://127.0.0.1:9/modele unreachable (ClientConnectorError): the current model stays loaded"]


def test_dates_are_read_as_rasa_writes_them(tmp_path):
    assert lire_metadonnees(archive(tmp_path, "m", "2026-12-02T10:40:21.039512")).entraine_le == dt.datetime(2026, 12, 2, 10, 40, 21, 39512)
