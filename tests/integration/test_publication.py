"""`publier` against a real Rasa server: no downtime, new answers live, rollback on failure."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import aiohttp
import pytest

from guichet.construction.entrainement import entrainer
from guichet.construction.projet import Projet
from guichet.edition.publication import Attendu, ConfigPublication, ErreurPublication, deployer, identifiant_modele
from guichet.exploitation.lancement import ConfigLancement, commande_rasa, environnement_serveurs, preparer_bases
from tests.integration.conftest import RACINE
from tests.integration.serveurs import JETON, attendre, ports_libres

pytestmark = pytest.mark.integration
QUESTION = "quels sont les horaires d'ouverture de la mairie"


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


@pytest.fixture(scope="module")
def rasa_a_publier(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("publication")
    fichiers = copier_projet(dossier / "projet")
    port_rasa, port_actions = ports_libres(2)
    config = ConfigLancement(hote="127.0.0.1", port_rasa=port_rasa, port_actions=port_actions,
                             dossier_donnees=dossier / "donnees", jeton_api=JETON)
    env = environnement_serveurs(config)
    preparer_bases(env)
    with open(dossier / "rasa.log", "wb") as journal:
        rasa = subprocess.Popen(commande_rasa(config, JETON, Projet(fichiers.racine).modele), cwd=RACINE, env=env,
                                stdout=journal, stderr=subprocess.STDOUT)
        try:
            attendre(f"http://127.0.0.1:{port_rasa}/webhooks/rest/", rasa)
            yield fichiers, f"http://127.0.0.1:{port_rasa}"
        finally:
            rasa.terminate()
            rasa.wait(timeout=30)


async def demander(session: aiohttp.ClientSession, url: str, texte: str) -> tuple[int, str, float]:
    debut = time.monotonic()
    async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": f"pub-{uuid.uuid4().hex[:8]}", "message": texte}) as r:
        corps = await r.json() if r.status == 200 else []
        return r.status, "\n".join(m.get("text", "") for m in corps), time.monotonic() - debut


async def modele_du_serveur(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(f"{url}/status", params={"token": JETON}) as r:
        return (await r.json())["model_id"]


async def test_publier_changes_an_answer_live_without_downtime(rasa_a_publier):
    fichiers, url = rasa_a_publier
    mairie = fichiers.faq / "mairie.yml"
    mairie.write_text(mairie.read_text(encoding="utf-8").replace("La mairie de la ${nom} vous accueille", "Bonne nouvelle : la mairie de la ${nom} vous accueille"), encoding="utf-8")
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        statut, avant, _ = await demander(session, url, QUESTION)
        assert statut == 200 and avant.startswith("La mairie de la Ville de Démo")
        fini = asyncio.Event()
        reponses: list[tuple[int, str, float]] = []

        async def trafic() -> None:
            while not fini.is_set():
                reponses.append(await demander(session, url, QUESTION))
                await asyncio.sleep(0.2)

        tache = asyncio.create_task(trafic())
        processus = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "guichet.edition", "--racine", str(fichiers.racine), "publier", "--serveur", url,
            cwd=RACINE, env={**os.environ, "GUICHET_API_TOKEN": JETON},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        sortie, erreurs = await asyncio.wait_for(processus.communicate(), 300)
        await asyncio.sleep(0.5)
        fini.set()
        await asyncio.wait_for(tache, 60)
        assert processus.returncode == 0, erreurs.decode()
        texte = sortie.decode()
        assert "seules les réponses ont changé" in texte and f"publié sur {url}" in texte
        etapes = erreurs.decode()  # the steps, as the editor sees them while waiting
        assert "[1/3] lecture des sources" in etapes and "[2/3] construction du modèle" in etapes and "[3/3] chargement sur 1 serveur(s)" in etapes
        # nobody was left without an answer while the model was swapped
        assert len(reponses) >= 3 and all(s == 200 and t for s, t, _ in reponses), reponses
        print(f"\npublication: {len(reponses)} turns during it, slowest {max(d for _, _, d in reponses):.1f} s")
        statut, apres, _ = await demander(session, url, QUESTION)
        assert apres.startswith("Bonne nouvelle : la mairie de la Ville de Démo")
        modele = Projet(fichiers.racine).modele
        assert await modele_du_serveur(session, url) == identifiant_modele(modele)  # a restart loads the same model


def config_publication(url: str) -> ConfigPublication:
    return ConfigPublication(serveurs=(url,), jeton=JETON, delai_chargement_s=120)


async def test_a_model_that_cannot_load_is_rolled_back(rasa_a_publier, tmp_path):
    fichiers, url = rasa_a_publier
    actuel = Projet(fichiers.racine).modele
    casse = tmp_path / "casse.tar.gz"
    casse.write_bytes(actuel.read_bytes()[:5000])  # truncated archive
    async with aiohttp.ClientSession() as session:
        avant = await modele_du_serveur(session, url)
    with pytest.raises(ErreurPublication, match="n'est pas un modèle Rasa lisible"):
        await deployer(config_publication(url), casse, actuel, Attendu({}, ()))
    # an archive that is readable but not a model: the server refuses it and keeps its model
    faux = tmp_path / "faux.tar.gz"
    import io
    import tarfile

    with tarfile.open(faux, "w:gz") as archive:
        donnees = b'{"model_id": "faux"}'
        info = tarfile.TarInfo("metadata.json")
        info.size = len(donnees)
        archive.addfile(info, io.BytesIO(donnees))
    with pytest.raises(ErreurPublication) as exc:
        await deployer(config_publication(url), faux, actuel, Attendu({}, ()))
    assert "HTTP" in str(exc.value) and "modèle précédent rétabli" in str(exc.value)
    async with aiohttp.ClientSession() as session:
        assert await modele_du_serveur(session, url) == avant
        statut, texte, _ = await demander(session, url, QUESTION)
        assert statut == 200 and "mairie" in texte


async def test_a_model_failing_its_checks_is_rolled_back(rasa_a_publier, tmp_path):
    fichiers, url = rasa_a_publier
    actuel = Projet(fichiers.racine).modele
    autre = tmp_path / "autre.tar.gz"
    shutil.copy(RACINE / "bot" / "models" / "guichet.tar.gz", autre)  # loads fine…
    attendu = Attendu({"utter_faq/horaires_mairie": ("un texte que ce modèle ne contient pas",)}, ())  # …but not what was asked
    with pytest.raises(ErreurPublication) as exc:
        await deployer(config_publication(url), autre, actuel, attendu)
    assert "ne sert pas la nouvelle réponse utter_faq/horaires_mairie" in str(exc.value)
    assert "modèle précédent rétabli" in str(exc.value)
    async with aiohttp.ClientSession() as session:
        assert await modele_du_serveur(session, url) == identifiant_modele(actuel)


async def test_unreachable_server_or_wrong_token_is_explained(rasa_a_publier):
    fichiers, url = rasa_a_publier
    actuel = Projet(fichiers.racine).modele
    with pytest.raises(ErreurPublication, match="injoignable"):
        await deployer(ConfigPublication(serveurs=(f"http://127.0.0.1:{ports_libres(1)[0]}",), jeton=JETON), actuel, actuel, Attendu({}, ()))
    with pytest.raises(ErreurPublication, match="refuse le jeton"):
        await deployer(ConfigPublication(serveurs=(url,), jeton="mauvais-jeton-" + "y" * 10), actuel, actuel, Attendu({}, ()))
