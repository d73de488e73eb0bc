"""The FAQ sources editors own: one YAML file per theme under contenu/faq/.

Each theme file holds a title and a list of entries; each entry has an id (the
Rasa retrieval key), the questions citizens ask, the written and the voice
answer, the official source, the owning service and the date of last review.
Loading never raises on content problems: it returns the entries it could read
and a finding (file:line) for each problem, so an editor sees them all at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guichet.construction.constats import Constat, avertissement, erreur
from guichet.construction.yaml_ecriture import Litteral, vers_yaml
from guichet.construction.yaml_positionne import Dict, ErreurYaml, Liste, charger

ID_VALIDE = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
CHAMPS_TEXTE_OBLIGATOIRES = ("titre", "service", "source", "texte", "voix")
CHAMPS_CONNUS = ("id", "titre", "service", "revue", "source", "voir_aussi", "brouillon", "questions", "texte", "voix")

ENTETE_THEME = """\
# Questions fréquentes de Guichet : un fichier par thème.
#
# Pour chaque entrée :
#   id          identifiant stable (minuscules, chiffres, _), ne pas le changer après publication
#   titre       libellé court (bouton « Voulez-vous parler de… »)
#   service     service qui répond de ce contenu
#   revue       date de la dernière relecture (AAAA-MM-JJ)
#   source      fiche officielle (URL service-public.fr ou identifiant Fxxxx)
#   voir_aussi  (facultatif) ids d'autres entrées proposées en boutons après la réponse
#   brouillon   (facultatif) true tant que l'entrée n'est pas relue : elle n'est pas publiée
#   questions   ce que les usagers écrivent ou disent (fautes, sans accents, oral) : au moins 12
#   texte       réponse écrite, markdown court avec liens
#   voix        réponse lue au téléphone : phrases courtes, sans URL ni markdown,
#               nombres écrits en lettres, 30 secondes au plus
# Les ${champ} viennent de contenu/commune.yml.
# Vérifier : `make contenu ARGS=valider` ; publier : `make contenu ARGS=publier`.
"""


@dataclass(frozen=True)
class EntreeSource:
    id: str
    titre: str
    service: str
    revue: dt.date
    source: str
    questions: tuple[str, ...]
    texte: str
    voix: str
    voir_aussi: tuple[str, ...] = ()
    brouillon: bool = False
    fichier: Path = field(default=Path("?"), compare=False)
    ligne: int = field(default=0, compare=False)
    lignes: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    lignes_questions: tuple[int, ...] = field(default=(), compare=False, repr=False)

    def ligne_de(self, champ: str) -> int:
        return self.lignes.get(champ, self.ligne)

    def ligne_question(self, index: int) -> int:
        return self.lignes_questions[index] if index < len(self.lignes_questions) else self.ligne_de("questions")


@dataclass(frozen=True)
class Theme:
    fichier: Path
    nom: str
    entrees: tuple[EntreeSource, ...]


@dataclass(frozen=True)
class Sources:
    themes: tuple[Theme, ...]

    @property
    def entrees(self) -> list[EntreeSource]:
        return [e for t in self.themes for e in t.entrees]

    @property
    def publiees(self) -> list[EntreeSource]:
        return [e for e in self.entrees if not e.brouillon]


def lire_date(valeur: Any) -> dt.date | None:
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    if isinstance(valeur, dt.date):
        return valeur
    if isinstance(valeur, str):
        try:
            return dt.date.fromisoformat(valeur.strip())
        except ValueError:
            return None
    return None


def _texte(valeur: Any) -> str:
    return "" if valeur is None else str(valeur).strip()


def lire_entree(brut: Any, fichier: Path, ligne: int, constats: list[Constat]) -> EntreeSource | None:
    """One entry from its YAML mapping; None (and findings) when it cannot be used."""
    if not isinstance(brut, Dict):
        constats.append(erreur(fichier, ligne, "une entrée doit être un ensemble de champs (id, titre, questions…)"))
        return None
    nombre = len(constats)
    ident = _texte(brut.get("id"))
    nom = f"entrée « {ident} »" if ident else "entrée sans id"
    if not ident:
        constats.append(erreur(fichier, brut.ligne, "champ « id » manquant"))
    elif not ID_VALIDE.match(ident):
        constats.append(erreur(fichier, brut.ligne_de("id"), f"id « {ident} » invalide : minuscules sans accent, chiffres et _ (2 à 60 caractères, commence par une lettre)"))
    for cle in brut:
        if cle not in CHAMPS_CONNUS:
            constats.append(erreur(fichier, brut.ligne_de(cle), f"{nom} : champ inconnu « {cle} » (champs possibles : {', '.join(CHAMPS_CONNUS)})"))
    for champ in CHAMPS_TEXTE_OBLIGATOIRES:
        valeur = brut.get(champ)
        if valeur is not None and not isinstance(valeur, (str, int, float)):
            constats.append(erreur(fichier, brut.ligne_de(champ), f"{nom} : « {champ} » doit être un texte"))
        elif not _texte(valeur):
            ou = brut.ligne_de(champ) if champ in brut else brut.ligne
            message = f"{nom} : réponse vocale « voix » manquante" if champ == "voix" else f"{nom} : champ « {champ} » manquant ou vide"
            constats.append(erreur(fichier, ou, message))
    revue = lire_date(brut.get("revue"))
    if "revue" not in brut:
        constats.append(erreur(fichier, brut.ligne, f"{nom} : date de relecture « revue » manquante (AAAA-MM-JJ)"))
    elif revue is None:
        constats.append(erreur(fichier, brut.ligne_de("revue"), f"{nom} : « revue » doit être une date AAAA-MM-JJ, pas « {brut.get('revue')} »"))
    questions = brut.get("questions")
    if not isinstance(questions, Liste) or not questions:
        constats.append(erreur(fichier, brut.ligne_de("questions"), f"{nom} : « questions » doit être une liste de phrases"))
        questions = Liste()
        questions.lignes = []
    else:
        for i, q in enumerate(questions):
            if not isinstance(q, (str, int, float)) or not _texte(q):
                constats.append(erreur(fichier, questions.ligne_de(i), f"{nom} : question vide ou qui n'est pas une phrase"))
    voir_aussi = brut.get("voir_aussi") or []
    if not isinstance(voir_aussi, list) or not all(isinstance(v, str) for v in voir_aussi):
        constats.append(erreur(fichier, brut.ligne_de("voir_aussi"), f"{nom} : « voir_aussi » doit être une liste d'ids"))
        voir_aussi = []
    brouillon = brut.get("brouillon", False)
    if not isinstance(brouillon, bool):
        constats.append(erreur(fichier, brut.ligne_de("brouillon"), f"{nom} : « brouillon » vaut true ou false"))
    if len(constats) > nombre:
        return None
    return EntreeSource(
        id=ident,
        titre=_texte(brut["titre"]),
        service=_texte(brut["service"]),
        revue=revue or dt.date.min,
        source=_texte(brut["source"]),
        questions=tuple(_texte(q) for q in questions),
        texte=_texte(brut["texte"]),
        voix=_texte(brut["voix"]),
        voir_aussi=tuple(voir_aussi),
        brouillon=bool(brouillon),
        fichier=fichier,
        ligne=brut.ligne,
        lignes=dict(brut.lignes),
        lignes_questions=tuple(questions.lignes),
    )


def lire_theme(fichier: Path, constats: list[Constat]) -> Theme | None:
    try:
        brut = charger(fichier)
    except ErreurYaml as exc:
        constats.append(erreur(exc.fichier, exc.ligne, exc.message))
        return None
    if not isinstance(brut, Dict) or "entrees" not in brut:
        constats.append(erreur(fichier, 1, "un fichier de thème contient « theme: <nom> » puis « entrees: » (la liste des entrées)"))
        return None
    for cle in brut:
        if cle not in ("theme", "entrees"):
            constats.append(erreur(fichier, brut.ligne_de(cle), f"champ inconnu « {cle} » au niveau du thème (attendus : theme, entrees)"))
    nom = _texte(brut.get("theme"))
    if not nom:
        constats.append(erreur(fichier, brut.ligne_de("theme"), "nom du thème « theme » manquant"))
    liste = brut["entrees"]
    if not isinstance(liste, Liste):
        constats.append(erreur(fichier, brut.ligne_de("entrees"), "« entrees » doit être une liste (chaque entrée commence par « - id: … »)"))
        return None
    entrees = [lire_entree(e, fichier, liste.ligne_de(i), constats) for i, e in enumerate(liste)]
    return Theme(fichier=fichier, nom=nom or fichier.stem, entrees=tuple(e for e in entrees if e is not None))


def fichiers_themes(dossier: Path) -> list[Path]:
    return sorted(p for p in dossier.glob("*.yml") if p.is_file()) + sorted(p for p in dossier.glob("*.yaml") if p.is_file())


def lire_sources(dossier: Path) -> tuple[Sources, list[Constat]]:
    """All theme files of a folder, and the problems found while reading them."""
    constats: list[Constat] = []
    if not dossier.is_dir():
        constats.append(erreur(dossier, None, "dossier des questions fréquentes introuvable"))
        return Sources(()), constats
    fichiers = fichiers_themes(dossier)
    for autre in sorted(dossier.iterdir()):
        if autre.is_file() and not autre.name.startswith(".") and autre not in fichiers:
            constats.append(avertissement(autre, None, "fichier ignoré : seuls les fichiers de thème .yml de ce dossier sont lus"))
    if not fichiers:
        constats.append(erreur(dossier, None, "aucun fichier de thème (*.yml) dans ce dossier"))
    themes = [t for t in (lire_theme(f, constats) for f in fichiers) if t is not None]
    return Sources(tuple(themes)), constats


# -- writing (canonical form: import/export round-trips to the same bytes) ----------
def _valeur_texte(texte: str) -> str:
    return Litteral(texte) if "\n" in texte else texte


def entree_en_dict(e: EntreeSource) -> dict[str, Any]:
    d: dict[str, Any] = {"id": e.id, "titre": e.titre, "service": e.service, "revue": e.revue, "source": e.source}
    if e.voir_aussi:
        d["voir_aussi"] = list(e.voir_aussi)
    if e.brouillon:
        d["brouillon"] = True
    d["questions"] = list(e.questions)
    d["texte"] = _valeur_texte(e.texte)
    d["voix"] = _valeur_texte(e.voix)
    return d


def rendre_theme(nom: str, entrees: list[EntreeSource]) -> str:
    corps = vers_yaml({"theme": nom, "entrees": [entree_en_dict(e) for e in entrees]})
    return ENTETE_THEME + "\n" + corps


def nom_fichier_theme(nom: str) -> str:
    from guichet.construction.similarite import normaliser

    return ("_".join(normaliser(nom).split()) or "theme") + ".yml"
