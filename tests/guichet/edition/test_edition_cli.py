import json
import subprocess
import sys

from guichet.edition.__main__ import main
from tests.guichet.edition.conftest import RACINE, remplacer


def test_valider_on_the_project_itself_passes():
    resultat = subprocess.run([sys.executable, "-m", "guichet.edition", "valider"], cwd=RACINE, capture_output=True, text=True)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "0 erreur(s)" in resultat.stdout


def test_valider_exit_codes_and_json(projet, capsys):
    racine = ["--racine", str(projet.racine)]
    assert main([*racine, "valider", "--sans-rasa"]) == 0
    remplacer(projet.faq / "ecole.yml", "revue: 2026-09-01", "revue: 2020-01-01")
    assert main([*racine, "valider", "--sans-rasa"]) == 0  # a warning does not fail…
    assert main([*racine, "valider", "--sans-rasa", "--strict"]) == 1  # …unless asked
    remplacer(projet.faq / "loisirs.yml", "  titre: Piscine municipale\n", "")
    capsys.readouterr()
    assert main([*racine, "valider", "--sans-rasa", "--json"]) == 1
    constats = json.loads(capsys.readouterr().out)
    erreur = next(c for c in constats if c["niveau"] == "erreur" and "« titre »" in c["message"])
    assert erreur["fichier"].endswith("contenu/faq/loisirs.yml") and erreur["ligne"] == 43 and "« titre »" in erreur["message"]


def test_broken_yaml_gives_file_line_and_no_traceback(projet):
    (projet.faq / "ecole.yml").write_text("theme: École\nentrees:\n- id: cantine\n  titre: [oups\n", encoding="utf-8")
    resultat = subprocess.run(
        [sys.executable, "-m", "guichet.edition", "--racine", str(projet.racine), "valider", "--sans-rasa"],
        cwd=RACINE, capture_output=True, text=True,
    )
    assert resultat.returncode == 1
    assert "contenu/faq/ecole.yml:" in resultat.stderr and "YAML invalide" in resultat.stderr
    assert "Traceback" not in resultat.stderr + resultat.stdout


def test_bad_arguments_exit_2_in_french(capsys):
    assert _code(["nimporte"]) == 2
    assert "choix invalide" in capsys.readouterr().err
    assert _code(["valider", "--seuil-similarite", "beaucoup"]) == 2
    assert "nombre attendu" in capsys.readouterr().err
    assert _code(["valider", "--seuil-similarite", "3"]) == 2  # outside 0.5..1
    assert "seuil_similarite" in capsys.readouterr().err


def _code(args):
    try:
        return main(args)
    except SystemExit as exc:
        return exc.code


def test_help_is_in_french(capsys):
    assert _code(["--help"]) == 0
    aide = capsys.readouterr().out
    assert "vérifier les sources" in aide and "Codes de sortie" in aide and "commandes" in aide


def test_exporter_then_importer_tableur(projet, tmp_path, capsys):
    racine = ["--racine", str(projet.racine)]
    csv = tmp_path / "faq.csv"
    assert main([*racine, "exporter", str(csv)]) == 0
    texte = csv.read_text(encoding="utf-8-sig")
    csv.write_text(texte.replace("Cantine scolaire", "Restaurant scolaire"), encoding="utf-8-sig")
    assert main([*racine, "importer-tableur", str(csv)]) == 0
    assert "titre: Restaurant scolaire" in (projet.faq / "ecole.yml").read_text(encoding="utf-8")
    csv.write_text(texte.replace("2026-09-01", "hier", 1), encoding="utf-8-sig")
    assert main([*racine, "importer-tableur", str(csv)]) == 1
    assert "rien n'a été écrit" in capsys.readouterr().err


def test_essayer_without_question_is_refused(projet, monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("\n  \n"))
    assert main(["--racine", str(projet.racine), "essayer"]) == 2
    assert "aucune question" in capsys.readouterr().err
