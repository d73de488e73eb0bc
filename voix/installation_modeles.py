"""``make modeles``: download the French speech models with pinned checksums.

    python -m voix.installation_modeles [--dossier DIR] [--enregistrer-empreintes]

Each entry of voix/modeles.json is downloaded (to a temporary file), checked
against what is pinned — the size and MD5 its publisher lists (the Piper voices'
catalogue), the SHA-256 recorded once — then moved (or unzipped) into the models
directory; what is already there is kept. The download stops as soon as it
outgrows the pinned size. An entry with neither digest is refused unless
--enregistrer-empreintes is given: its size and SHA-256 are then recorded in
voix/modeles.json, to review and commit (trust on first use, on a machine you
trust); a pinned entry gets its SHA-256 recorded beside the published MD5 the
same way. Every entry is tried; the refusals are listed at the end. Exit codes:
0 done, 1 a check or download failed, 2 bad usage.
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
    md5: str | None = None  # as published upstream (the Piper voices' catalogue)
    taille: int | None = None  # bytes, as published or recorded

    @property
    def epingle(self) -> bool:
        return self.sha256 is not None or self.md5 is not None


@dataclass(frozen=True)
class Telechargement:
    taille: int
    sha256: str
    md5: str


def lire_manifeste(chemin: Path = MANIFESTE) -> list[FichierModele]:
    brut = json.loads(chemin.read_text(encoding="utf-8"))
    return [FichierModele(nom, e["url"], e["format"], e.get("sha256"), e.get("md5"), e.get("taille"))
            for nom, e in brut.items() if not nom.startswith("_")]


def _telecharger(entree: FichierModele, vers: Path) -> Telechargement:
    sha256, md5, taille = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    try:
        with urllib.request.urlopen(entree.url, timeout=60) as r, open(vers, "wb") as f:
            while morceau := r.read(1 << 20):
                taille += len(morceau)
                if entree.taille is not None and taille > entree.taille:
                    raise EchecInstallation(f"{entree.nom}: larger than the pinned {entree.taille} bytes; download stopped, nothing installed")
                sha256.update(morceau)
                md5.update(morceau)
                f.write(morceau)
    except (urllib.error.URLError, OSError) as exc:
        raise EchecInstallation(f"download of {entree.url} failed: {getattr(exc, 'reason', exc)}") from None
    return Telechargement(taille, sha256.hexdigest(), md5.hexdigest())


def _verifier(entree: FichierModele, obtenu: Telechargement) -> None:
    for quoi, attendu, valeur in (("size", entree.taille, obtenu.taille), ("MD5", entree.md5, obtenu.md5),
                                  ("checksum", entree.sha256, obtenu.sha256)):
        if attendu is not None and valeur != attendu:
            raise EchecInstallation(f"{entree.nom}: {quoi} mismatch (expected {attendu}, got {valeur}); nothing installed")


def installer(entree: FichierModele, dossier: Path, enregistrer: bool) -> Telechargement | None:
    """Returns what to record (size and SHA-256 not pinned yet, with --enregistrer-empreintes), else None."""
    cible = dossier / entree.nom
    if cible.exists():
        print(f"{entree.nom}: already installed")
        return None
    if not entree.epingle and not enregistrer:
        raise EchecInstallation(f"{entree.nom}: no pinned checksum in {MANIFESTE.name}; "
                                "run with --enregistrer-empreintes on a trusted machine, then commit the file")
    dossier.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dossier) as tmp:
        fichier = Path(tmp) / "telechargement"
        print(f"{entree.nom}: downloading {entree.url}")
        obtenu = _telecharger(entree, fichier)
        _verifier(entree, obtenu)
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
    return obtenu if enregistrer and (entree.sha256 is None or entree.taille is None) else None


def main(argv: list[str] | None = None, manifeste: Path = MANIFESTE) -> int:
    parser = argparse.ArgumentParser(description="Download the French speech models (Vosk, Piper) with pinned checksums.")
    parser.add_argument("--dossier", type=Path, default=Path(os.environ.get("GUICHET_MODELES") or ICI.parent / "modeles"))
    parser.add_argument("--enregistrer-empreintes", action="store_true", help="record the checksums not pinned yet")
    args = parser.parse_args(argv)
    brut = json.loads(manifeste.read_text(encoding="utf-8"))
    echecs = 0
    for entree in lire_manifeste(manifeste):
        try:
            obtenu = installer(entree, args.dossier, args.enregistrer_empreintes)
        except EchecInstallation as exc:
            print(f"error: {exc}", file=sys.stderr)
            echecs += 1
            continue
        if obtenu is not None:
            brut[entree.nom]["taille"] = obtenu.taille
            brut[entree.nom]["sha256"] = obtenu.sha256
            manifeste.write_text(json.dumps(brut, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            print(f"{entree.nom}: size {obtenu.taille} and SHA-256 {obtenu.sha256} recorded in {manifeste}: review and commit it")
    if echecs:
        print(f"error: {echecs} model file(s) not installed (see above)", file=sys.stderr)
    return 1 if echecs else 0


if __name__ == "__main__":
    sys.exit(main())
