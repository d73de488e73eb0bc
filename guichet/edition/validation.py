"""`valider`: every check an editor needs before publishing, with file:line.

Errors block publication (schema, ids, too few questions, identical questions
in two entries, voice answers unfit for the phone, broken references); warnings
do not (near-duplicate questions, old review dates, drafts). Rasa's own
``rasa data validate`` runs last, on the generated files in a scratch copy.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from configuration.commune import Commune, charger_commune
from configuration.erreurs import ErreurConfiguration
from guichet.construction.constats import Constat, avertissement, erreur, erreurs
from guichet.construction.entrainement import environnement_rasa
from guichet.construction.generation import MIN_QUESTIONS, generer
from guichet.construction.projet import Projet
from guichet.construction.similarite import Question, normaliser, paires_proches
from guichet.construction.sources_faq import EntreeSource, Sources, lire_sources
from guichet.edition.projet_temporaire import projet_temporaire

MOTS_PAR_MINUTE = 160  # a calm telephone voice (Piper at its default speed says about 160–170)
DUREE_VOIX_MAX_S = 30
SOURCE_VALIDE = re.compile(r"^(https?://\S+|[FNR]\d{1,6})$")
URL = re.compile(r"(https?://|www\.|\b[\w-]+\.(?:fr|com|org|net|gouv|eu)\b)", re.IGNORECASE)
MARKDOWN = re.compile(r"(\[[^\]]*\]\(|\*\*|__|`|^\s*[-*+]\s|^\s*#|^\s*\d+\.\s)", re.MULTILINE)
# Rasa warnings that are expected by design, not the editors' business:
RASA_AVERTISSEMENTS_ATTENDUS = (
    "is not used in any story or rule",  # responses uttered by the custom actions
    "'choisir_sujet' is listed in the domain file, but is not found in the NLU",  # only sent by buttons
    "The intent 'EXTERNAL_",  # sent by the agents' console (trigger_intent), never said
    "'deux_questions' is listed in the domain file, but is not found in the NLU",  # set by serveur_rasa/deux_questions.py
    "duplicated intents have been found across multiple domain files: faq",  # retrieval intent and its responses
)
LIEN = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
CHAMP = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class Reglages:
    seuil_similarite: float = 0.9
    age_max_revue_jours: int = 365
    aujourd_hui: dt.date | None = None
    rasa: bool = True

    def __post_init__(self) -> None:
        if not 0.5 <= self.seuil_similarite <= 1.0:
            raise ValueError("seuil_similarite must be between 0.5 and 1")
        if self.age_max_revue_jours < 1:
            raise ValueError("age_max_revue_jours must be positive")


def duree_parole_s(texte: str) -> float:
    return len(texte.split()) * 60.0 / MOTS_PAR_MINUTE


def _substituer(texte: str, commune: Commune) -> str:
    return string.Template(texte).safe_substitute(commune.details)


def verifier_entree(e: EntreeSource, commune: Commune | None, ids: dict[str, EntreeSource], reglages: Reglages) -> list[Constat]:
    c: list[Constat] = []
    f = e.fichier
    nom = f"entrée « {e.id} »"
    if len(e.questions) < MIN_QUESTIONS:
        message = f"{nom} : {len(e.questions)} question(s), il en faut au moins {MIN_QUESTIONS} (formulations variées : fautes, sans accents, oral)"
        c.append(avertissement(f, e.ligne_de("questions"), message + " avant publication") if e.brouillon else erreur(f, e.ligne_de("questions"), message))
    vues: dict[str, int] = {}
    for i, q in enumerate(e.questions):
        n = normaliser(q)
        if n in vues:
            c.append(avertissement(f, e.ligne_question(i), f"{nom} : question « {q} » répétée (déjà ligne {e.ligne_question(vues[n])})"))
        vues.setdefault(n, i)
    # voice answer: said on the phone
    voix = _substituer(e.voix, commune) if commune else e.voix
    if URL.search(voix):
        c.append(erreur(f, e.ligne_de("voix"), f"{nom} : la réponse vocale contient une adresse web ({URL.search(voix).group(0)}) : au téléphone, dites plutôt « sur le site de la mairie »"))  # type: ignore[union-attr]
    if MARKDOWN.search(voix) or "\n" in e.voix.strip():
        c.append(erreur(f, e.ligne_de("voix"), f"{nom} : la réponse vocale contient de la mise en forme (liens, gras, listes ou retours à la ligne) : écrivez des phrases simples"))
    if re.search(r"\d", voix):
        c.append(avertissement(f, e.ligne_de("voix"), f"{nom} : la réponse vocale contient des chiffres : écrivez les nombres en lettres, comme on les dit"))
    duree = duree_parole_s(voix)
    if duree > DUREE_VOIX_MAX_S:
        c.append(erreur(f, e.ligne_de("voix"), f"{nom} : la réponse vocale dure environ {duree:.0f} secondes ({len(voix.split())} mots), {DUREE_VOIX_MAX_S} au plus : raccourcissez-la"))
    for champ in CHAMP.findall(e.voix):
        if commune and champ in commune.details and not champ.endswith("_voix") and f"{champ}_voix" in commune.details:
            c.append(avertissement(f, e.ligne_de("voix"), f"{nom} : la réponse vocale utilise ${{{champ}}} : utilisez ${{{champ}_voix}}, sa forme parlée"))
    # references
    for cle in ("texte", "voix", "source"):
        for champ in CHAMP.findall(getattr(e, cle)):
            if commune is not None and champ not in commune.details:
                c.append(erreur(f, e.ligne_de(cle), f"{nom} : ${{{champ}}} n'existe pas dans contenu/commune.yml"))
    for texte_lien, cible in LIEN.findall(e.texte):
        cible = cible.strip()
        if not cible or not re.match(r"^(https?://|mailto:|tel:)", _substituer(cible, commune) if commune else cible):
            c.append(erreur(f, e.ligne_de("texte"), f"{nom} : lien « {texte_lien} » vers « {cible} » : une adresse complète (https://…, mailto:, tel:) est attendue"))
    for v in e.voir_aussi:
        if v == e.id:
            c.append(erreur(f, e.ligne_de("voir_aussi"), f"{nom} : « voir_aussi » renvoie à l'entrée elle-même"))
        elif v not in ids:
            c.append(erreur(f, e.ligne_de("voir_aussi"), f"{nom} : « voir_aussi » renvoie à « {v} », qui n'existe pas"))
        elif ids[v].brouillon and not e.brouillon:
            c.append(erreur(f, e.ligne_de("voir_aussi"), f"{nom} : « voir_aussi » renvoie à « {v} », qui est encore un brouillon"))
    if not SOURCE_VALIDE.match(_substituer(e.source, commune) if commune else e.source):
        c.append(erreur(f, e.ligne_de("source"), f"{nom} : source « {e.source} » : une URL (https://…) ou un identifiant de fiche service-public.fr (F1234) est attendu"))
    # review date
    aujourd_hui = reglages.aujourd_hui or dt.date.today()
    age = (aujourd_hui - e.revue).days
    if age > reglages.age_max_revue_jours:
        c.append(avertissement(f, e.ligne_de("revue"), f"{nom} : relue le {e.revue.isoformat()}, il y a {age} jours (plus de {reglages.age_max_revue_jours}) : à relire"))
    elif age < 0:
        c.append(avertissement(f, e.ligne_de("revue"), f"{nom} : date de relecture {e.revue.isoformat()} dans le futur"))
    if e.brouillon:
        c.append(avertissement(f, e.ligne, f"{nom} : brouillon, non publié tant que « brouillon: true » reste"))
    return c


def questions_du_dialogue(nlu: Path) -> list[Question]:
    """Examples of the dialogue intents (bot/data/nlu.yml), to catch FAQ questions that collide with them."""
    try:
        brut = yaml.safe_load(nlu.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []
    questions = []
    for bloc in brut.get("nlu") or []:
        if isinstance(bloc, dict) and "intent" in bloc:
            for ligne in str(bloc.get("examples") or "").splitlines():
                texte = re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}", lambda m: m.group(1) or m.group(2) or "", ligne.strip()[2:])
                if texte:
                    questions.append(Question(texte, f"intention {bloc['intent']}", (nlu, None)))
    return questions


def verifier_doublons(sources: Sources, dialogue: list[Question], seuil: float) -> list[Constat]:
    questions = [Question(q, e.id, (e, i)) for e in sources.entrees for i, q in enumerate(e.questions)] + dialogue
    constats = []
    for p in paires_proches(questions, seuil):
        # report on the FAQ side; a pair of dialogue examples is not the editors' business
        cote, autre = (p.a, p.b) if isinstance(p.a.ref, tuple) and isinstance(p.a.ref[0], EntreeSource) else (p.b, p.a)
        if not (isinstance(cote.ref, tuple) and isinstance(cote.ref[0], EntreeSource)):
            continue
        entree, i = cote.ref
        if isinstance(autre.ref, tuple) and isinstance(autre.ref[0], EntreeSource):
            ou = f"l'entrée « {autre.etiquette} » ({autre.ref[0].fichier.name}:{autre.ref[0].ligne_question(autre.ref[1])})"
        else:
            ou = f"les exemples de l'{autre.etiquette} (bot/data/nlu.yml)"
        if p.similarite >= 1.0:
            constats.append(erreur(entree.fichier, entree.ligne_question(i), f"entrée « {entree.id} » : la question « {cote.texte} » est identique à « {autre.texte} » dans {ou} : une question ne peut avoir qu'une réponse"))
        else:
            constats.append(avertissement(entree.fichier, entree.ligne_question(i), f"entrée « {entree.id} » : la question « {cote.texte} » ressemble à {p.similarite:.0%} à « {autre.texte} » dans {ou}"))
    return constats


def verifier_ids(sources: Sources) -> tuple[dict[str, EntreeSource], list[Constat]]:
    par_id: dict[str, list[EntreeSource]] = defaultdict(list)
    for e in sources.entrees:
        par_id[e.id].append(e)
    constats = []
    for ident, liste in par_id.items():
        for e in liste[1:]:
            premiere = liste[0]
            constats.append(erreur(e.fichier, e.ligne, f"id « {ident} » déjà utilisé ({premiere.fichier.name}:{premiere.ligne}) : chaque entrée a son propre id"))
    return {i: liste[0] for i, liste in par_id.items()}, constats


def rasa_data_validate(fichiers: Projet) -> list[Constat]:
    """Rasa's own validation on the generated bot, in a scratch copy (the tree is not touched)."""
    with projet_temporaire(fichiers) as projet:
        env = environnement_rasa() | {"PYTHONWARNINGS": "default"}
        resultat = subprocess.run(
            [sys.executable, "-m", "rasa", "data", "validate", "--domain", "domain", "--data", "data", "--config", "config.yml"],
            cwd=projet.bot, env=env, capture_output=True, text=True, timeout=600,
        )
    sortie = re.sub(r"\x1b\[[0-9;]*m", "", resultat.stdout + resultat.stderr)
    constats = []
    for ligne in sortie.splitlines():
        m = re.search(r"UserWarning: (.*)", ligne)
        if m and not any(attendu in m.group(1) for attendu in RASA_AVERTISSEMENTS_ATTENDUS):
            constats.append(avertissement(None, None, f"rasa data validate : {m.group(1)}"))
    if resultat.returncode != 0:
        erreurs_rasa = [ligne for ligne in sortie.splitlines() if "ERROR" in ligne or "Error" in ligne][-5:]
        detail = " | ".join(erreurs_rasa or sortie.strip().splitlines()[-3:])
        constats.append(erreur(None, None, f"rasa data validate a échoué (code {resultat.returncode}) : {detail}"))
    return constats


def valider(fichiers: Projet, reglages: Reglages = Reglages()) -> list[Constat]:
    sources, constats = lire_sources(fichiers.faq)
    try:
        commune: Commune | None = charger_commune(fichiers.commune)
    except ErreurConfiguration as exc:
        commune = None
        constats.append(erreur(Path(exc.fichier) if exc.fichier else fichiers.commune, exc.ligne, exc.message if exc.fichier else str(exc)))
    ids, constats_ids = verifier_ids(sources)
    constats += constats_ids
    for e in sources.entrees:
        constats += verifier_entree(e, commune, ids, reglages)
    constats += verifier_doublons(sources, questions_du_dialogue(fichiers.racine / "bot" / "data" / "nlu.yml"), reglages.seuil_similarite)
    if not erreurs(constats):
        try:
            generer(fichiers)
        except ErreurConfiguration as exc:
            constats.append(erreur(Path(exc.fichier) if exc.fichier else None, exc.ligne, exc.message if exc.fichier else str(exc)))
    if reglages.rasa and not erreurs(constats):
        constats += rasa_data_validate(fichiers)
    return constats
