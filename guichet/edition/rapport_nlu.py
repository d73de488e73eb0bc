"""`tester`: NLU cross-validation and a report an editor can read (one HTML page + JSON).

Per entry precision, recall and F1 with the thresholds of bot/config.yml (a
question the bot would not dare answer counts as missed), the confusion matrix
as a picture, and the worst confusions said in French with example questions.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from guichet.affichage import pourcentage
from guichet.construction.evaluation_nlu import (
    HORS_PERIMETRE,
    REPLI,
    Prediction,
    Seuils,
    dessiner_matrice,
    mesurer,
    seuils_configures,
    valider_croisee,
)
from guichet.construction.libelles import libelles as libelles_domaine
from guichet.construction.projet import Projet
from guichet.construction.sources_faq import lire_sources
from guichet.edition.projet_temporaire import projet_temporaire

SEUIL_F1_FAIBLE = 0.7


@dataclass(frozen=True)
class ScoreEntree:
    etiquette: str  # faq/<id> or a dialogue intent
    libelle: str
    precision: float
    rappel: float
    f1: float
    questions: int


@dataclass(frozen=True)
class Confusion:
    attendu: str
    predit: str
    nombre: int
    phrase: str  # the confusion said in French
    exemples: tuple[str, ...]


@dataclass(frozen=True)
class Rapport:
    date: str
    plis: int
    seuil_intention: float
    seuil_faq: float
    questions: int
    exactitude: float
    f1_moyen_faq: float
    scores: tuple[ScoreEntree, ...]
    confusions: tuple[Confusion, ...]
    duree_s: float

    def entrees_faibles(self, f1_min: float) -> list[ScoreEntree]:
        return [s for s in self.scores if s.etiquette.startswith("faq/") and s.f1 < f1_min]


def libelles(fichiers: Projet, domaine: Path) -> dict[str, str]:
    """French labels (guichet/construction/libelles.py), with the titles of FAQ entries not trained yet."""
    noms = libelles_domaine(domaine)
    sources, _ = lire_sources(fichiers.faq)
    for e in sources.entrees:
        noms[f"faq/{e.id}"] = e.titre
    return noms


def _nom(etiquette: str, noms: dict[str, str]) -> str:
    court = etiquette.removeprefix("faq/")
    libelle = noms.get(etiquette)
    return f"« {court} » ({libelle})" if libelle and libelle != court else f"« {court} »"


def calculer(predictions: Sequence[Prediction], seuils: Seuils, noms: dict[str, str], plis: int, duree: float) -> Rapport:
    from sklearn.metrics import precision_recall_fscore_support

    vrais = [p.attendu for p in predictions]
    predits = [p.decision(seuils) for p in predictions]
    etiquettes = sorted(set(vrais), key=lambda e: (not e.startswith("faq/"), e))
    precision, rappel, f1, support = precision_recall_fscore_support(vrais, predits, labels=etiquettes, zero_division=0)
    scores = tuple(
        ScoreEntree(e, noms.get(e, e.removeprefix("faq/")), round(float(p), 3), round(float(r), 3), round(float(f), 3), int(n))
        for e, p, r, f, n in zip(etiquettes, precision, rappel, f1, support, strict=True)
    )
    paires: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p, d in zip(predictions, predits, strict=True):
        if d != p.attendu and not (p.attendu == HORS_PERIMETRE and d == REPLI):
            paires[(p.attendu, d)].append(p.texte)
    confusions = []
    for (attendu, predit), textes in sorted(paires.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:20]:
        n = len(textes)
        questions = "question" if n == 1 else "questions"
        if predit == REPLI:
            phrase = f"{n} {questions} de {_nom(attendu, noms)} n'ont pas obtenu de réponse (le bot n'était pas assez sûr)"
        else:
            phrase = f"{n} {questions} de {_nom(attendu, noms)} ont été comprises comme {_nom(predit, noms)}"
        if n == 1:
            phrase = phrase.replace("n'ont pas obtenu", "n'a pas obtenu").replace("ont été comprises", "a été comprise")
        confusions.append(Confusion(attendu, predit, n, phrase, tuple(textes[:3])))
    faq = [s.f1 for s in scores if s.etiquette.startswith("faq/")]
    m = mesurer(predictions, seuils)
    return Rapport(
        date=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        plis=plis, seuil_intention=seuils.intention, seuil_faq=seuils.faq, questions=len(predictions),
        exactitude=m.exactitude_dans_perimetre, f1_moyen_faq=round(sum(faq) / len(faq), 3) if faq else 0.0,
        scores=scores, confusions=tuple(confusions), duree_s=round(duree, 1),
    )


def rendre_html(rapport: Rapport, image_png: bytes) -> str:
    e = html.escape
    lignes = []
    for s in rapport.scores:
        classe = ' class="faible"' if s.f1 < SEUIL_F1_FAIBLE else ""
        lignes.append(
            f"<tr{classe}><th scope=\"row\">{e(s.etiquette.removeprefix('faq/'))}</th><td>{e(s.libelle)}</td>"
            f"<td>{s.questions}</td><td>{pourcentage(s.precision)}</td><td>{pourcentage(s.rappel)}</td><td>{pourcentage(s.f1)}</td></tr>"
        )
    confusions = "".join(
        f"<li><p>{e(c.phrase)}, par exemple :</p><ul>{''.join(f'<li>« {e(t)} »</li>' for t in c.exemples)}</ul></li>"
        for c in rapport.confusions
    ) or "<li>Aucune confusion : chaque question a trouvé la bonne réponse.</li>"
    image = base64.b64encode(image_png).decode()
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Guichet : qualité de la compréhension</title>
<style>
body {{ font-family: Marianne, Arial, sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; color: #161616; line-height: 1.5; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #929292; padding: .3rem .6rem; text-align: left; }}
thead th {{ background: #e3e3fd; }}
tr.faible td, tr.faible th {{ background: #ffe9e9; }}
img {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<h1>Qualité de la compréhension</h1>
<p>Rapport du {e(rapport.date)} : validation croisée en {rapport.plis} plis sur {rapport.questions} questions
({rapport.duree_s:.0f} s). Chaque question est posée à un modèle entraîné sans elle ; le bot répond
seulement s'il est assez sûr (seuils {rapport.seuil_intention} et {rapport.seuil_faq}).</p>
<p><strong>Bonnes réponses : {pourcentage(rapport.exactitude)}</strong> ; F1 moyen des questions fréquentes :
{pourcentage(rapport.f1_moyen_faq)}. Les lignes en rouge (F1 sous {pourcentage(SEUIL_F1_FAIBLE)}) sont à retravailler :
ajoutez des formulations variées ou rapprochez les entrées qui se ressemblent.</p>
<h2>Par entrée</h2>
<p>Précision : quand le bot donne cette réponse, elle est juste. Rappel : quand on pose cette question, le bot la reconnaît.</p>
<table>
<thead><tr><th scope="col">id</th><th scope="col">titre</th><th scope="col">questions</th><th scope="col">précision</th><th scope="col">rappel</th><th scope="col">F1</th></tr></thead>
<tbody>
{chr(10).join(lignes)}
</tbody>
</table>
<h2>Les confusions les plus fréquentes</h2>
<ol>{confusions}</ol>
<h2>Matrice de confusion</h2>
<p>Lignes : la réponse attendue ; colonnes : la réponse donnée. Tout ce qui n'est pas sur la diagonale est une erreur.</p>
<img src="data:image/png;base64,{image}" alt="Matrice de confusion : réponses attendues en lignes, réponses données en colonnes">
</body>
</html>
"""


