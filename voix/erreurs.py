"""The voice gateway's errors: one per stage, with a message for the operator's logs."""

from __future__ import annotations

from configuration.erreurs import ErreurConfiguration


class ModeleIntrouvable(ErreurConfiguration):
    """A speech model is missing or unreadable: names the file, the model and the command that installs it."""

    def __init__(self, quoi: str, chemin: str, modele: str, raison: str = "missing") -> None:
        super().__init__(f"{quoi} model {modele!r} {raison} at {chemin}: run `make modeles` on a machine with internet "
                         f"(or copy the model there and set the path in the configuration)")
        self.chemin, self.modele = chemin, modele


class DialogueIndisponible(Exception):
    """The Rasa server did not answer a caller's turn in time."""
