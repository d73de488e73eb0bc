import re
import sre_compile

from serveur_rasa import regex_compilees
from serveur_rasa.regex_compilees import compiler

GRAND = "(?i)(?:" + "|".join(f"mot{i}[-–]suite{i}" for i in range(12_000)) + r")\b(?P<fin>!)?"


def test_a_large_pattern_is_kept_once_and_matches_as_pythons_own(tmp_path):
    propre = sre_compile.compile(GRAND, re.UNICODE)
    premier = compiler(GRAND, re.UNICODE, dossier=tmp_path)
    (entree,) = tmp_path.glob("*.sre")
    second = compiler(GRAND, re.UNICODE, dossier=tmp_path)  # read back from the entry
    assert entree.stat().st_mode & 0o044 == 0o044  # readable by another account (image built as root)
    for motif in (propre, premier, second):
        assert motif.pattern == GRAND and motif.flags == propre.flags and motif.groupindex == {"fin": 1}
        assert motif.match("MOT11999–suite11999!").group(0, "fin") == ("MOT11999–suite11999!", "!")
        assert motif.match("mot5-suite6") is None
    assert len(list(tmp_path.iterdir())) == 1  # no temporary file left


def test_a_damaged_or_truncated_entry_is_compiled_again_and_rewritten(tmp_path):
    compiler(GRAND, 0, dossier=tmp_path)
    (entree,) = tmp_path.glob("*.sre")
    donnees = entree.read_bytes()
    entree.write_bytes(donnees[: len(donnees) // 2])
    assert compiler(GRAND, 0, dossier=tmp_path).match("mot42-suite42")
    assert entree.read_bytes() == donnees
    entree.write_bytes(b"not json\n" + donnees)
    assert compiler(GRAND, 0, dossier=tmp_path).match("mot42-suite42")
    assert entree.read_bytes() == donnees


def test_other_flags_and_small_patterns_are_not_confused(tmp_path):
    sensible = compiler(GRAND.removeprefix("(?i)"), 0, dossier=tmp_path)
    insensible = compiler(GRAND.removeprefix("(?i)"), re.IGNORECASE, dossier=tmp_path)
    assert len(list(tmp_path.glob("*.sre"))) == 2
    assert sensible.match("MOT1-suite1") is None and insensible.match("MOT1-suite1")
    assert compiler("a+b", 0, dossier=tmp_path).match("aab") and len(list(tmp_path.glob("*.sre"))) == 2


def test_an_unwritable_folder_still_compiles(tmp_path):
    fichier = tmp_path / "fichier"
    fichier.write_text("")
    assert compiler(GRAND, 0, dossier=fichier / "sous-dossier").match("mot7-suite7")


def test_installed_it_serves_re_compile(tmp_path, monkeypatch):
    monkeypatch.setattr(regex_compilees, "DOSSIER", tmp_path)
    monkeypatch.setattr(sre_compile, "compile", sre_compile.compile)
    regex_compilees.installer()
    re.purge()
    assert re.compile(GRAND + " y").match("mot3-suite3 y") and len(list(tmp_path.glob("*.sre"))) == 1
