"""`publier` through the model server to two real Rasa replicas: no downtime, new answers live on
both, a restart keeps them, rollback on failure, a replica never left without a model."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path

import aiohttp
import pytest

from guichet.construction.entrainement import entrainer
from guichet.construction.projet import Projet
from guichet.edition.publication import Attendu, ConfigPublication, ErreurPublication, deployer, identifiant_modele
from guichet.exploitation.lancement import (
    ConfigLancement,
    commande_modeles,
    commande_rasa,
    environnement_modeles,
    environnement_serveurs,
    preparer_bases,
)
from tests.integration.conftest import RACINE
from tests.integration.serveurs import JETON, attendre, ports_libres

pytestmark = pytest.mark.integration
QUESTION = "quels sont les horaires d'ouverture de la mairie"
NOUVEAU = "Bonne nouvelle : la mairie de la Ville de Démo"


def copier_projet(cible: Path) -> Projet:
    entrainer(Projet())
    shutil.copytree(RACINE / "contenu", cible / "contenu")
    (cible / "bot").mkdir(parents=True)
    for nom in ("config.yml", "credentials.yml", "endpoints.yml"):
        shutil.copy(RACINE / "bot" / nom, cible / "bot" / nom)
    for nom in ("domain", "data"):
        shutil.copytree(RACINE / "bot" / nom, cible / "bot" / nom)
    (cible / "bot" / "models").mkdir()
    for chemin in (RACINE / "bot" / "models").glob("guichet.*"):
        shutil.copy(chemin, cible / "bot" / "models" / chemin.name)
    return Projet(cible)


@dataclasses.dataclass
class Deploiement:
    """A model server and two Rasa replicas pulling from it every second, each with its own data."""

    dossier: Path
    projet: Projet
    configs: dict[str, ConfigLancement]
    modele_initial: Path  # what each replica's --model points at: the model shipped before any publication
    processus: dict[str, subprocess.Popen] = dataclasses.field(default_factory=dict)

    def url(self, nom: str) -> str:
        return f"http://127.0.0.1:{self.configs[nom].port_rasa}"

    @property
    def modeles(self) -> str:
        return self.configs["a"].url_modeles

    def demarrer(self, nom: str) -> None:
        config = self.configs[nom]
        journal = open(self.dossier / f"{nom}.log", "ab")
        if nom == "modeles":
            env = environnement_modeles(config, {**environnement_serveurs(config), "GUICHET_DEPOT_MODELES_LIVRE": str(self.modele_initial)}, JETON)
            self.processus[nom] = subprocess.Popen(commande_modeles(), cwd=RACINE, env=env, stdout=journal, stderr=subprocess.STDOUT)
            attendre(f"http://127.0.0.1:{config.port_modeles}/sante", self.processus[nom])
            return
        env = environnement_serveurs(config)
        preparer_bases(env)
        self.processus[nom] = subprocess.Popen(commande_rasa(config, JETON, self.modele_initial), cwd=RACINE, env=env,
                                               stdout=journal, stderr=subprocess.STDOUT)

    def pret(self, nom: str) -> None:
        attendre(f"{self.url(nom)}/webhooks/rest/", self.processus[nom])

    def arreter(self, nom: str) -> None:
        p = self.processus.pop(nom)
        p.terminate()
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()


@pytest.fixture(scope="module")
def deploiement(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("publication")
    projet = copier_projet(dossier / "projet")
    initial = dossier / "livre.tar.gz"
    shutil.copy(projet.modele, initial)
    port_a, port_b, port_actions, port_modeles = ports_libres(4)
    url_modeles = f"http://127.0.0.1:{port_modeles}/modele"
    configs = {
        nom: ConfigLancement(hote="127.0.0.1", port_rasa=port, port_actions=port_actions, dossier_donnees=dossier / f"donnees-{nom}",
                             jeton_api=JETON, port_modeles=port_modeles, url_modeles=url_modeles, intervalle_modeles_s=1)
        for nom, port in (("a", port_a), ("b", port_b))
    }
    configs["modeles"] = dataclasses.replace(configs["a"], dossier_donnees=dossier / "donnees-modeles")
    d = Deploiement(dossier, projet, configs, initial)
    try:
        d.demarrer("modeles")
        d.demarrer("a")
        d.demarrer("b")
        d.pret("a")
        d.pret("b")
        yield d
    finally:
        for nom in list(d.processus):
            d.arreter(nom)


async def demander(session: aiohttp.ClientSession, url: str, texte: str) -> tuple[int, str, float]:
    debut = time.monotonic()
    async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": f"pub-{uuid.uuid4().hex[:8]}", "message": texte}) as r:
        corps = await r.json() if r.status == 200 else []
        return r.status, "\n".join(m.get("text", "") for m in corps), time.monotonic() - debut


async def modele_du_serveur(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(f"{url}/status", params={"token": JETON}) as r:
        return (await r.json())["model_id"]


async def modele_publie(session: aiohttp.ClientSession, deploiement: Deploiement) -> str:
    async with session.get(f"{deploiement.modeles}/actuel", headers={"Authorization": f"Bearer {JETON}"}) as r:
        return (await r.json())["actuel"]["model_id"]


async def test_publier_reaches_both_replicas_live_and_a_restart_keeps_it(deploiement):
    d = deploiement
    mairie = d.projet.faq / "mairie.yml"
    mairie.write_text(mairie.read_text(encoding="utf-8").replace("La mairie de la ${nom} vous accueille", "Bonne nouvelle : la mairie de la ${nom} vous accueille"), encoding="utf-8")
    urls = [d.url("a"), d.url("b")]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        for url in urls:
            statut, avant, _ = await demander(session, url, QUESTION)
            assert statut == 200 and avant.startswith("La mairie de la Ville de Démo")
        fini = asyncio.Event()
        reponses: list[tuple[int, str, float]] = []

        async def trafic(url: str) -> None:
            while not fini.is_set():
                reponses.append(await demander(session, url, QUESTION))
                await asyncio.sleep(0.2)

        taches = [asyncio.create_task(trafic(url)) for url in urls]
        processus = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "guichet.edition", "--racine", str(d.projet.racine), "publier",
            "--serveur", urls[0], "--serveur", urls[1], "--modeles", d.modeles,
            cwd=RACINE, env={**os.environ, "GUICHET_API_TOKEN": JETON},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        sortie, erreurs = await asyncio.wait_for(processus.communicate(), 300)
        await asyncio.sleep(0.5)
        fini.set()
        await asyncio.wait_for(asyncio.gather(*taches), 60)
        assert processus.returncode == 0, erreurs.decode()
        texte = sortie.decode()
        assert "seules les réponses ont changé" in texte and all(f"publié sur {url}" in texte for url in urls), texte
        etapes = erreurs.decode()  # the steps, as the editor sees them while waiting
        assert "[1/3] lecture des sources" in etapes and "[2/3] construction du modèle" in etapes
        assert "[3/3] envoi au serveur de modèles, chargement par 2 serveur(s)" in etapes
        # nobody was left without an answer while the models were swapped
        assert len(reponses) >= 6 and all(s == 200 and t for s, t, _ in reponses), reponses
        print(f"\npublication: {len(reponses)} turns during it, slowest {max(r[2] for r in reponses):.1f} s")
        publie = identifiant_modele(Projet(d.projet.racine).modele)
        assert await modele_publie(session, d) == publie
        for url in urls:
            statut, apres, _ = await demander(session, url, QUESTION)
            assert statut == 200 and apres.startswith(NOUVEAU)
            assert await modele_du_serveur(session, url) == publie
    # a restart of a replica whose own --model file is still the old one: it runs the published model
    d.arreter("b")
    d.demarrer("b")
    d.pret("b")
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        assert await modele_du_serveur(session, d.url("b")) == publie
        assert (await demander(session, d.url("b"), QUESTION))[1].startswith(NOUVEAU)


async def test_a_replica_started_while_the_model_server_is_down_answers_then_catches_up(deploiement):
    d = deploiement
    d.arreter("modeles")
    try:
        d.arreter("b")
        debut = time.monotonic()
        d.demarrer("b")
        d.pret("b")
        duree = time.monotonic() - debut
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            statut, texte, _ = await demander(session, d.url("b"), QUESTION)
            assert statut == 200 and "mairie" in texte  # its own model file, not nothing
            assert await modele_du_serveur(session, d.url("b")) == identifiant_modele(d.modele_initial)
    finally:
        d.demarrer("modeles")
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        publie = await modele_publie(session, d)
        for _ in range(120):
            if await modele_du_serveur(session, d.url("b")) == publie:
                break
            await asyncio.sleep(0.5)
        assert await modele_du_serveur(session, d.url("b")) == publie
    print(f"\nreplica start with the model server down: {duree:.1f} s")


def config_publication(d: Deploiement, delai_s: float = 60) -> ConfigPublication:
    return ConfigPublication(serveurs=(d.url("a"), d.url("b")), modeles=d.modeles, jeton=JETON, delai_chargement_s=delai_s)


def archive_factice(chemin: Path, membres: dict[str, bytes]) -> Path:
    with tarfile.open(chemin, "w:gz") as archive:
        for nom, donnees in membres.items():
            info = tarfile.TarInfo(nom)
            info.size = len(donnees)
            archive.addfile(info, io.BytesIO(donnees))
    return chemin


async def test_archives_that_are_not_models_are_refused_before_any_replica_changes(deploiement, tmp_path):
    d = deploiement
    actuel = Projet(d.projet.racine).modele
    casse = tmp_path / "casse.tar.gz"
    casse.write_bytes(actuel.read_bytes()[:5000])  # truncated archive
    with pytest.raises(ErreurPublication, match="n'est pas un modèle Rasa lisible"):
        await deployer(config_publication(d), casse, Attendu({}, ()))
    faux = archive_factice(tmp_path / "faux.tar.gz", {"metadata.json": json.dumps({"model_id": "faux", "trained_at": "2026-12-01T00:00:00"}).encode()})
    async with aiohttp.ClientSession() as session:
        avant = await modele_publie(session, d)
        with pytest.raises(ErreurPublication, match="faux.tar.gz n'est pas un modèle Rasa lisible"):  # metadata without components
            await deployer(config_publication(d), faux, Attendu({}, ()))
        assert await modele_publie(session, d) == avant


async def test_a_model_the_replicas_cannot_load_is_rolled_back(deploiement, tmp_path):
    d = deploiement
    illisible = archive_factice(tmp_path / "illisible.tar.gz", {
        "components/domain_provider/domain.yml": b"pas: [un domaine",
        "metadata.json": json.dumps({"model_id": "illisible", "trained_at": "2026-12-01T00:00:00"}).encode(),
    })
    async with aiohttp.ClientSession() as session:
        avant = await modele_publie(session, d)
        debut = time.monotonic()
        with pytest.raises(ErreurPublication) as exc:
            await deployer(config_publication(d, delai_s=120), illisible, Attendu({}, ()))
        # the replicas say they refused it when they next ask: no waiting for the 120 s
        assert "n'a pas pu charger le modèle illisible" in str(exc.value) and time.monotonic() - debut < 30
        assert str(exc.value).count("modèle précédent rétabli") == 2
        assert await modele_publie(session, d) == avant
        for nom in ("a", "b"):
            assert await modele_du_serveur(session, d.url(nom)) == avant
            statut, texte, _ = await demander(session, d.url(nom), QUESTION)
            assert statut == 200 and texte.startswith(NOUVEAU)


async def test_a_model_failing_its_checks_is_rolled_back(deploiement, tmp_path):
    d = deploiement
    autre = tmp_path / "autre.tar.gz"
    shutil.copy(d.modele_initial, autre)  # loads fine…
    attendu = Attendu({"utter_faq/horaires_mairie": ("un texte que ce modèle ne contient pas",)}, ())  # …but not what was asked
    async with aiohttp.ClientSession() as session:
        avant = await modele_publie(session, d)
    with pytest.raises(ErreurPublication) as exc:
        await deployer(config_publication(d), autre, attendu)
    assert "ne sert pas la nouvelle réponse utter_faq/horaires_mairie" in str(exc.value)
    assert str(exc.value).count("modèle précédent rétabli") == 2
    async with aiohttp.ClientSession() as session:
        assert await modele_publie(session, d) == avant
        for nom in ("a", "b"):
            assert await modele_du_serveur(session, d.url(nom)) == avant


async def test_unreachable_servers_or_wrong_token_are_explained(deploiement):
    d = deploiement
    actuel = Projet(d.projet.racine).modele
    ailleurs = f"http://127.0.0.1:{ports_libres(1)[0]}"
    with pytest.raises(ErreurPublication, match="serveur Rasa .* injoignable"):
        await deployer(dataclasses.replace(config_publication(d), serveurs=(ailleurs,)), actuel, Attendu({}, ()))
    with pytest.raises(ErreurPublication, match="serveur de modèles .* injoignable"):
        await deployer(dataclasses.replace(config_publication(d), modeles=f"{ailleurs}/modele"), actuel, Attendu({}, ()))
    with pytest.raises(ErreurPublication, match="refuse le jeton"):
        await deployer(dataclasses.replace(config_publication(d), jeton="mauvais-jeton-" + "y" * 10), actuel, Attendu({}, ()))
