"""The house rule: every import points down (configuration → connecteurs → actions | voix →
serveur_rasa → guichet), never up nor sideways between actions and voix; inside guichet/, the
rooms likewise (construction → pilotage → edition; pilotage → rgpd → console → exploitation)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
# room → rooms it may import (besides itself)
PERMIS = {
    "configuration": set(),
    "connecteurs": {"configuration"},
    "actions": {"configuration", "connecteurs"},
    "voix": {"configuration", "connecteurs"},
    "serveur_rasa": {"configuration", "connecteurs", "voix"},
    "guichet": {"configuration", "connecteurs", "actions", "voix", "serveur_rasa"},
}


def _imports(chemin: Path) -> set[str]:
    arbre = ast.parse(chemin.read_text(encoding="utf-8"))
    noms: set[str] = set()
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import):
            noms.update(a.name.split(".")[0] for a in noeud.names)
        elif isinstance(noeud, ast.ImportFrom) and noeud.module and noeud.level == 0:
            noms.add(noeud.module.split(".")[0])
    return noms


def test_les_imports_descendent() -> None:
    fautes = []
    for piece, permis in PERMIS.items():
        for chemin in sorted((RACINE / piece).rglob("*.py")):
            for nom in _imports(chemin) & set(PERMIS):
                if nom != piece and nom not in permis:
                    fautes.append(f"{chemin.relative_to(RACINE)} imports {nom}")
    assert not fautes, "imports pointing up or sideways:\n" + "\n".join(fautes)


# the rooms of guichet/: who may import whom (besides the top-level rooms above and itself)
PIECES_GUICHET = {
    "affichage": set(),
    "construction": set(),
    "widget": set(),
    "depot_modeles": set(),
    "pilotage": {"affichage", "construction"},
    "edition": {"affichage", "construction", "pilotage", "depot_modeles"},
    "rgpd": {"pilotage"},
    "console": {"affichage", "construction", "pilotage", "rgpd", "widget"},
    "exploitation": {"construction", "console", "depot_modeles"},
}


def _pieces_guichet(chemin: Path) -> set[str]:
    arbre = ast.parse(chemin.read_text(encoding="utf-8"))
    noms: set[str] = set()
    for noeud in ast.walk(arbre):
        modules = [a.name for a in noeud.names] if isinstance(noeud, ast.Import) else (
            [noeud.module] if isinstance(noeud, ast.ImportFrom) and noeud.module and noeud.level == 0 else [])
        noms.update(m.split(".")[1] for m in modules if m.startswith("guichet.") and m.count(".") >= 1)
    return noms


def test_les_pieces_de_guichet_importent_vers_le_bas() -> None:
    dossier = RACINE / "guichet"
    presentes = {p.stem if p.is_file() else p.name for p in dossier.iterdir()
                 if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.stem != "__init__")}
    assert presentes == set(PIECES_GUICHET), "every room of guichet/ is placed in PIECES_GUICHET"
    fautes = []
    for piece, permis in PIECES_GUICHET.items():
        chemins = sorted((dossier / piece).rglob("*.py")) if (dossier / piece).is_dir() else [dossier / f"{piece}.py"]
        for chemin in chemins:
            for nom in _pieces_guichet(chemin) - {piece} - permis:
                fautes.append(f"{chemin.relative_to(RACINE)} imports guichet.{nom}")
    assert not fautes, "imports pointing up or sideways inside guichet/:\n" + "\n".join(fautes)


def test_la_regle_voit_une_faute(tmp_path: Path) -> None:
    """The walker itself finds an upward import (so the rule above cannot pass vacuously)."""
    fichier = tmp_path / "m.py"
    fichier.write_text("from guichet.exploitation.lancement import x\nimport serveur_rasa.canal_rest\n", encoding="utf-8")
    assert _imports(fichier) == {"guichet", "serveur_rasa"}
    assert _pieces_guichet(fichier) == {"exploitation"}


def test_la_passerelle_ne_charge_pas_rasa() -> None:
    """`python -m voix` loads its modules without Rasa nor Sanic."""
    code = (
        "import sys, runpy; sys.argv=['voix', '--help']\n"
        "try:\n    runpy.run_module('voix', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "import voix.passerelle, voix.dialogue_rasa, voix.ligne_sip, voix.ligne_flux, voix.ligne_audiosocket\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('rasa', 'sanic', 'rasa_sdk', 'tensorflow'))\n"
        "print('charges:' + ','.join(bad))\n"
    )
    sortie = subprocess.run([sys.executable, "-c", code], cwd=RACINE, capture_output=True, text=True, timeout=120)
    assert sortie.returncode == 0, sortie.stderr[-2000:]
    assert sortie.stdout.strip().splitlines()[-1] == "charges:", f"Rasa modules loaded by the gateway: {sortie.stdout}"
