"""Two questions in one message (serveur_rasa/deux_questions.py): thresholds and figures.

1. ``seuil`` and ``ecart`` chosen by 5-fold cross-validation on the FAQ's training
   questions: in each fold the entries' centroids are learnt on four fifths; the
   other fifth makes messages of two questions of different entries joined as
   citizens join them (« et aussi », « ? », « ainsi que »…: the second must be
   found) and messages that must not trigger anything (each question alone, and two
   questions of the same entry joined). The retained thresholds find the most
   second questions while offering a wrong one to at most FAUX_MAX of the others.
2. Measured apart, never tuned on: tests/nlu/phrases_deux_questions.yml (written
   apart: the second question must be found) and the single FAQ questions of
   tests/nlu/phrases_independantes.yml and phrases_reservees.yml (no second
   question may be offered).

`make test-nlu` runs it; `python -m guichet.construction.evaluation_deux_questions`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from guichet.construction.projet import Projet
from serveur_rasa.deux_questions import Centroides, deux_sujets, deuxieme_sujet

RACINE = Path(__file__).resolve().parents[2]
PHRASES = RACINE / "tests" / "nlu" / "phrases_deux_questions.yml"
PHRASES_SIMPLES = (RACINE / "tests" / "nlu" / "phrases_independantes.yml", RACINE / "tests" / "nlu" / "phrases_reservees.yml")
LIAISONS = (" et aussi ", " et ", " ? ", ", et puis ", " ainsi que ", " aussi ", ", également ", " ? et ", ". Autre question : ")
FAUX_MAX = 0.01
SEUILS = [round(0.05 * i, 2) for i in range(2, 13)]
ECARTS = [round(0.025 * i, 3) for i in range(0, 9)]


@dataclass(frozen=True)
class Resultat:
    seuil: float
    ecart: float
    trouvees: float  # second questions found (the right entry) beside the answered one
    faux: float  # messages of one question (or two of one entry) given a second one
    trouvees_repli: float  # both questions found when the ResponseSelector settled on none
    faux_repli: float


def exemples_faq(projet: Projet) -> list[tuple[str, str]]:
    brut = yaml.safe_load(projet.nlu_faq.read_text(encoding="utf-8"))
    return [(ligne.strip()[2:].strip(), bloc["intent"].partition("/")[2]) for bloc in brut["nlu"]
            for ligne in bloc["examples"].splitlines() if ligne.strip().startswith("- ")]


def cas_du_pli(tenus: list[tuple[str, str]], hasard: random.Random) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """(two-question messages: text, answered entry, second entry), (messages that must trigger nothing: text, entry)."""
    positifs, negatifs = [], list(tenus)
    for texte, sujet in tenus:
        autre_texte, autre = hasard.choice([e for e in tenus if e[1] != sujet])
        positifs.append((texte.rstrip(" ?.") + hasard.choice(LIAISONS) + autre_texte, sujet, autre))
        meme = [e for e in tenus if e[1] == sujet and e[0] != texte]
        if meme:
            negatifs.append((texte.rstrip(" ?.") + hasard.choice(LIAISONS) + hasard.choice(meme)[0], sujet))
    return positifs, negatifs


def valider_croisee(exemples: list[tuple[str, str]], plis: int = 5, graine: int = 42) -> list[Resultat]:
    hasard = random.Random(graine)
    melanges = list(exemples)
    hasard.shuffle(melanges)
    trouvees = {(s, e): 0 for s in SEUILS for e in ECARTS}
    faux, trouvees_repli, faux_repli = dict.fromkeys(trouvees, 0), dict.fromkeys(trouvees, 0), dict.fromkeys(trouvees, 0)
    n_pos = n_neg = 0
    for pli in range(plis):
        tenus = [x for i, x in enumerate(melanges) if i % plis == pli]
        centroides = Centroides.apprendre([x for i, x in enumerate(melanges) if i % plis != pli])
        positifs, negatifs = cas_du_pli(tenus, hasard)
        n_pos, n_neg = n_pos + len(positifs), n_neg + len(negatifs)
        for cle in trouvees:
            trouvees[cle] += sum(deuxieme_sujet(centroides, t, s, *cle) == autre for t, s, autre in positifs)
            faux[cle] += sum(deuxieme_sujet(centroides, t, s, *cle) is not None for t, s in negatifs)
            trouvees_repli[cle] += sum(set(deux_sujets(centroides, t, *cle) or ()) == {s, autre} for t, s, autre in positifs)
            faux_repli[cle] += sum(deux_sujets(centroides, t, *cle) is not None for t, _ in negatifs)
    return [Resultat(s, e, round(trouvees[(s, e)] / n_pos, 3), round(faux[(s, e)] / n_neg, 4),
                     round(trouvees_repli[(s, e)] / n_pos, 3), round(faux_repli[(s, e)] / n_neg, 4)) for s, e in trouvees]


def choisir(resultats: list[Resultat]) -> Resultat:
    admis = [r for r in resultats if r.faux <= FAUX_MAX and r.faux_repli <= FAUX_MAX]
    return max(admis, key=lambda r: (r.trouvees + r.trouvees_repli, r.seuil, r.ecart))


def mesurer(exemples: list[tuple[str, str]], seuil: float, ecart: float) -> dict[str, object]:
    """The thresholds on the phrases written apart (never used to choose them)."""
    centroides = Centroides.apprendre(exemples)
    paires = yaml.safe_load(PHRASES.read_text(encoding="utf-8"))
    manquees = [p["texte"] for p in paires if deuxieme_sujet(centroides, p["texte"], p["sujets"][0], seuil, ecart) != p["sujets"][1]]
    simples = [(t, str(e).partition("/")[2]) for chemin in PHRASES_SIMPLES if chemin.exists()
               for e, textes in (yaml.safe_load(chemin.read_text(encoding="utf-8")) or {}).items() if str(e).startswith("faq/")
               for t in textes or []]
    offertes = [(t, deuxieme_sujet(centroides, t, s, seuil, ecart)) for t, s in simples]
    offertes = [(t, o) for t, o in offertes if o is not None]
    return {
        "deux_questions_trouvees": f"{len(paires) - len(manquees)}/{len(paires)}",
        "deux_questions_manquees": manquees,
        "questions_simples_avec_une_deuxieme_offerte": f"{len(offertes)}/{len(simples)}",
        "offertes_a_tort": [{"texte": t, "offerte": o} for t, o in offertes],
    }


async def _analyser(modele: Path, textes: list[str]) -> list[dict[str, Any]]:
    import logging

    import structlog
    from rasa.core.agent import Agent

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    agent = Agent.load(str(modele))
    return [await agent.parse_message(t) for t in textes]


def mesurer_modele(modele: Path) -> dict[str, object]:
    """The trained model, whole pipeline: the answered entry and the offered one must be the message's two."""
    import asyncio

    paires = yaml.safe_load(PHRASES.read_text(encoding="utf-8"))
    analyses = asyncio.run(_analyser(modele, [p["texte"] for p in paires]))
    justes, erreurs = 0, []
    for paire, analyse in zip(paires, analyses, strict=True):
        reponse = ((analyse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        entites = {e.get("entity"): e.get("value") for e in analyse.get("entities") or []}
        repondu = entites.get("premier_sujet") or str(reponse.get("intent_response_key") or "").partition("/")[2]
        offert = entites.get("deuxieme_sujet")
        intention = (analyse.get("intent") or {}).get("name")
        if intention == "deux_questions" and {repondu, offert} == set(paire["sujets"]):
            justes += 1
        else:
            erreurs.append({"texte": paire["texte"], "intention": intention, "repondu": repondu, "offert": offert})
    return {"modele_deux_questions_traitees": f"{justes}/{len(paires)}", "modele_erreurs": erreurs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Choose and measure the thresholds of two-questions detection.")
    parser.add_argument("--sortie", type=Path, default=RACINE / "resultats" / "nlu")
    parser.add_argument("--config", type=Path, default=RACINE / "bot" / "config.yml", help="where the thresholds in use are read")
    args = parser.parse_args(argv)
    exemples = exemples_faq(Projet())
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    retenu = choisir(valider_croisee(exemples))
    composant = next(c for c in yaml.safe_load(args.config.read_text())["pipeline"] if c["name"].endswith("DeuxQuestions"))
    configure = (float(composant.get("seuil", 0.3)), float(composant.get("ecart", 0.05)))
    rapport = {"validation_croisee_retenue": asdict(retenu), "seuils_configures": {"seuil": configure[0], "ecart": configure[1]},
               **mesurer(exemples, *configure)}
    projet = Projet()
    if projet.modele.exists():
        rapport |= mesurer_modele(projet.modele)
    args.sortie.mkdir(parents=True, exist_ok=True)
    (args.sortie / "deux_questions.json").write_text(json.dumps(rapport, ensure_ascii=False, indent=2))
    print(json.dumps({k: v for k, v in rapport.items() if not isinstance(v, list)}, ensure_ascii=False, indent=2))
    if (retenu.seuil, retenu.ecart) != configure:
        print(f"note: cross-validation retains seuil={retenu.seuil} ecart={retenu.ecart}; bot/config.yml has {configure}")
    print(f"report: {args.sortie / 'deux_questions.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
