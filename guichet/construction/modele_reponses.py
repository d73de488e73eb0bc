"""Publish a change of answer texts without retraining: same model, new responses.

Rasa reads the answer texts from the domain stored in the model (metadata.json
and the domain provider's domain.yml); the NLU and the dialogue policies do not
depend on them (Rasa's own cache restores the policies when only responses
change). When the training data and the configuration are those of the current
model and the new domain differs from the model's only in its responses, the
model is copied with the new domain. Anything else (a question, an intent, a
slot, a rule) needs a real training, and :class:`RetrainementNecessaire` says so.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
import uuid
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guichet.construction.projet import Projet


class RetrainementNecessaire(Exception):
    """More than answer texts changed: the model must be trained."""


def domaine_du_projet(projet: Projet) -> Any:
    """The domain exactly as Rasa's training would see it (importers, retrieval intents)."""
    from rasa.shared.importers.importer import TrainingDataImporter

    with warnings.catch_warnings():  # Rasa's loading warnings are the training's business
        warnings.simplefilter("ignore")
        importateur = TrainingDataImporter.load_from_config(
            str(projet.bot / "config.yml"), str(projet.bot / "domain"), [str(projet.bot / "data")]
        )
        return importateur.get_domain()


def _sans_reponses(domaine: dict[str, Any]) -> str:
    d = dict(domaine)
    reponses = d.pop("responses", {}) or {}
    d["noms_des_reponses"] = sorted(reponses)
    return json.dumps(d, sort_keys=True, ensure_ascii=False, default=str)


def mettre_a_jour_reponses(ancien: Path, nouveau: Path, projet: Projet) -> None:
    """Write ``nouveau``: the model ``ancien`` with the responses of the project's current domain."""
    domaine = domaine_du_projet(projet)
    nouveau_dict = domaine.as_dict()
    with tempfile.TemporaryDirectory(prefix="guichet-modele-") as dossier:
        racine = Path(dossier)
        with tarfile.open(ancien, "r:gz") as archive:
            for membre in archive.getmembers():
                if membre.issym() or membre.islnk() or ".." in Path(membre.name).parts:
                    raise RetrainementNecessaire(f"unexpected member in {ancien}: {membre.name}")
            archive.extractall(racine)  # noqa: S202 - members checked above
        chemin_meta = racine / "metadata.json"
        meta = json.loads(chemin_meta.read_text(encoding="utf-8"))
        if _sans_reponses(meta["domain"]) != _sans_reponses(nouveau_dict):
            raise RetrainementNecessaire("the domain changed beyond its responses")
        meta["domain"] = nouveau_dict
        meta["model_id"] = uuid.uuid4().hex  # another model: the servers and the checks must tell them apart
        chemin_meta.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        fournisseurs = list(racine.glob("components/domain_provider*/domain.yml"))
        if not fournisseurs:
            raise RetrainementNecessaire(f"no domain provider in {ancien}")
        for chemin in fournisseurs:
            domaine.persist(chemin)
        # the answer selector (ClassifieurSujets, or Rasa's ResponseSelector) echoes the texts in /model/parse;
        # keep them in step
        for chemin in racine.glob("components/*/*.responses.json"):
            anciennes = json.loads(chemin.read_text(encoding="utf-8"))
            chemin.write_text(
                json.dumps({cle: nouveau_dict["responses"].get(cle, v) for cle, v in anciennes.items()}, ensure_ascii=False, indent=2),
                encoding="utf-8",
            )
        nouveau.parent.mkdir(parents=True, exist_ok=True)
        temporaire = nouveau.with_name(nouveau.name + ".partiel")
        with tarfile.open(temporaire, "w:gz") as archive:
            archive.add(racine, arcname="")
        shutil.move(temporaire, nouveau)