def tester(fichiers: Projet, sortie: Path, plis: int = 5, graine: int = 42, config: Path | None = None) -> Rapport:
    """Cross-validate the current sources and write rapport.html, rapport.json and matrice_confusion.png."""
    sortie.mkdir(parents=True, exist_ok=True)
    debut = time.monotonic()
    with projet_temporaire(fichiers) as projet:
        chemin_config = config or projet.bot / "config.yml"
        config_brute = yaml.safe_load(chemin_config.read_text(encoding="utf-8"))
        seuils = seuils_configures(config_brute)
        noms = libelles(fichiers, projet.bot / "domain")

        def progression(i: int, n: int, duree: float) -> None:
            print(f"pli {i}/{n} terminé en {duree:.0f} s", file=sys.stderr, flush=True)

        print(f"validation croisée en {plis} plis : chaque pli entraîne un modèle (comptez 30 à 60 s par pli)…", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix="guichet-tester-") as travail:
            predictions = valider_croisee(projet, config_brute, plis, graine, Path(travail), progression)
    rapport = calculer(predictions, seuils, noms, plis, time.monotonic() - debut)
    image = sortie / "matrice_confusion.png"
    dessiner_matrice(predictions, seuils, image)
    (sortie / "rapport.html").write_text(rendre_html(rapport, image.read_bytes()), encoding="utf-8")
    (sortie / "rapport.json").write_text(json.dumps(asdict(rapport), ensure_ascii=False, indent=2), encoding="utf-8")
    return rapport
