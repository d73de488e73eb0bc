"""The NLU evaluation's training of compared pipelines: each fold gets the regexes and the jargon table,
and a compared pipeline is measured on the phrase files at the thresholds given."""

import json
import tarfile
from pathlib import Path

import yaml

from guichet.construction import evaluation_nlu
from guichet.construction.evaluation_nlu import (
    Seuils,
    charger_exemples,
    donnees_communes,
    entrainer_brut,
    mesurer_phrases_pipeline,
)
from guichet.construction.projet import Projet

RACINE = Path(__file__).resolve().parents[3]


def test_a_fold_is_trained_with_the_jargon_table_and_without_the_fallback_components(tmp_path):
    projet = Projet(RACINE)
    config = yaml.safe_load((RACINE / "bench" / "pipelines" / "lr_synonymes.yml").read_text())
    exemples = charger_exemples(projet)[::10]  # a tenth of the examples: enough for a fold's files
    modele = entrainer_brut(projet, config, exemples, donnees_communes(projet), tmp_path, "pli1")
    with tarfile.open(modele) as archive:
        noms = archive.getnames()
        (synonymes,) = [n for n in noms if n.endswith("/synonymes.json")]
        table = json.loads(archive.extractfile(synonymes).read())  # type: ignore[union-attr]
        (metadonnees,) = [n for n in noms if n.endswith("metadata.json")]
        schema = json.dumps(json.loads(archive.extractfile(metadonnees).read())["predict_schema"])  # type: ignore[union-attr]
    assert table["cni"] == "carte nationale d'identité" and len(table) >= 90  # bot/data/synonymes.yml, whole
    assert "ClassifieurSujets" in schema and "RegexEntityExtractor" in schema
    assert "FallbackClassifier" not in schema and "SeuilReponseFaq" not in schema  # raw confidences for the search
    fold = yaml.safe_load((tmp_path / "pli1.yml").read_text())
    assert any("regex" in bloc for bloc in fold["nlu"]) and any("synonym" in bloc for bloc in fold["nlu"])


def test_a_compared_pipeline_is_measured_on_each_phrase_file_at_its_thresholds(tmp_path, monkeypatch):
    phrases = tmp_path / "phrases.yml"
    phrases.write_text(yaml.safe_dump({"faq/passeport": ["je dois refaire mon passeport"], "saluer": ["bonjour"],
                                       "hors_perimetre": ["quel temps fera-t-il demain à Brest"]}, allow_unicode=True))
    monkeypatch.setattr(evaluation_nlu, "FICHIERS_PHRASES", {"essai": phrases, "absent": tmp_path / "absent.yml"})
    config = yaml.safe_load((RACINE / "bot" / "config.yml").read_text())
    rapport = mesurer_phrases_pipeline(Projet(RACINE), config, Seuils(0.6, 0.6, 0.3, conjointe=True))
    assert set(rapport) == {"essai"}  # a missing file is skipped
    m = rapport["essai"]
    assert (m["n_dans_perimetre"], m["n_hors_perimetre"]) == (2, 1)
    assert m["exactitude_dans_perimetre"] == 1.0 and m["hors_perimetre_rejete"] == 1.0
    # the same phrases, at a bar no answer reaches: everything goes to the fallback
    assert mesurer_phrases_pipeline(Projet(RACINE), config, Seuils(1.01, 1.01))["essai"]["exactitude_dans_perimetre"] == 0.0
