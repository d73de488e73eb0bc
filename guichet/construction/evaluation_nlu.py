"""NLU evaluation: cross-validation, threshold tuning, independent test set.

``python -m guichet.construction.evaluation_nlu`` (``make test-nlu``):
  1. k-fold cross-validation of each pipeline in ``--pipelines`` on the training
     data (bot/data), with the fallback components removed so the raw
     confidences are kept;
  2. for the pipeline in bot/config.yml, the fallback thresholds that maximise
     in-scope accuracy while off-topic messages are not answered, chosen on the
     cross-validation predictions only;
  3. the trained model (bot/models) measured on tests/nlu/phrases_independantes.yml,
     phrases written apart from the training data and never used for tuning;
  4. a report (JSON + Markdown) and the confusion matrix as a PNG, in resultats/nlu/.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from configuration.chemins import RACINE
from guichet.construction.libelles import HORS_PERIMETRE, REPLI
from guichet.construction.projet import Projet

logger = logging.getLogger(__name__)
COMPOSANTS_REPLI = ("FallbackClassifier", "serveur_rasa.seuil_faq.SeuilReponseFaq")
COMPOSANT_DEUX_QUESTIONS = "serveur_rasa.deux_questions.DeuxQuestions"  # measured apart (evaluation_deux_questions.py)
INTENTIONS_DEMANDES = {"suivre_dossier", "signaler_probleme", "deposer_reclamation", "parler_conseiller"}


PLANCHER_SUJET_SUR = 0.4  # below this, "faq" is too unsure for any topic to rescue it


@dataclass(frozen=True)
class Seuils:
    """The fallback settings of bot/config.yml, as the search chooses them."""
    intention: float  # FallbackClassifier's threshold
    faq: float  # SeuilReponseFaq's threshold
    ecart_intention: float = 0.0  # FallbackClassifier's ambiguity_threshold
    ecart_faq: float = 0.0  # SeuilReponseFaq's ambiguity_threshold
    sujet_sur: float = 1.1  # SeuilReponseFaq's sure_topic_threshold (above 1: no rescue)
    conjointe: bool = False  # SeuilReponseFaq's threshold on the topic's joint probability ("faq" x topic)


AUCUN_SEUIL = Seuils(0.0, 0.0)  # a served model: its pipeline already applied its thresholds


@dataclass(frozen=True)
class Prediction:
    texte: str
    attendu: str
    intention: str
    confiance_intention: float
    cle_faq: str | None
    confiance_faq: float | None
    ecart_intention: float = 1.0  # the likeliest intent's lead over the next one
    ecart_faq: float = 1.0  # the likeliest FAQ topic's lead over the next one

    def decision(self, seuils: Seuils) -> str:
        if self.confiance_intention < seuils.intention or self.ecart_intention < seuils.ecart_intention:
            # an FAQ question whose topic is beyond doubt is answered even when "faq" itself is less sure
            # (« quels sont vos horaires ? »: faq 0.53, horaires_mairie 0.97): SeuilReponseFaq's sure_topic_threshold
            if (self.intention == "faq" and self.cle_faq and self.confiance_intention >= PLANCHER_SUJET_SUR
                    and (self.confiance_faq or 0.0) >= seuils.sujet_sur):
                return self.cle_faq
            return REPLI
        if self.intention == "faq":
            confiance = (self.confiance_faq or 0.0) * (self.confiance_intention if seuils.conjointe else 1.0)
            if self.cle_faq is None or confiance < seuils.faq or self.ecart_faq < seuils.ecart_faq:
                return REPLI
            return self.cle_faq
        return self.intention


@dataclass(frozen=True)
class Metriques:
    exactitude_dans_perimetre: float  # in-scope messages given the right intent/topic
    repli_dans_perimetre: float  # in-scope messages sent to the fallback
    hors_perimetre_rejete: float  # off-topic messages not answered (hors_perimetre or fallback)
    hors_perimetre_repondu_par_faq: float  # off-topic messages answered with an FAQ topic
    hors_perimetre_pris_pour_une_demande: float  # off-topic messages taken for a request (case, report, adviser…)
    n_dans_perimetre: int
    n_hors_perimetre: int
    macro_f1_dans_perimetre: float = 0.0  # F1 per in-scope label, averaged (every topic counts alike)
    reponses_fausses_assurees: float = 0.0  # all messages answered with a wrong topic or wrong request (not a fallback)


def mesurer(predictions: Sequence[Prediction], seuils: Seuils) -> Metriques:
    dedans = [p for p in predictions if p.attendu != HORS_PERIMETRE]
    dehors = [p for p in predictions if p.attendu == HORS_PERIMETRE]
    decisions_dedans = [p.decision(seuils) for p in dedans]
    decisions_dehors = [p.decision(seuils) for p in dehors]

    def part(n: int, total: int) -> float:
        return round(n / total, 4) if total else 0.0

    toutes = [(p.attendu, d) for p, d in zip([*dedans, *dehors], [*decisions_dedans, *decisions_dehors], strict=True)]
    fausses = sum(d not in (REPLI, HORS_PERIMETRE) and d != a for a, d in toutes)
    f1s = []
    for etiquette in sorted({p.attendu for p in dedans}):
        vrais = sum(a == etiquette and d == etiquette for a, d in toutes)
        predits = sum(d == etiquette for _, d in toutes)
        attendus = sum(a == etiquette for a, _ in toutes)
        precision = vrais / predits if predits else 0.0
        rappel = vrais / attendus if attendus else 0.0
        f1s.append(2 * precision * rappel / (precision + rappel) if precision + rappel else 0.0)

    return Metriques(
        macro_f1_dans_perimetre=round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
        reponses_fausses_assurees=part(fausses, len(toutes)),
        exactitude_dans_perimetre=part(sum(d == p.attendu for d, p in zip(decisions_dedans, dedans, strict=True)), len(dedans)),
        repli_dans_perimetre=part(sum(d == REPLI for d in decisions_dedans), len(dedans)),
        hors_perimetre_rejete=part(sum(d in (HORS_PERIMETRE, REPLI) for d in decisions_dehors), len(dehors)),
        hors_perimetre_repondu_par_faq=part(sum(d.startswith("faq/") for d in decisions_dehors), len(dehors)),
        hors_perimetre_pris_pour_une_demande=part(sum(d in INTENTIONS_DEMANDES for d in decisions_dehors), len(dehors)),
        n_dans_perimetre=len(dedans),
        n_hors_perimetre=len(dehors),
    )


ECARTS = (0.0, 0.1, 0.2, 0.3)
SEUILS_CHERCHES = tuple(x / 100 for x in range(20, 90, 5))
POIDS_REPONSE_FAUSSE = 2.0  # a confident wrong answer costs as much as two right answers lost to a fallback
GRAINES = (42, 7, 2026)  # the CV is run with each and the predictions pooled: one split's optimum moves (docs/nlu.md)


def score(m: Metriques, poids: float = POIDS_REPONSE_FAUSSE) -> float:
    """In-scope accuracy minus the weighted share of confident wrong answers, off-topic messages answered included."""
    return m.exactitude_dans_perimetre - poids * m.reponses_fausses_assurees


def choisir_seuils(predictions: Sequence[Prediction], poids: float = POIDS_REPONSE_FAUSSE) -> tuple[Seuils, Metriques]:
    """The fallback settings maximising ``score``: one threshold on the answer's probability among all labels (an
    intent's own, an FAQ topic's joint "faq" x topic), and the two margins (ask when the two likeliest intents, or
    the two likeliest topics, are closer than that)."""
    meilleur: tuple[float, Seuils, Metriques] | None = None
    for seuil in SEUILS_CHERCHES:
        for ei in ECARTS:
            for ef in ECARTS:
                seuils = Seuils(seuil, seuil, ei, ef, conjointe=True)
                m = mesurer(predictions, seuils)
                note = score(m, poids)
                if meilleur is None or note > meilleur[0] + 1e-9:
                    meilleur = (note, seuils, m)
    assert meilleur is not None
    return meilleur[1], meilleur[2]


def seuils_configures(config: dict[str, Any]) -> Seuils:
    """The fallback settings a Rasa config file holds (FallbackClassifier, SeuilReponseFaq)."""
    par_nom = {c["name"]: c for c in config.get("pipeline", [])}
    repli_i, repli_f = par_nom.get(COMPOSANTS_REPLI[0], {}), par_nom.get(COMPOSANTS_REPLI[1], {})
    return Seuils(
        intention=float(repli_i.get("threshold", 0.0)), faq=float(repli_f.get("threshold", 0.0)),
        ecart_intention=float(repli_i.get("ambiguity_threshold", 0.0)), ecart_faq=float(repli_f.get("ambiguity_threshold", 0.0)),
        sujet_sur=float(repli_f.get("sure_topic_threshold", 1.1)),
        conjointe=repli_f.get("threshold_applies_to", "topic") == "intent_and_topic",
    )


# -- data -------------------------------------------------------------------------
def charger_exemples(projet: Projet) -> list[tuple[str, str, Any]]:
    """(text, label, rasa Message) of the NLU training data; label is faq/<key> or the intent."""
    from rasa.shared.nlu.training_data.loading import load_data

    exemples = []
    for nom in ("nlu.yml", "faq.yml"):
        donnees = load_data(str(projet.bot / "data" / nom))
        for message in donnees.intent_examples:
            etiquette = message.get("intent_response_key") or message.get("intent")
            exemples.append((message.get("text"), etiquette, message))
    return exemples


def charger_phrases_independantes(chemin: Path) -> list[tuple[str, str]]:
    brut = yaml.safe_load(chemin.read_text(encoding="utf-8")) or {}
    return [(str(t), str(etiquette)) for etiquette, textes in brut.items() for t in (textes or [])]


def config_brute(config: dict[str, Any]) -> dict[str, Any]:
    """The pipeline without its fallback components (raw confidences)."""
    brute = copy.deepcopy(config)
    brute["pipeline"] = [c for c in brute["pipeline"] if c["name"] not in (*COMPOSANTS_REPLI, COMPOSANT_DEUX_QUESTIONS)]
    return brute


# -- cross-validation ---------------------------------------------------------------
async def predire(modele: str, textes: Iterable[tuple[str, str]]) -> list[Prediction]:
    import structlog
    from rasa.core.agent import Agent

    # Rasa's debug lines print every phrase parsed: not for a report's output
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    agent = Agent.load(modele)
    predictions = []
    for texte, attendu in textes:
        predictions.append(prediction(texte, attendu, await agent.parse_message(texte)))
    return predictions


def _ecart(confiances: Iterable[float]) -> float:
    triees = sorted(confiances, reverse=True)
    return triees[0] - triees[1] if len(triees) >= 2 else 1.0


def prediction(texte: str, attendu: str, analyse: dict[str, Any]) -> Prediction:
    """What the NLU decided for one phrase, with the leads of its likeliest intent and FAQ topic."""
    intention = analyse.get("intent") or {}
    selecteur = (analyse.get("response_selector") or {}).get("faq") or {}
    reponse = selecteur.get("response") or {}
    premier = next((e.get("value") for e in analyse.get("entities") or [] if e.get("entity") == "premier_sujet"), None)
    if intention.get("name") == "deux_questions" and premier:  # the entry answered first (serveur_rasa/deux_questions.py)
        reponse = {**reponse, "intent_response_key": f"faq/{premier}"}
    return Prediction(
        texte=texte,
        attendu=attendu,
        # two questions in one message: the first is answered as any FAQ question (the second is offered)
        intention="faq" if intention.get("name") == "deux_questions" else str(intention.get("name")),
        confiance_intention=float(intention.get("confidence") or 0.0),
        cle_faq=reponse.get("intent_response_key"),
        confiance_faq=float(reponse["confidence"]) if reponse.get("confidence") is not None else None,
        ecart_intention=_ecart(float(i.get("confidence") or 0.0) for i in analyse.get("intent_ranking") or []
                               if i.get("name") != REPLI),
        ecart_faq=_ecart(float(r.get("confidence") or 0.0) for r in selecteur.get("ranking") or []),
    )


def _afficher_pli(i: int, plis: int, duree: float) -> None:
    print(f"  fold {i}/{plis} done in {duree:.0f} s", flush=True)


def valider_croisee(
    projet: Projet, config: dict[str, Any], plis: int, graine: int, dossier: Path,
    progression: Callable[[int, int, float], None] = _afficher_pli,
) -> list[Prediction]:
    """Out-of-fold predictions; ``progression(fold, folds, seconds)`` is called after each fold."""
    from sklearn.model_selection import StratifiedKFold

    exemples = charger_exemples(projet)
    etiquettes = [e[1] for e in exemples]
    communes = donnees_communes(projet)
    predictions: list[Prediction] = []
    decoupage = StratifiedKFold(n_splits=plis, shuffle=True, random_state=graine)
    for i, (entrainement, test) in enumerate(decoupage.split(etiquettes, etiquettes), start=1):
        debut = time.monotonic()
        modele = entrainer_brut(projet, config, [exemples[j] for j in entrainement], communes, dossier, f"pli{i}")
        predictions += asyncio.run(predire(modele, [(exemples[j][0], exemples[j][1]) for j in test]))
        progression(i, plis, time.monotonic() - debut)
    return predictions


def donnees_communes(projet: Projet) -> Any:
    """The training data every fold keeps whole, whatever its examples: the regexes and the jargon table
    (``synonym:`` blocks), from every NLU file of bot/data (a rasa TrainingData)."""
    from rasa.shared.data import is_nlu_file
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    toutes = TrainingData().merge(*(load_data(str(f)) for f in sorted((projet.bot / "data").glob("*.yml"))
                                    if is_nlu_file(str(f))))
    return TrainingData(regex_features=toutes.regex_features, entity_synonyms=toutes.entity_synonyms)


def entrainer_brut(projet: Projet, config: dict[str, Any], exemples: Sequence[tuple[str, str, Any]], communes: Any,
                   dossier: Path, nom: str) -> str:
    """An NLU model of ``config`` without its fallback components, trained on ``exemples`` and ``communes``
    (``donnees_communes``); its path."""
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.training_data import TrainingData

    chemin_config = dossier / f"{nom}_config.yml"
    chemin_config.write_text(yaml.safe_dump(config_brute(config), allow_unicode=True))
    donnees = TrainingData(training_examples=[e[2] for e in exemples], regex_features=communes.regex_features,
                           entity_synonyms=communes.entity_synonyms)
    chemin_nlu = dossier / f"{nom}.yml"
    chemin_nlu.write_text(donnees.nlu_as_yaml(), encoding="utf-8")
    modele = train_nlu(str(chemin_config), str(chemin_nlu), str(dossier / "modeles"), fixed_model_name=nom,
                       domain=str(projet.bot / "domain"))
    if modele is None:
        raise RuntimeError(f"training {nom} failed")
    return str(modele)


# -- report -------------------------------------------------------------------------
def dessiner_matrice(predictions: Sequence[Prediction], seuils: Seuils, chemin: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from sklearn.metrics import confusion_matrix

    vrais = [p.attendu for p in predictions]
    predits = [p.decision(seuils) for p in predictions]
    etiquettes = sorted(set(vrais) | set(predits))
    matrice = confusion_matrix(vrais, predits, labels=etiquettes)
    fig, ax = plt.subplots(figsize=(14, 12))
    ax.imshow(matrice, cmap="Blues")
    ax.set_xticks(range(len(etiquettes)), etiquettes, rotation=90, fontsize=8)
    ax.set_yticks(range(len(etiquettes)), etiquettes, fontsize=8)
    for (i, j), v in np.ndenumerate(matrice):
        if not v:
            continue
        ax.text(j, i, str(v), ha="center", va="center", fontsize=6, color="black" if v < matrice.max() / 2 else "white")
    ax.set_xlabel("prédit")
    ax.set_ylabel("attendu")
    ax.set_title(f"Validation croisée NLU (seuils {seuils.intention} / {seuils.faq})")
    fig.tight_layout()
    fig.savefig(chemin, dpi=90)
    plt.close(fig)


def pires_confusions(predictions: Sequence[Prediction], seuils: Seuils, n: int = 15) -> list[dict[str, Any]]:
    paires: Counter[tuple[str, str]] = Counter()
    exemples: dict[tuple[str, str], str] = {}
    for p in predictions:
        d = p.decision(seuils)
        if d != p.attendu:
            paires[(p.attendu, d)] += 1
            exemples.setdefault((p.attendu, d), p.texte)
    return [{"attendu": a, "predit": d, "nombre": c, "exemple": exemples[(a, d)]} for (a, d), c in paires.most_common(n)]


FICHIERS_PHRASES = {  # written apart from the training data; the held-out one is never read by any tuning
    "phrases_independantes": RACINE / "tests" / "nlu" / "phrases_independantes.yml",
    "phrases_reservees": RACINE / "tests" / "nlu" / "phrases_reservees.yml",
}


def mesurer_phrases(projet: Projet) -> dict[str, Any]:
    """The trained model (its own thresholds applied) on each file of independent phrases, with its errors."""
    rapport: dict[str, Any] = {}
    for nom, chemin in FICHIERS_PHRASES.items():
        if not chemin.exists():
            continue
        predictions = asyncio.run(predire(str(projet.modele), charger_phrases_independantes(chemin)))
        rapport[nom] = asdict(mesurer(predictions, AUCUN_SEUIL))  # the production model already applies its thresholds
        rapport[f"{nom}_erreurs"] = [
            {"texte": p.texte, "attendu": p.attendu, "predit": p.decision(AUCUN_SEUIL)}
            for p in predictions
            if p.decision(AUCUN_SEUIL) != p.attendu and not (p.attendu == HORS_PERIMETRE and p.decision(AUCUN_SEUIL) == REPLI)
        ]
    return rapport


def mesurer_phrases_pipeline(projet: Projet, config: dict[str, Any], seuils: Seuils) -> dict[str, Any]:
    """A compared pipeline trained on all the examples, at its own CV thresholds, on each file of phrases:
    what it would give if it were served (the served pipeline is measured by ``mesurer_phrases``)."""
    rapport: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as dossier:
        modele = entrainer_brut(projet, config, charger_exemples(projet), donnees_communes(projet), Path(dossier), "complet")
        for nom, chemin in FICHIERS_PHRASES.items():
            if chemin.exists():
                predictions = asyncio.run(predire(modele, charger_phrases_independantes(chemin)))
                rapport[nom] = asdict(mesurer(predictions, seuils))
    return rapport


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Cross-validate Guichet's NLU and write a report.")
    parser.add_argument("--plis", type=int, default=5, help="number of folds (default 5)")
    parser.add_argument("--graines", type=int, nargs="+", default=list(GRAINES),
                        help="the CV is run once per seed and the predictions pooled (default: %(default)s)")
    parser.add_argument("--pipelines", nargs="*", type=Path, default=[], help="other config files to compare")
    parser.add_argument("--graines-comparees", type=int, nargs="+", default=[GRAINES[0]],
                        help="seeds of the compared pipelines' CV (default: %(default)s; a DIET fold takes 10 min and more)")
    parser.add_argument("--sortie", type=Path, default=RACINE / "resultats" / "nlu")
    parser.add_argument("--phrases-seulement", action="store_true",
                        help="only measure the trained model (bot/models) on the independent and held-out phrases")
    args = parser.parse_args(argv)
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    projet = Projet()
    args.sortie.mkdir(parents=True, exist_ok=True)
    if args.phrases_seulement:
        if not projet.modele.exists():
            print(f"error: no trained model at {projet.modele} (make train)", file=sys.stderr)
            return 2
        mesures = mesurer_phrases(projet)
        (args.sortie / "phrases.json").write_text(json.dumps(mesures, ensure_ascii=False, indent=2))
        print(json.dumps({k: v for k, v in mesures.items() if not k.endswith("_erreurs")}, ensure_ascii=False, indent=2))
        print(f"errors: {args.sortie / 'phrases.json'}")
        return 0
    rapport: dict[str, Any] = {"plis": args.plis, "graines": args.graines, "graines_comparees": args.graines_comparees,
                               "pipelines": {}}
    configs = [projet.bot / "config.yml", *args.pipelines]
    predictions_retenues: list[Prediction] = []
    config_retenue: dict[str, Any] = yaml.safe_load(configs[0].read_text())
    for chemin in configs:
        config = yaml.safe_load(chemin.read_text())
        graines = args.graines if chemin == configs[0] else args.graines_comparees
        print(f"cross-validating {chemin} ({args.plis} folds, seeds {graines})…", flush=True)
        debut = time.monotonic()
        predictions = []
        for graine in graines:
            with tempfile.TemporaryDirectory() as dossier:
                predictions += valider_croisee(projet, config, args.plis, graine, Path(dossier))
        duree = time.monotonic() - debut
        seuils, m = choisir_seuils(predictions)
        resultat: dict[str, Any] = {"seuils_optimaux": asdict(seuils), "metriques": asdict(m), "duree_s": round(duree)}
        rapport["pipelines"][str(chemin.relative_to(RACINE) if chemin.is_relative_to(RACINE) else chemin)] = resultat
        print(f"  best thresholds {asdict(seuils)}: {asdict(m)}", flush=True)
        if chemin != configs[0]:  # the served pipeline's own model is measured below, at its configured thresholds
            phrases = mesurer_phrases_pipeline(projet, config, seuils)
            resultat |= phrases
            print(f"  on the phrases, at those thresholds: {phrases}", flush=True)
        else:
            predictions_retenues = predictions
            # kept for a later look at other thresholds without cross-validating again
            (args.sortie / "predictions_validation_croisee.json").write_text(
                json.dumps([asdict(p) for p in predictions], ensure_ascii=False))
    configures = seuils_configures(config_retenue)
    rapport["seuils_configures"] = asdict(configures)
    rapport["validation_croisee_avec_seuils_configures"] = asdict(mesurer(predictions_retenues, configures))
    rapport["pires_confusions"] = pires_confusions(predictions_retenues, configures)
    dessiner_matrice(predictions_retenues, configures, args.sortie / "matrice_confusion.png")
    if projet.modele.exists():
        rapport |= mesurer_phrases(projet)
    (args.sortie / "rapport.json").write_text(json.dumps(rapport, ensure_ascii=False, indent=2))
    print(json.dumps({k: v for k, v in rapport.items() if k != "pires_confusions"}, ensure_ascii=False, indent=2))
    print(f"report: {args.sortie / 'rapport.json'}, confusion matrix: {args.sortie / 'matrice_confusion.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
