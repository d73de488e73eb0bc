"""`publier`: build the new model (answers only, or a cached retrain) and load it into
the running Rasa servers without stopping them, rolling back if it fails its checks.

Rasa's HTTP API does the loading (``PUT /model``: the server swaps its agent,
conversations go on). Checks on each server after loading: the server reports
the new model's id (``GET /status``), serves the new answers (``GET /domain``)
and routes sample questions of every entry to that entry (``POST /model/parse``).
On any failure every server already switched gets the previous model back.
Only then is the new model copied to bot/models/guichet.tar.gz, the one a
restart loads.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import shutil
import sys
import tarfile
import time
import zlib
from collections.abc import Mapping, Sequence
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

logger = logging.getLogger(__name__)


class ErreurPublication(Exception):
    """Publication failed; the message says why in French, for the editor."""


@dataclass(frozen=True)
class ConfigPublication:
    serveurs: tuple[str, ...]
    jeton: str
    delai_chargement_s: float = 300.0
    taux_reussite_min: float = 0.9  # sample questions that must reach their entry
    questions_par_entree: int = 2
    publications_conservees: int = 5

    def __post_init__(self) -> None:
        for s in self.serveurs:
            if not s.startswith(("http://", "https://")):
                raise ValueError(f"server URL must start with http:// or https://, got {s!r}")
        if not 0 < self.taux_reussite_min <= 1:
            raise ValueError("taux_reussite_min must be in (0, 1]")

    @classmethod
    def depuis_env(cls, env: Mapping[str, str], serveurs: Sequence[str] = (), racine: Path | None = None) -> ConfigPublication:
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
        return cls(serveurs=tuple(s.rstrip("/") for s in serveurs), jeton=jeton)


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
        with tarfile.open(chemin, "r:gz") as archive:
            membre = next(m for m in archive.getmembers() if Path(m.name).name == "metadata.json" and len(Path(m.name).parts) <= 2)
            fichier = archive.extractfile(membre)
            assert fichier is not None
            return str(json.load(fichier)["model_id"])
    except (OSError, EOFError, zlib.error, tarfile.TarError, StopIteration, KeyError, ValueError, AssertionError):
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


class Serveur:
    """One Rasa server's HTTP API."""

    def __init__(self, session: aiohttp.ClientSession, url: str, jeton: str) -> None:
        self.session, self.url, self._jeton = session, url, jeton

    async def _requete(self, methode: str, chemin: str, **kwargs: Any) -> Any:
        try:
            async with self.session.request(methode, f"{self.url}{chemin}", params={"token": self._jeton}, **kwargs) as r:
                corps = await r.text()
                if r.status == 401 or r.status == 403:
                    raise ErreurPublication(f"{self.url} refuse le jeton de l'API (HTTP {r.status}) : vérifiez GUICHET_API_TOKEN")
                if r.status >= 300:
                    try:
                        detail = json.loads(corps).get("message", corps[:200])
                    except ValueError:
                        detail = corps[:200]
                    raise ErreurPublication(f"{self.url}{chemin} a répondu HTTP {r.status} : {detail}")
                return json.loads(corps) if corps.strip() else None
        except aiohttp.ClientConnectionError as exc:
            raise ErreurPublication(f"serveur {self.url} injoignable ({exc.__class__.__name__}) : est-il lancé (`make run`) ?") from None
        except asyncio.TimeoutError:
            raise ErreurPublication(f"{self.url}{chemin} n'a pas répondu à temps") from None

    async def modele_actif(self) -> str:
        return str((await self._requete("GET", "/status"))["model_id"])

    async def charger(self, chemin: Path, model_id: str, tentatives: int = 8, confirmations: int = 5) -> None:
        """PUT /model until every status answer shows it (several Sanic workers each hold a model)."""
        for _ in range(tentatives):
            await self._requete("PUT", "/model", json={"model_file": str(chemin.resolve())})
            vus = [await self.modele_actif() for _ in range(confirmations)]
            if all(v == model_id for v in vus):
                return
        raise ErreurPublication(f"{self.url} n'a pas pris le modèle {model_id} (plusieurs processus ?)")

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


async def deployer(config: ConfigPublication, nouveau: Path, precedent: Path, attendu: Attendu) -> ResultatPublication:
    """Load ``nouveau`` on every server, check it, and roll all of them back to ``precedent`` on failure."""
    resultat = ResultatPublication(modele=nouveau, maniere=None)
    id_nouveau = identifiant_modele(nouveau)
    id_precedent = identifiant_modele(precedent) if precedent.exists() else None
    delai = aiohttp.ClientTimeout(total=config.delai_chargement_s)
    async with aiohttp.ClientSession(timeout=delai) as session:
        serveurs = [Serveur(session, url, config.jeton) for url in config.serveurs]
        for s in serveurs:  # all reachable before touching any
            await s.modele_actif()
        bascules: list[Serveur] = []
        try:
            for s in serveurs:
                debut = asyncio.get_running_loop().time()
                bascules.append(s)
                await s.charger(nouveau, id_nouveau)
                resultat.duree_chargement_s[s.url] = round(asyncio.get_running_loop().time() - debut, 1)
                resultat.taux_reussite[s.url] = await s.verifier(attendu, config.taux_reussite_min)
                resultat.serveurs.append(s.url)
        except ErreurPublication as exc:
            retours = []
            for s in bascules:
                if id_precedent is None:
                    retours.append(f"{s.url} : pas de modèle précédent")
                    continue
                try:
                    await s.charger(precedent, id_precedent)
                    retours.append(f"{s.url} : modèle précédent rétabli")
                except ErreurPublication as exc_retour:
                    retours.append(f"{s.url} : RETOUR IMPOSSIBLE ({exc_retour})")
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
        etape(3, total, f"chargement sur {len(config.serveurs)} serveur(s) et vérification des réponses "
                        f"({time.monotonic() - debut:.0f} s écoulées)")
        try:
            resultat = asyncio.run(deployer(config, nouveau, projet.modele, attendu))
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
