"""`essayer`: which entry answers a question, with what confidence, and the runner-up.

The classification comes from a model whose NLU matches the current questions:
the published model when the training data have not changed since it was
trained (a change of answer texts needs no retraining: the answers shown are
read from the sources), otherwise an NLU-only model trained once for those
data and kept in bot/models/essai/.

When the assistant is running with that very model (its ``/status`` gives the same
model id), the questions go to its parse API and the answer comes in well under
two seconds; otherwise the model is loaded here (half a minute), saying so. The
result names the model that answered and where.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from configuration.chemins import dossier_donnees
from configuration.commune import charger_commune
from configuration.erreurs import ErreurConfiguration
from configuration.jeton import lire_jeton
from guichet.affichage import pourcentage
from guichet.construction.entrainement import empreinte_donnees, environnement_rasa
from guichet.construction.generation import EntreeFaq, charger_faq
from guichet.construction.libelles import REPLI
from guichet.construction.projet import Projet
from guichet.edition.projet_temporaire import projet_temporaire

DELAI_SERVEUR_S = 3.0


@dataclass(frozen=True)
class Classement:
    etiquette: str  # entry id, or the dialogue intent
    confiance: float


@dataclass(frozen=True)
class Essai:
    question: str
    intention: str  # what the pipeline decided, nlu_fallback included
    premier: Classement | None  # best candidate before thresholds
    second: Classement | None
    reponse: EntreeFaq | None  # the entry that answers, when the bot answers with an FAQ entry

    @property
    def repond(self) -> bool:
        return self.intention != REPLI


def classements(analyse: dict[str, Any]) -> list[Classement]:
    """Candidates best first: FAQ entries by the response selector, other intents by the classifier."""
    intentions = [i for i in analyse.get("intent_ranking") or [] if i.get("name") != REPLI]
    confiance_faq = next((float(i["confidence"]) for i in intentions if i.get("name") == "faq"), 0.0)
    ranking = ((analyse.get("response_selector") or {}).get("faq") or {}).get("ranking") or []
    candidats = [Classement(str(i["name"]), float(i["confidence"])) for i in intentions if i.get("name") != "faq"]
    # an entry is as likely as "it is an FAQ question" times "this entry among the FAQ"
    candidats += [
        Classement(str(r["intent_response_key"]).removeprefix("faq/"), round(confiance_faq * float(r["confidence"]), 4))
        for r in ranking
    ]
    return sorted(candidats, key=lambda c: -c.confiance)


def interpreter(question: str, analyse: dict[str, Any], reponses: dict[str, EntreeFaq]) -> Essai:
    intention = str((analyse.get("intent") or {}).get("name"))
    candidats = classements(analyse)
    cle = ((analyse.get("response_selector") or {}).get("faq") or {}).get("response", {}).get("intent_response_key")
    reponse = reponses.get(str(cle).removeprefix("faq/")) if intention == "faq" and cle else None
    return Essai(question, intention, candidats[0] if candidats else None, candidats[1] if len(candidats) > 1 else None, reponse)


def choisir_modele(fichiers: Projet, projet_publie: Projet) -> Path:
    """The published model if its NLU matches the sources, else a cached NLU-only model (trained if needed)."""
    with projet_temporaire(fichiers) as projet:
        empreinte = empreinte_donnees(projet)
        fichier_empreinte = projet_publie.empreinte_donnees_modele
        if projet_publie.modele.exists() and fichier_empreinte.exists() and fichier_empreinte.read_text().strip() == empreinte:
            return projet_publie.modele
        cache = projet_publie.bot / "models" / "essai" / f"nlu-{empreinte[:16]}.tar.gz"
        if cache.exists():
            return cache
        print("les questions ont changé depuis le dernier entraînement : entraînement de la compréhension seule (moins d'une minute)…", file=sys.stderr, flush=True)
        cache.parent.mkdir(parents=True, exist_ok=True)
        for ancien in cache.parent.glob("nlu-*.tar.gz"):
            ancien.unlink()
        resultat = subprocess.run(
            [sys.executable, "-m", "serveur_rasa", "train", "nlu", "--config", "config.yml", "--nlu", "data", "--domain", "domain",
             "--out", str(cache.parent.resolve()), "--fixed-model-name", cache.name.removesuffix(".tar.gz"), "--quiet"],
            cwd=projet.bot, env=environnement_rasa() | {"RASA_CACHE_DIRECTORY": str(projet_publie.bot / ".rasa" / "cache")},
            capture_output=True, text=True,
        )
        if resultat.returncode != 0 or not cache.exists():
            sys.stderr.write(resultat.stdout[-3000:] + resultat.stderr[-3000:])
            raise RuntimeError(f"rasa train nlu failed (exit {resultat.returncode})")
        return cache


def _silence_rasa() -> None:
    """Rasa's debug lines (which print the questions) and library warnings are not for editors."""
    import logging
    import warnings

    import structlog

    warnings.simplefilter("ignore")
    logging.getLogger("rasa").setLevel(logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


@dataclass(frozen=True)
class Modele:
    """The model that answered, for the editor: its file, its id, and where it ran."""

    fichier: str
    identifiant: str | None
    serveur: str | None  # the running assistant's URL, or None: loaded by this tool


def serveur_en_marche(racine: Path, env: Mapping[str, str]) -> tuple[str, str] | None:
    """The running assistant's URL and API token, or None when the token is not known (then nothing is asked)."""
    url = env.get("GUICHET_RASA_URL") or f"http://{env.get('GUICHET_HOTE', '127.0.0.1')}:{env.get('GUICHET_PORT', '5005')}"
    try:
        return url.rstrip("/"), lire_jeton(env, dossier_donnees(env, racine))
    except ErreurConfiguration:
        return None


def identifiant_lisible(chemin: Path) -> str | None:
    """The model id Rasa gives a trained model, or None if the archive cannot be read."""
    from guichet.edition.publication import ErreurPublication, identifiant_modele

    try:
        return identifiant_modele(chemin)
    except ErreurPublication:
        return None


async def analyser_par_serveur(url: str, jeton: str, identifiant: str | None,
                               questions: Sequence[str]) -> list[dict[str, Any]] | str:
    """The running assistant's parse of each question if it runs this very model; else why not (a French sentence)."""
    import aiohttp

    if identifiant is None:
        return "identifiant du modèle illisible"
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=DELAI_SERVEUR_S)) as session:
            async with session.get(f"{url}/status", params={"token": jeton}) as r:
                if r.status != 200:
                    return f"le serveur {url} a répondu HTTP {r.status}"
                statut = await r.json()
            if statut.get("model_id") != identifiant:
                return f"le serveur {url} fait tourner un autre modèle"
            analyses = []
            for question in questions:
                async with session.post(f"{url}/model/parse", params={"token": jeton}, json={"text": question}) as r:
                    if r.status != 200:
                        return f"le serveur {url} a répondu HTTP {r.status} à l'analyse"
                    analyses.append(await r.json())
            return analyses
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return f"pas de serveur joignable à {url} ({type(exc).__name__})"


