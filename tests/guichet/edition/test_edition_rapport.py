import json

import pytest

from guichet.construction.evaluation_nlu import Prediction, Seuils
from guichet.edition.__main__ import main
from guichet.edition.rapport_nlu import calculer, rendre_html


def p(texte, attendu, intention, ci, cle=None, cf=None):
    return Prediction(texte, attendu, intention, ci, cle, cf)


NOMS = {"faq/piscine": "Piscine municipale", "faq/cantine": "Cantine scolaire", "suivre_dossier": "Suivre un dossier"}


def test_scores_and_confusions_are_counted_and_said_in_french():
    predictions = [
        p("tarifs piscine", "faq/piscine", "faq", 0.9, "faq/piscine", 0.9),
        p("piscine ouverte", "faq/piscine", "faq", 0.9, "faq/piscine", 0.9),
        p("bassin <b>", "faq/piscine", "faq", 0.9, "faq/cantine", 0.8),  # wrong entry
        p("nager", "faq/piscine", "faq", 0.9, "faq/piscine", 0.3),  # not sure enough: fallback
        p("menu cantine", "faq/cantine", "faq", 0.9, "faq/cantine", 0.9),
        p("mon dossier", "suivre_dossier", "suivre_dossier", 0.95),
    ]
    r = calculer(predictions, Seuils(0.4, 0.6), NOMS, plis=2, duree=1.0)
    scores = {s.etiquette: s for s in r.scores}
    assert (scores["faq/piscine"].precision, scores["faq/piscine"].rappel, scores["faq/piscine"].questions) == (1.0, 0.5, 4)
    assert (scores["faq/cantine"].precision, scores["faq/cantine"].rappel) == (0.5, 1.0)
    assert round(scores["faq/piscine"].f1, 3) == 0.667
    assert r.exactitude == round(4 / 6, 4)
    phrases = [c.phrase for c in r.confusions]
    assert "1 question de « piscine » (Piscine municipale) a été comprise comme « cantine » (Cantine scolaire)" in phrases
    assert "1 question de « piscine » (Piscine municipale) n'a pas obtenu de réponse (le bot n'était pas assez sûr)" in phrases
    assert [s.etiquette for s in r.entrees_faibles(0.7)] == ["faq/cantine", "faq/piscine"]
    html = rendre_html(r, b"\x89PNG")
    assert "« bassin &lt;b&gt; »" in html and "bassin <b>" not in html
    assert 'lang="fr"' in html and "data:image/png;base64," in html


def test_tester_command_writes_an_html_and_json_report(projet, tmp_path, capsys):
    copie = tmp_path / "config_copiee.yml"  # the real pipeline, read from another place
    copie.write_text((projet.racine / "bot" / "config.yml").read_text())
    sortie = tmp_path / "rapport"
    # a bar no entry can reach: the report is written and the command fails for CI
    code = main(["--racine", str(projet.racine), "tester", "--plis", "2", "--sortie", str(sortie), "--config", str(copie), "--f1-min", "1.01"])
    captures = capsys.readouterr()
    assert code == 1, captures.err
    assert "entrée « piscine » : F1" in captures.err and "sous le minimum" in captures.err
    assert "pli 1/2 terminé" in captures.err and "pli 2/2 terminé" in captures.err  # progress
    rapport = json.loads((sortie / "rapport.json").read_text(encoding="utf-8"))
    par_entree = {s["etiquette"]: s for s in rapport["scores"]}
    assert {"faq/cantine", "faq/piscine", "faq/mediatheque", "suivre_dossier"} <= set(par_entree)
    assert par_entree["faq/piscine"]["questions"] == 13
    # real figures from a real cross-validation: each fixture entry is recognised, and rightly when it is (with six
    # training questions per fold against the real bot's 1,700 examples, its recall is low at the real bar; the exact
    # values move with bot/data, so no finer claim is made here)
    for cle in ("faq/cantine", "faq/piscine", "faq/mediatheque"):
        p, r, f = (par_entree[cle][k] for k in ("precision", "rappel", "f1"))
        assert p >= 0.8 and r > 0.0, (cle, p, r)
        assert f == pytest.approx(2 * p * r / (p + r), abs=2e-3)
    html = (sortie / "rapport.html").read_text(encoding="utf-8")
    assert "Piscine municipale" in html and "Matrice de confusion" in html
    assert (sortie / "matrice_confusion.png").read_bytes()[:4] == b"\x89PNG"
