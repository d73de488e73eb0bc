"""`publier`: build the new model (answers only, or a cached retrain) and publish it to every
Rasa server without stopping them, going back to the previous model if it fails its checks.

Rasa's own mechanism does the loading: the model server (``python -m
guichet.depot_modeles``; ``models:`` in bot/endpoints.yml) keeps the published models
on a volume and every replica asks it every few seconds for the current one.
`publier` sends the new model to the model server (``PUT /modele``, naming the
model it replaces), then checks each Rasa server it is given once it runs the
new model: the server reports the new model's id (``GET /status``), serves the
new answers (``GET /domain``) and routes sample questions of every entry to
that entry (``POST /model/parse``). On any failure the model server goes back
to the previous model (``POST /modele/retablir``) and every server with it. The
same steps publish to one machine (`make run`), to compose and to N replicas;
a restarted replica takes the published model from the model server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from configuration.chemins import RACINE, dossier_donnees
from configuration.erreurs import ErreurConfiguration
from configuration.jeton import FICHIER_JETON, lire_jeton
from guichet.construction.entrainement import Maniere, a_jour, noter_empreintes, preparer_modele
from guichet.construction.generation import ecrire, generer
from guichet.construction.projet import Projet
from guichet.construction.sources_faq import lire_sources
from guichet.depot_modeles.config import PORT_PAR_DEFAUT as PORT_MODELES
from serveur_rasa.archive_modele import ArchiveInvalide, lire_metadonnees

logger = logging.getLogger(__name__)


class ErreurPublication(Exception):
    """Publication failed; the message says why in French, for the editor."""


@dataclass(frozen=True)
class ConfigPublication:
    serveurs: tuple[str, ...]  # the Rasa servers to check (each replica)
    modeles: str  # the model server's model URL (…/modele)
    jeton: str
    delai_chargement_s: float = 300.0  # for each server to run the new model (its pull interval plus the load)
    taux_reussite_min: float = 0.9  # sample questions that must reach their entry
    questions_par_entree: int = 2
    publications_conservees: int = 5

    def __post_init__(self) -> None:
        for s in (*self.serveurs, self.modeles):
            if not s.startswith(("http://", "https://")):
                raise ValueError(f"server URL must start with http:// or https://, got {s!r}")
        if not 0 < self.taux_reussite_min <= 1:
            raise ValueError("taux_reussite_min must be in (0, 1]")

    @classmethod
    def depuis_env(cls, env: Mapping[str, str], serveurs: Sequence[str] = (), racine: Path | None = None,
                   modeles: str | None = None) -> ConfigPublication:
        if not serveurs:
            brut = env.get("GUICHET_PUBLICATION_SERVEURS", "")
            serveurs = [s.strip() for s in brut.split(",") if s.strip()] or [
                f"http://{env.get('GUICHET_HOTE', '127.0.0.1')}:{env.get('GUICHET_PORT', '5005')}"
            ]
        donnees = dossier_donnees(env, racine or RACINE)
        try:
            jeton = lire_jeton(env, donnees)
        except ErreurConfiguration:
            raise ErreurPublication(
                f"jeton de l'API Rasa introuvable : définissez GUICHET_API_TOKEN ou lancez d'abord `make run` (qui crée {donnees / FICHIER_JETON})"
            ) from None
        modeles = modeles or env.get("GUICHET_DEPOT_MODELES_URL") or (
            f"http://{env.get('GUICHET_HOTE', '127.0.0.1')}:{env.get('GUICHET_DEPOT_MODELES_PORT') or PORT_MODELES}/modele")
        return cls(serveurs=tuple(s.rstrip("/") for s in serveurs), modeles=modeles, jeton=jeton)


@dataclass(frozen=True)
class Attendu:
    """What the new model must show once loaded."""

    reponses: Mapping[str, tuple[str, ...]]  # utter_faq/<id> -> texts of its variants
    questions: tuple[tuple[str, str], ...]  # (question, entry id)


@dataclass
class ResultatPublication:
    modele: Path | None
    maniere: Maniere | None  # None until the model is prepared
    duree_preparation_s: float = 0.0
    serveurs: list[str] = field(default_factory=list)
    taux_reussite: dict[str, float] = field(default_factory=dict)
    duree_chargement_s: dict[str, float] = field(default_factory=dict)


def identifiant_modele(chemin: Path) -> str:
    try:
        return lire_metadonnees(chemin).model_id
    except ArchiveInvalide:
        raise ErreurPublication(f"{chemin} n'est pas un modèle Rasa lisible") from None


def attendu_des_sources(fichiers: Projet, questions_par_entree: int) -> Attendu:
    domaine = yaml.safe_load(generer(fichiers)[fichiers.domaine_faq].split("\n", 2)[2])
    reponses = {
        nom: tuple(str(v["text"]) for v in variantes)
        for nom, variantes in domaine["responses"].items()
        if nom.startswith("utter_faq/")
    }
    sources, _ = lire_sources(fichiers.faq)
    questions = tuple((q, e.id) for e in sources.publiees for q in e.questions[:questions_par_entree])
    return Attendu(reponses, questions)


class _Api:
    """An HTTP API of the deployment, its errors told to the editor in French."""

    nom = "serveur"

    def __init__(self, session: aiohttp.ClientSession, url: str, jeton: str) -> None:
        self.session, self.url, self._jeton = session, url, jeton

    def _authentification(self) -> tuple[dict[str, str], dict[str, str]]:
        """(query parameters, headers) that carry the token."""
        return {"token": self._jeton}, {}

    async def _requete(self, methode: str, chemin: str, headers: Mapping[str, str] | None = None, **kwargs: Any) -> Any:
        params, entetes = self._authentification()
        try:
            async with self.session.request(methode, f"{self.url}{chemin}", params=params, headers={**entetes, **(headers or {})},
                                            **kwargs) as r:
                corps = await r.text()
                if r.status == 401 or r.status == 403:
                    raise ErreurPublication(f"{self.nom} {self.url} refuse le jeton de l'API (HTTP {r.status}) : vérifiez GUICHET_API_TOKEN")
                if r.status >= 300:
                    try:
                        donnees = json.loads(corps)
                        detail = donnees.get("message") or donnees.get("erreur") or corps[:200]
                    except (ValueError, AttributeError):
                        detail = corps[:200]
                    raise ErreurPublication(f"{self.nom} {self.url}{chemin} a répondu HTTP {r.status} : {detail}")
                return json.loads(corps) if corps.strip() else None
        except aiohttp.ClientConnectionError as exc:
            raise ErreurPublication(f"{self.nom} {self.url} injoignable ({exc.__class__.__name__}) : est-il lancé (`make run`) ?") from None
        except asyncio.TimeoutError:
            raise ErreurPublication(f"{self.nom} {self.url}{chemin} n'a pas répondu à temps") from None


class ServeurModeles(_Api):
    """The model server (guichet/depot_modeles/serveur.py): what is published, publish, go back."""

    nom = "serveur de modèles"

    def __init__(self, session: aiohttp.ClientSession, url: str, jeton: str) -> None:
        super().__init__(session, url.rstrip("/"), jeton)

    def _authentification(self) -> tuple[dict[str, str], dict[str, str]]:
        return {}, {"Authorization": f"Bearer {self._jeton}"}

    async def publie(self) -> str | None:
        actuel = (await self._requete("GET", "/actuel")).get("actuel")
        return str(actuel["model_id"]) if actuel else None

    async def refuse(self) -> bool:
        """Whether a Rasa server could not load the current model (it says so when it next asks)."""
        return bool((await self._requete("GET", "/actuel")).get("refuse_par"))

    async def envoyer(self, chemin: Path, remplace: str | None) -> None:
        entetes = {"Content-Type": "application/gzip", **({"If-Match": f'"{remplace}"'} if remplace else {})}
        with open(chemin, "rb") as fichier:
            await self._requete("PUT", "", data=fichier, headers=entetes)

    async def retablir(self, model_id: str, remplace: str) -> None:
        await self._requete("POST", "/retablir", json={"model_id": model_id, "precedent": remplace})


class Serveur(_Api):
    """One Rasa server's HTTP API."""

    nom = "serveur Rasa"

    async def modele_actif(self) -> str:
        return str((await self._requete("GET", "/status"))["model_id"])

    async def attendre_modele(self, model_id: str, delai_s: float, confirmations: int = 5,
                              refuse: Callable[[], Awaitable[bool]] | None = None) -> None:
        """Until ``confirmations`` status answers in a row show the model (several Sanic workers each hold one);
        ``refuse``: asked meanwhile, True when a server could not load the model (no use waiting)."""
        fin = asyncio.get_running_loop().time() + delai_s
        vus = 0
        while asyncio.get_running_loop().time() < fin:
            vus = vus + 1 if await self.modele_actif() == model_id else 0
            if vus >= confirmations:
                return
            if not vus and refuse is not None and await refuse():
                raise ErreurPublication(f"un serveur Rasa n'a pas pu charger le modèle {model_id} (voir son journal)")
            await asyncio.sleep(0.1 if vus else 0.5)
        raise ErreurPublication(f"{self.url} n'a pas chargé le modèle {model_id} en {delai_s:.0f} s "
                                "(serveur de modèles injoignable depuis ce serveur, ou modèle refusé : voir son journal)")

    async def verifier(self, attendu: Attendu, taux_min: float) -> float:
        domaine = await self._requete("GET", "/domain", headers={"Accept": "application/json"})
        servies = domaine.get("responses") or {}
        for nom, textes in attendu.reponses.items():
            obtenus = tuple(str(v.get("text")) for v in servies.get(nom, []))
            if obtenus != textes:
                raise ErreurPublication(f"{self.url} ne sert pas la nouvelle réponse {nom}")
        if not attendu.questions:
            return 1.0
        justes = 0
        for question, ident in attendu.questions:
            analyse = await self._requete("POST", "/model/parse", json={"text": question})
            cle = (((analyse.get("response_selector") or {}).get("faq") or {}).get("response") or {}).get("intent_response_key")
            justes += (analyse.get("intent") or {}).get("name") == "faq" and cle == f"faq/{ident}"
        taux = justes / len(attendu.questions)
        if taux < taux_min:
            raise ErreurPublication(
                f"{self.url} : seulement {taux:.0%} des questions d'essai mènent à leur entrée (minimum {taux_min:.0%}) : "
                "des entrées se ressemblent trop, lancez `tester`"
            )
        return taux