async def essayer(fichiers: Projet, modele: Path, questions: Sequence[str],
                  serveur: tuple[str, str] | None = None) -> tuple[list[Essai], Modele]:
    """The essays, and the model that answered: the running server's when it runs this model, else a local load."""
    import time

    reponses = {e.cle: e for e in charger_faq(fichiers.faq, charger_commune(fichiers.commune))}
    identifiant = await asyncio.to_thread(identifiant_lisible, modele)
    if serveur is not None:
        url, jeton = serveur
        resultat = await analyser_par_serveur(url, jeton, identifiant, questions)
        if not isinstance(resultat, str):
            return [interpreter(q, a, reponses) for q, a in zip(questions, resultat, strict=True)], Modele(
                modele.name, identifiant, url)
        print(f"{resultat} : chargement du modèle ici (une demi-minute environ)…", file=sys.stderr, flush=True)
    else:
        print("chargement du modèle ici (une demi-minute environ)…", file=sys.stderr, flush=True)
    _silence_rasa()
    from rasa.core.agent import Agent

    debut = time.monotonic()
    agent = Agent.load(str(modele))
    print(f"modèle chargé en {time.monotonic() - debut:.0f} s", file=sys.stderr, flush=True)
    return [interpreter(q, await agent.parse_message(q), reponses) for q in questions], Modele(modele.name, identifiant, None)


def formater(essai: Essai, libelles: dict[str, str]) -> str:
    def nom(c: Classement) -> str:
        titre = libelles.get(c.etiquette)
        return f"{c.etiquette} ({titre})" if titre else c.etiquette

    lignes = [f"« {essai.question} »"]
    if essai.premier:
        lignes.append(f"  1re : {nom(essai.premier)} — confiance {pourcentage(essai.premier.confiance)}")
    if essai.second:
        lignes.append(f"  2e  : {nom(essai.second)} — confiance {pourcentage(essai.second.confiance)}")
    if not essai.repond:
        lignes.append("  → le bot n'est pas assez sûr : il demande de reformuler et propose les deux sujets les plus proches")
    elif essai.reponse is not None:
        lignes.append(f"  → répond avec l'entrée « {essai.reponse.cle} »")
        lignes.append("  réponse écrite : " + essai.reponse.texte.replace("\n", "\n                   "))
        lignes.append(f"  réponse vocale : {essai.reponse.voix}")
    elif essai.intention == "hors_perimetre":
        lignes.append("  → hors sujet : le bot explique ce qu'il sait faire")
    else:
        lignes.append(f"  → ce n'est pas une question fréquente : le dialogue « {libelles.get(essai.intention, essai.intention)} » prend la main")
    return "\n".join(lignes)


def formater_modele(modele: Modele) -> str:
    ou = f"par l'assistant en marche ({modele.serveur})" if modele.serveur else "chargé par cet outil"
    return f"Modèle : {modele.fichier} ({(modele.identifiant or '?')[:8]}), {ou}"


def lancer(fichiers: Projet, questions: Sequence[str], serveur: tuple[str, str] | None = None) -> tuple[list[Essai], Modele]:
    modele = choisir_modele(fichiers, Projet(fichiers.racine))
    return asyncio.run(essayer(fichiers, modele, questions, serveur))
