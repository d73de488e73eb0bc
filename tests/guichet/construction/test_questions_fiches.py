"""The questions the official fiches ask, on fiches written in the package's own format (xml-js, non-compact)."""

import json
from pathlib import Path

import pytest

from guichet.construction.projet import Projet
from guichet.construction.questions_fiches import FichesAbsentes, SourceEntree, id_fiche, questions_par_entree

RACINE = Path(__file__).resolve().parents[3]


def texte(t):
    return {"type": "text", "text": t}


def element(nom, *enfants, **attributs):
    return {"type": "element", "name": nom, "attributes": attributs, "children": list(enfants)}


def ecrire(racine, ident, *enfants):
    dossier = racine / "data" / "particuliers"
    dossier.mkdir(parents=True, exist_ok=True)
    publication = element("Publication", *enfants, ID=ident)
    (dossier / f"{ident}.json").write_text(json.dumps({"children": [publication]}), encoding="utf-8")


@pytest.fixture
def fiches(tmp_path):
    ecrire(tmp_path, "N358",
           element("dc:title", texte("Carte d'identité")),
           element("SousDossier", element("Titre", texte("Pour un mineur")),
                   element("Fiche", texte("Carte perdue"), ID="F1153"), ID="N358-2"),
           element("QuestionReponse", texte("Peut-on obtenir une carte d'identité en urgence\xa0?"), ID="F16872"),
           element("QuestionReponse", texte("Quelles photos sont admises ?"), ID="F10619"),
           element("QuestionReponse", texte("Combien coûte une carte d'identité ?"), ID="F1"))
    ecrire(tmp_path, "N360",
           element("dc:title", texte("Passeport")),
           element("QuestionReponse", texte("Quelles photos sont admises ?"), ID="F10619"))
    return tmp_path


def test_title_listed_fiches_and_questions_of_the_source_fiche(fiches):
    questions = questions_par_entree([SourceEntree("carte_identite", "https://www.service-public.fr/particuliers/vosdroits/N358", ())], fiches)
    assert questions == {"carte_identite": [
        "Carte d'identité",
        "Carte d'identité : pour un mineur, carte perdue",
        "Peut-on obtenir une carte d'identité en urgence ?",
        "Quelles photos sont admises ?",
        "Combien coûte une carte d'identité ?",
    ]}


def test_a_question_two_entries_get_or_one_already_asked_is_left_out(fiches):
    questions = questions_par_entree([
        SourceEntree("carte_identite", "N358", ("combien coute une carte d'identite",)),
        SourceEntree("passeport", "https://www.service-public.fr/particuliers/vosdroits/N360", ()),
        SourceEntree("contact_mairie", "https://www.ville-demo.fr", ()),
        SourceEntree("retiree", "F99999", ()),  # withdrawn from the data: nothing
    ], fiches)
    assert questions == {
        "carte_identite": ["Carte d'identité", "Carte d'identité : pour un mineur, carte perdue",
                           "Peut-on obtenir une carte d'identité en urgence ?"],
        "passeport": ["Passeport"],
    }


def test_fiches_not_installed_is_a_clear_error(tmp_path):
    with pytest.raises(FichesAbsentes, match="make fiches"):
        questions_par_entree([SourceEntree("x", "F1", ())], tmp_path / "rien")


def test_source_ids():
    assert id_fiche("https://www.service-public.fr/particuliers/vosdroits/F1427") == "F1427"
    assert id_fiche("N358") == "N358" and id_fiche("https://www.ville-demo.fr") is None


def test_the_tests_run_with_the_fiches_installed_so_the_committed_file_is_checked():
    """test_generation's freshness check covers bot/data/faq_fiches.yml only where the fiches are installed."""
    projet = Projet(RACINE)
    assert projet.fiches.is_dir(), "run `make fiches`"
    assert projet.nlu_faq_fiches.is_file()
