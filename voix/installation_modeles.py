"""``make modeles``: download the French speech models with pinned checksums.

    python -m voix.installation_modeles [--dossier DIR] [--enregistrer-empreintes]

Each entry of voix/modeles.json is downloaded (to a temporary file), its SHA-256
compared with the pinned value, then moved (or unzipped) into the models
directory; what is already there is kept. An entry without a pinned checksum is
refused unless --enregistrer-empreintes is given: the checksum is then recorded
in voix/modeles.json, to review and commit (trust on first use, on a machine
you trust). Exit codes: 0 done, 1 a checksum or download failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

ICI = Path(__file__).resolve().parent
MANIFESTE = ICI / "modeles.json"


class EchecInstallation(Exception):
    pass


@dataclass(frozen=True)
class FichierModele:
    nom: str
    url: str
    format: str  # "zip" (a directory named after the entry) or "fichier"
    sha256: str | None


def lire_manifeste(chemin: Path = MANIFESTE) -> list[FichierModele]:
    brut = json.loads(chemin.read_text(encoding="utf-8"))
    return [FichierModele(nom, e["url"], e["format"], e.get("sha256")) for nom, e in brut.items() if not nom.startswith("_")]


def _telecharger(url: str, vers: Path) -> str:
    empreinte = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=60) as r, open(vers, "wb") as f:
            while morceau := r.read(1 << 20):
                empreinte.update(morceau)
                f.write(morceau)
    except (urllib.error.URLError, OSError) as exc:
        raise EchecInstallation(f"download of {url} failed: {getattr(exc, 'reason', exc)}") from None
    return empreinte.hexdigest()


def installer(entree: FichierModele, dossier: Path, enregistrer: bool) -> str | None:
    """Returns the checksum to record (when it was not pinned), else None."""
    cible = dossier / entree.nom
    if cible.exists():
        print(f"{entree.nom}: already installed")
        return None
    if entree.sha256 is None and not enregistrer:
        raise EchecInstallation(f"{entree.nom}: no pinned checksum in {MANIFESTE.name}; "
                                "run with --enregistrer-empreintes on a trusted machine, then commit the file")
    dossier.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dossier) as tmp:
        fichier = Path(tmp) / "telechargement"
        print(f"{entree.nom}: downloading {entree.url}")
        obtenue = _telecharger(entree.url, fichier)
        if entree.sha256 is not None and obtenue != entree.sha256:
            raise EchecInstallation(f"{entree.nom}: checksum mismatch (expected {entree.sha256}, got {obtenue}); nothing installed")
        if entree.format == "zip":
            try:
                with zipfile.ZipFile(fichier) as z:
                    for membre in z.namelist():
                        if membre.startswith("/") or ".." in Path(membre).parts:
                            raise EchecInstallation(f"{entree.nom}: unsafe path in archive: {membre}")
                    z.extractall(Path(tmp) / "extrait")
            except zipfile.BadZipFile:
                raise EchecInstallation(f"{entree.nom}: not a zip archive") from None
            extrait = Path(tmp) / "extrait"
            racines = list(extrait.iterdir())
            source = racines[0] if len(racines) == 1 and racines[0].is_dir() else extrait
            shutil.move(str(source), cible)
        else:
            shutil.move(str(fichier), cible)
    print(f"{entree.nom}: installed in {cible}")
    return obtenue if entree.sha256 is None else None


def main(argv: list[str] | None = None, manifeste: Path = MANIFESTE) -> int:
    parser = argparse.ArgumentParser(description="Download the French speech models (Vosk, Piper) with pinned checksums.")
    parser.add_argument("--dossier", type=Path, default=Path(os.environ.get("GUICHET_MODELES") or ICI.parent / "modeles"))
    parser.add_argument("--enregistrer-empreintes", action="store_true", help="record the checksums not pinned yet")
    args = parser.parse_args(argv)
    brut = json.loads(manifeste.read_text(encoding="utf-8"))
    try:
        for entree in lire_manifeste(manifeste):
            empreinte = installer(entree, args.dossier, args.enregistrer_empreintes)
            if empreinte is not None:
                brut[entree.nom]["sha256"] = empreinte
                manifeste.write_text(json.dumps(brut, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
                print(f"{entree.nom}: checksum {empreinte} recorded in {manifeste}: review and commit it")
    except EchecInstallation as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
