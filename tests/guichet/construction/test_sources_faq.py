"""The FAQ sources the generator reads: YAML with line numbers, schema findings, the canonical form."""

from pathlib import Path

import pytest

from guichet.construction.constats import Niveau
from guichet.construction.sources_faq import lire_sources, rendre_theme
from guichet.construction.yaml_positionne import ErreurYaml, charger

RACINE = Path(__file__).resolve().parents[3]


def ecrire(dossier: Path, nom: str, texte: str) -> Path:
    dossier.mkdir(parents=True, exist_ok=True)
    chemin = dossier / nom
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def test_yaml_keeps_the_line_of_every_key_and_item(tmp_path):
    chemin = ecrire(tmp_path, "a.yml", "# commentaire\nx: 1\nliste:\n  - un\n  - deux\n")
    brut = charger(chemin)
    assert brut.ligne_de("x") == 2 and brut.ligne_de("liste") == 3
    assert brut["liste"].lignes == [4, 5]


def test_yaml_duplicate_key_is_refused_with_both_lines(tmp_path):
    chemin = ecrire(tmp_path, "a.yml", "id: a\ntitre: b\nid: c\n")
    with pytest.raises(ErreurYaml) as exc:
        charger(chemin)
    assert exc.value.ligne == 3 and "déjà ligne 1" in exc.value.message


def test_yaml_syntax_error_names_the_line(tmp_path):
    chemin = ecrire(tmp_path, "a.yml", "a: 1\nb: [ouvert\nc: 2\n")
    with pytest.raises(ErreurYaml) as exc:
        charger(chemin)
    assert exc.value.ligne in (2, 3, 4) and "YAML invalide" in exc.value.message


def test_yaml_not_utf8_is_explained(tmp_path):
    chemin = tmp_path / "a.yml"
    chemin.write_bytes("titre: éléphant\n".encode("latin-1"))
    with pytest.raises(ErreurYaml, match="UTF-8"):
        charger(chemin)


def test_project_sources_load_without_problem():
    sources, constats = lire_sources(RACINE / "contenu" / "faq")
    assert constats == []
    assert len(sources.entrees) == 16 and all(not e.brouillon for e in sources.entrees)
    assert {e.service for e in sources.entrees} >= {"Accueil", "Environnement"}


def test_project_theme_files_are_in_canonical_form():
    """What the spreadsheet import and the fiche import write is what is in the repository."""
    sources, _ = lire_sources(RACINE / "contenu" / "faq")
    for theme in sources.themes:
        assert theme.fichier.read_text(encoding="utf-8") == rendre_theme(theme.nom, list(theme.entrees)), theme.fichier


ENTREE_OK = """\
- id: {id}
  titre: T
  service: S
  revue: 2026-01-01
  source: F1
  questions: [a, b]
  texte: t
  voix: v
"""


@pytest.mark.parametrize(
    ("remplacement", "ligne", "message"),
    [
        (("  voix: v\n", ""), 3, "réponse vocale « voix » manquante"),
        (("id: bon", "id: Mauvais-Id"), 3, "id « Mauvais-Id » invalide"),
        (("  revue: 2026-01-01\n", "  revue: 31/12/2026\n"), 6, "« revue » doit être une date"),
        (("  texte: t\n", "  texte: t\n  couleur: bleu\n"), 10, "champ inconnu « couleur »"),
        (("  questions: [a, b]\n", "  questions: a b\n"), 8, "« questions » doit être une liste"),
        (("  questions: [a, b]\n", "  questions: [a, {x: 1}]\n"), 8, "question vide ou qui n'est pas une phrase"),
        (("  brouillon_absent: 0\n", ""), None, None),
    ],
)
def test_schema_errors_point_at_file_and_line(tmp_path, remplacement, ligne, message):
    texte = "theme: Essai\nentrees:\n" + ENTREE_OK.format(id="bon")
    avant, apres = remplacement
    if avant in texte:
        texte = texte.replace(avant, apres)
    ecrire(tmp_path, "essai.yml", texte)
    sources, constats = lire_sources(tmp_path)
    if message is None:
        assert constats == [] and len(sources.entrees) == 1
        return
    assert [c.niveau for c in constats] == [Niveau.ERREUR], constats
    assert constats[0].fichier == tmp_path / "essai.yml"
    assert constats[0].ligne == ligne and message in constats[0].message, constats[0]
    assert sources.entrees == []  # an entry with a problem is never half-used


def test_theme_file_structure_errors(tmp_path):
    ecrire(tmp_path, "liste.yml", "- id: a\n")
    ecrire(tmp_path, "entrees.yml", "theme: X\nentrees: pas une liste\n")
    ecrire(tmp_path, "casse.yml", "theme: X\nentrees:\n  - id: [\n")
    _, constats = lire_sources(tmp_path)
    messages = {c.fichier.name: (c.ligne, c.message) for c in constats}
    assert "theme: <nom>" in messages["liste.yml"][1]
    assert messages["entrees.yml"] == (2, "« entrees » doit être une liste (chaque entrée commence par « - id: … »)")
    assert messages["casse.yml"][1].startswith("YAML invalide")


def test_missing_folder_is_a_finding_not_a_crash(tmp_path):
    _, constats = lire_sources(tmp_path / "absent")
    assert len(constats) == 1 and "introuvable" in constats[0].message


def test_other_files_in_the_folder_are_reported_as_ignored(tmp_path):
    ecrire(tmp_path, "ok.yml", "theme: Essai\nentrees:\n" + ENTREE_OK.format(id="bon"))
    ecrire(tmp_path, "notes.txt", "à faire")
    sources, constats = lire_sources(tmp_path)
    assert len(sources.entrees) == 1
    assert [(c.niveau, c.fichier.name) for c in constats] == [(Niveau.AVERTISSEMENT, "notes.txt")]