async def deployer(config: ConfigPublication, nouveau: Path, attendu: Attendu) -> ResultatPublication:
    """Publish ``nouveau``, check it on every server, and go back to the previous model on failure."""
    resultat = ResultatPublication(modele=nouveau, maniere=None)
    id_nouveau = identifiant_modele(nouveau)
    delai = aiohttp.ClientTimeout(total=config.delai_chargement_s)
    async with aiohttp.ClientSession(timeout=delai) as session:
        depot = ServeurModeles(session, config.modeles, config.jeton)
        serveurs = [Serveur(session, url, config.jeton) for url in config.serveurs]
        id_precedent = await depot.publie()  # all reachable before touching any
        for s in serveurs:
            await s.modele_actif()
        horloge = asyncio.get_running_loop().time
        debut = horloge()
        if id_precedent != id_nouveau:
            await depot.envoyer(nouveau, id_precedent)
        try:
            for s in serveurs:
                await s.attendre_modele(id_nouveau, config.delai_chargement_s, refuse=depot.refuse)
                resultat.duree_chargement_s[s.url] = round(horloge() - debut, 1)
                resultat.taux_reussite[s.url] = await s.verifier(attendu, config.taux_reussite_min)
                resultat.serveurs.append(s.url)
        except ErreurPublication as exc:
            if id_precedent is None or id_precedent == id_nouveau:
                raise ErreurPublication(f"{exc} — pas de modèle précédent à rétablir") from None
            retours = []
            try:
                await depot.retablir(id_precedent, id_nouveau)
                for s in serveurs:
                    try:
                        await s.attendre_modele(id_precedent, config.delai_chargement_s)
                        retours.append(f"{s.url} : modèle précédent rétabli")
                    except ErreurPublication as exc_retour:
                        retours.append(f"{s.url} : RETOUR IMPOSSIBLE ({exc_retour})")
            except ErreurPublication as exc_retour:
                retours.append(f"RETOUR IMPOSSIBLE ({exc_retour})")
            raise ErreurPublication(f"{exc} — publication annulée ; {'; '.join(retours) or 'aucun serveur modifié'}") from None
    return resultat


