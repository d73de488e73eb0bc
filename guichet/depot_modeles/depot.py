"""The store of published models, on a volume: every version kept by model id, one of them current.

    <dossier>/versions/<model_id>.tar.gz   the archives (the last few kept)
    <dossier>/actuel.json                  which one Rasa servers must run, written atomically

Publishing a model makes it current; restoring (``retablir``) makes an earlier
kept version current again. At start the store takes the model the deployment
ships (the image's, or the one `make train` built) when it has none or when the
shipped one was trained later than the published one: a new release's model is
not hidden by an older publication.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from serveur_rasa.archive_modele import ArchiveInvalide, MetadonneesModele, lire_metadonnees

VERSIONS_CONSERVEES = 5


class ConflitPublication(Exception):
    """Another publication changed the current model since the caller looked (English, for the HTTP answer)."""


class VersionInconnue(Exception):
    """The model id asked for is not among the kept versions."""


@dataclass(frozen=True)
class ModelePublie:
    model_id: str
    entraine_le: dt.datetime
    publie_le: dt.datetime
    chemin: Path

    def decrire(self) -> dict[str, str]:
        return {"model_id": self.model_id, "entraine_le": self.entraine_le.isoformat(), "publie_le": self.publie_le.isoformat()}


class DepotModeles:
    def __init__(self, dossier: Path, versions_conservees: int = VERSIONS_CONSERVEES) -> None:
        if versions_conservees < 2:
            raise ValueError("at least 2 versions must be kept (the current one and the one to go back to)")
        self.dossier, self.versions_conservees = dossier, versions_conservees
        self._versions = dossier / "versions"
        self._versions.mkdir(parents=True, exist_ok=True)
        self._actuel = dossier / "actuel.json"

    def actuel(self) -> ModelePublie | None:
        try:
            donnees = json.loads(self._actuel.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        chemin = self._versions / f"{donnees['model_id']}.tar.gz"
        if not chemin.exists():
            return None
        return ModelePublie(donnees["model_id"], dt.datetime.fromisoformat(donnees["entraine_le"]),
                            dt.datetime.fromisoformat(donnees["publie_le"]), chemin)

    def versions(self) -> list[str]:
        """Kept model ids, most recently published first."""
        archives = sorted(self._versions.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        return [p.name.removesuffix(".tar.gz") for p in archives]

    def fichier_temporaire(self) -> Path:
        """Where an upload is written before ``publier`` takes it (same file system: the move is atomic)."""
        descripteur, nom = tempfile.mkstemp(dir=self._versions, prefix=".envoi-", suffix=".part")
        os.close(descripteur)
        return Path(nom)

    def publier(self, archive: Path, precedent_attendu: str | None = None) -> ModelePublie:
        """Make ``archive`` (moved into the store) the current model. ArchiveInvalide, ConflitPublication."""
        try:
            meta = lire_metadonnees(archive)
            self._verifier_precedent(precedent_attendu)
        except (ArchiveInvalide, ConflitPublication):
            archive.unlink(missing_ok=True)
            raise
        cible = self._versions / f"{meta.model_id}.tar.gz"
        os.replace(archive, cible)
        return self._rendre_actuel(meta, cible)

    def retablir(self, model_id: str, precedent_attendu: str | None = None) -> ModelePublie:
        """Make a kept version current again. VersionInconnue, ConflitPublication."""
        cible = self._versions / f"{model_id}.tar.gz"
        if "/" in model_id or not cible.exists():
            raise VersionInconnue(f"model {model_id!r} is not among the kept versions")
        self._verifier_precedent(precedent_attendu)
        return self._rendre_actuel(lire_metadonnees(cible), cible)

    def semer(self, livre: Path) -> ModelePublie | None:
        """Take the shipped model if the store has none or an older one; the current model either way."""
        actuel = self.actuel()
        if not livre.exists():
            return actuel
        meta = lire_metadonnees(livre)
        if actuel is not None and (actuel.model_id == meta.model_id or actuel.entraine_le >= meta.entraine_le):
            return actuel
        copie = self.fichier_temporaire()
        shutil.copyfile(livre, copie)
        return self.publier(copie)

    def _verifier_precedent(self, precedent_attendu: str | None) -> None:
        if precedent_attendu is None:
            return
        actuel = self.actuel()
        if (actuel.model_id if actuel else "") != precedent_attendu:
            raise ConflitPublication(
                f"the current model is {actuel.model_id if actuel else 'none'}, not {precedent_attendu}: another publication happened meanwhile"
            )

    def _rendre_actuel(self, meta: MetadonneesModele, cible: Path) -> ModelePublie:
        os.utime(cible)  # the versions' order is the order of publication
        publie = ModelePublie(meta.model_id, meta.entraine_le, dt.datetime.now().replace(microsecond=0), cible)
        temporaire = self._actuel.with_suffix(".json.part")
        with open(temporaire, "w", encoding="utf-8") as f:
            json.dump(publie.decrire(), f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporaire, self._actuel)
        for ancien in self.versions()[self.versions_conservees:]:
            (self._versions / f"{ancien}.tar.gz").unlink(missing_ok=True)
        for orphelin in self._versions.glob(".envoi-*.part"):
            if orphelin.stat().st_mtime < dt.datetime.now().timestamp() - 3600:
                orphelin.unlink(missing_ok=True)
        return publie
