from pathlib import Path

import pytest

from configuration.erreurs import ErreurConfiguration
from guichet.construction.generation import generer, main
from guichet.construction.projet import Projet

RACINE = Path(__file__).resolve().parents[3]


def test_generated_files_are_up_to_date():
    for chemin, texte in generer(Projet(RACINE)).items():
        assert chemin.read_text(encoding="utf-8") == texte, f"{chemin} is stale: run `make train`"


def test_generation_is_deterministic():
    assert generer(Projet(RACINE)) == generer(Projet(RACINE))


def test_every_faq_answer_has_a_clean_voice_variant():
    import yaml

    responses = yaml.safe_load((RACINE / "bot" / "domain" / "faq.yml").read_text(encoding="utf-8"))["responses"]
    faq = {k: v for k, v in responses.items() if k.startswith("utter_faq/")}
    assert len(faq) == 16
    for nom, variantes in faq.items():
        voix = [v["text"] for v in variantes if v.get("channel") == "voix"]
        assert len(voix) == 1, nom
        assert not any(s in voix[0] for s in ("http", "](", "**", "\n", "€", "ants.gouv")), nom


def copie_contenu(tmp_path: Path) -> Projet:
    import shutil

    shutil.copytree(RACINE / "contenu", tmp_path / "contenu")
    return Projet(tmp_path)


def test_unknown_commune_field_is_reported(tmp_path):
    fichiers = copie_contenu(tmp_path)
    mairie = fichiers.faq / "mairie.yml"
    mairie.write_text(mairie.read_text(encoding="utf-8").replace("${horaires}", "${horaire_inconnu}", 1), encoding="utf-8")
    with pytest.raises(ErreurConfiguration, match="horaire_inconnu"):
        generer(fichiers)


def test_broken_yaml_names_file_and_line(tmp_path, capsys):
    fichiers = copie_contenu(tmp_path)
    fichiers.reponses.write_text("utter_x:\n  - text: 'ok'\n  - text: [unclosed\n", encoding="utf-8")
    assert main(["--racine", str(tmp_path)]) == 2
    erreur = capsys.readouterr().err
    assert "reponses.yml:" in erreur and "Traceback" not in erreur


def test_missing_voice_variant_is_refused(tmp_path):
    fichiers = copie_contenu(tmp_path)
    fichiers.reponses.write_text("utter_x:\n  - text: 'bonjour'\n", encoding="utf-8")
    with pytest.raises(ErreurConfiguration, match="voix"):
        generer(fichiers)


def test_too_few_questions_refused(tmp_path):
    fichiers = copie_contenu(tmp_path)
    (fichiers.faq / "mairie.yml").write_text(
        "theme: T\nentrees:\n- id: xx\n  titre: X\n  service: S\n  revue: 2026-01-01\n  source: F1\n"
        "  questions: [a, b]\n  texte: t\n  voix: v\n",
        encoding="utf-8",
    )
    with pytest.raises(ErreurConfiguration, match="mairie.yml:3: .*at least 12"):
        generer(fichiers)


def test_voice_variants_say_numbers_in_words():
    """No digits in the phone texts, and numeric placeholders have a spoken form."""
    import re

    import yaml

    for nom in ("faq.yml", "reponses.yml"):
        responses = yaml.safe_load((RACINE / "bot" / "domain" / nom).read_text(encoding="utf-8"))["responses"]
        for cle, variantes in responses.items():
            for v in variantes:
                if v.get("channel") != "voix":
                    continue
                texte = re.sub(r"\{[a-z0-9_]+\}", "", v["text"])
                assert not re.search(r"\d", texte), (cle, v["text"])
                for variable in re.findall(r"\{([a-z0-9_]+)\}", v["text"]):
                    assert variable.endswith("_voix") or variable in {"intitule", "motif", "piece_manquante", "etat", "sujet", "sujet1", "sujet2"}, (cle, variable)


def test_training_shows_its_progress_and_a_failure_explains_itself(tmp_path, monkeypatch, capsys):
    """Rasa's training is silent for up to a minute: a line every PAS_PROGRESSION_S seconds; a failed training
    raises with Rasa's own output (here an unknown pipeline component)."""
    import shutil

    from guichet.construction import entrainement

    shutil.copytree(RACINE / "bot", tmp_path / "bot", ignore=shutil.ignore_patterns("models", ".rasa"))
    config = tmp_path / "bot" / "config.yml"
    texte = config.read_text()
    assert "name: RegexEntityExtractor" in texte
    config.write_text(texte.replace("name: RegexEntityExtractor", "name: ClassifieurInexistant"))
    monkeypatch.setattr(entrainement, "PAS_PROGRESSION_S", 0.5)
    vus = []
    with pytest.raises(ErreurConfiguration, match="rasa train failed"):
        entrainement.entrainer_vers(Projet(tmp_path), tmp_path / "bot" / "models" / "essai.tar.gz", progression=vus.append)
    assert len(vus) >= 2 and vus == sorted(vus)  # Rasa takes seconds just to start: several progress lines
    assert "ClassifieurInexistant" in capsys.readouterr().err
    entrainement.afficher_progression(12.4)
    assert capsys.readouterr().err == "  … training, 12 s\n"
