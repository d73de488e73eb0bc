import csv
import io

from guichet.construction.sources_faq import lire_sources
from guichet.edition.tableur import COLONNES, ecrire_themes, exporter_csv, lire_csv
from tests.guichet.edition.conftest import RACINE


def test_export_then_import_changes_nothing(tmp_path):
    sources, _ = lire_sources(RACINE / "contenu" / "faq")
    chemin = tmp_path / "faq.csv"
    chemin.write_text(exporter_csv(sources), encoding="utf-8")
    themes, constats = lire_csv(chemin)
    assert constats == []
    copie = tmp_path / "faq"
    copie.mkdir()
    for theme in sources.themes:
        (copie / theme.fichier.name).write_text(theme.fichier.read_text(encoding="utf-8"), encoding="utf-8")
    assert ecrire_themes(copie, themes) == []  # byte-identical
    assert sum(len(t.entrees) for t in themes) == 16


def lignes_csv(projet_faq, tmp_path, modifier, delimiteur=","):
    sources, _ = lire_sources(projet_faq)
    lignes = list(csv.reader(io.StringIO(exporter_csv(sources).removeprefix("\ufeff")), delimiter=";"))
    modifier(lignes)
    tampon = io.StringIO()
    csv.writer(tampon, delimiter=delimiteur).writerows(lignes)
    chemin = tmp_path / "modifie.csv"
    chemin.write_text(tampon.getvalue(), encoding="utf-8")
    return chemin


def test_edited_spreadsheet_rewrites_the_theme_files(projet, tmp_path):
    def modifier(lignes):
        i = COLONNES.index("texte")
        lignes[1][i] = "Nouveau texte de la cantine, avec un [lien](https://www.ville-demo.fr)."
        lignes.append(["", "Sports", "stade", "Stade", "Sports", "2026-11-01", "F42", "", "oui", "ou est le stade\nhoraires du stade", "Le stade.", "Le stade."])

    chemin = lignes_csv(projet.faq, tmp_path, modifier, delimiteur=";")  # Excel en français écrit des ;
    themes, constats = lire_csv(chemin)
    assert constats == []
    changes = ecrire_themes(projet.faq, themes)
    assert sorted(c.name for c in changes) == ["ecole.yml", "sports.yml"]
    sources, constats = lire_sources(projet.faq)
    assert constats == []
    par_id = {e.id: e for e in sources.entrees}
    assert par_id["cantine"].texte.startswith("Nouveau texte")
    assert par_id["stade"].brouillon and par_id["stade"].questions == ("ou est le stade", "horaires du stade")


def test_errors_name_the_spreadsheet_row_and_nothing_is_written(projet, tmp_path):
    def modifier(lignes):
        lignes[2][COLONNES.index("revue")] = "demain"
        lignes[3][COLONNES.index("voix")] = ""

    chemin = lignes_csv(projet.faq, tmp_path, modifier)
    avant = {p.name: p.read_text(encoding="utf-8") for p in projet.faq.iterdir()}
    themes, constats = lire_csv(chemin)
    lieux = sorted((c.ligne, c.message.split(":")[0]) for c in constats)
    # row 1 is the header; the cantine row spans lines 2-13 (one per question)
    assert [ligne for ligne, _ in lieux] == [14, 27]
    assert "« revue » doit être une date" in constats[0].message + constats[1].message
    assert {p.name: p.read_text(encoding="utf-8") for p in projet.faq.iterdir()} == avant


def test_wrong_encoding_and_missing_columns_are_explained(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id;titre\nété;x\n".encode("latin-1"))
    _, constats = lire_csv(latin)
    assert "UTF-8" in constats[0].message
    colonnes = tmp_path / "colonnes.csv"
    colonnes.write_text("id,titre\na,b\n", encoding="utf-8")
    _, constats = lire_csv(colonnes)
    assert constats[0].ligne == 1 and "colonnes manquantes" in constats[0].message
    _, constats = lire_csv(tmp_path / "absent.csv")
    assert "introuvable" in constats[0].message