def _remplacer(source: Path, cible: Path) -> None:
    temporaire = cible.with_name(cible.name + ".copie")
    shutil.copyfile(source, temporaire)
    os.replace(temporaire, cible)


def etape(numero: int, total: int, texte: str) -> None:
    """A step of the publication, for the editor (standard error: `--json` output stays clean)."""
    print(f"[{numero}/{total}] {texte}", file=sys.stderr, flush=True)


def publier(fichiers: Projet, config: ConfigPublication | None, maintenant: dt.datetime | None = None) -> ResultatPublication:
    """Build and deploy the model of the current sources (``config`` None: build only, no server)."""
    total = 3 if config is not None else 2
    debut = time.monotonic()
    projet = Projet(fichiers.racine)
    etape(1, total, "lecture des sources et préparation des fichiers du bot")
    ecrire(fichiers)
    attendu = attendu_des_sources(fichiers, config.questions_par_entree if config else 2)
    dossier = projet.bot / "models" / "publications"
    horodatage = (maintenant or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    if a_jour(projet):
        etape(2, total, "modèle déjà à jour")
        nouveau, maniere, duree = projet.modele, Maniere.INCHANGE, 0.0
    else:
        etape(2, total, "construction du modèle (quelques secondes si seules les réponses ont changé, "
                        "une minute environ sinon)")
        nouveau = dossier / f"guichet-{horodatage}.tar.gz"
        maniere, duree = preparer_modele(projet, nouveau)
    if config is not None:
        etape(3, total, f"envoi au serveur de modèles, chargement par {len(config.serveurs)} serveur(s) et vérification des réponses "
                        f"({time.monotonic() - debut:.0f} s écoulées)")
        try:
            resultat = asyncio.run(deployer(config, nouveau, attendu))
        except ErreurPublication:
            if nouveau != projet.modele:
                nouveau.rename(nouveau.with_name(nouveau.name.replace(".tar.gz", ".refuse.tar.gz")))
            raise
    else:
        resultat = ResultatPublication(modele=nouveau, maniere=None)
    resultat.maniere, resultat.duree_preparation_s = maniere, round(duree, 1)
    if nouveau != projet.modele:
        _remplacer(nouveau, projet.modele)
        noter_empreintes(projet)
        for ancien in sorted(dossier.glob("guichet-*.tar.gz"))[: -config.publications_conservees if config else -5]:
            ancien.unlink()
    return resultat
