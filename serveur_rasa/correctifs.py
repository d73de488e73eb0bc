"""The fixes to Rasa 3.6 that the Rasa server runs with (`python -m serveur_rasa`); each changes only cost."""

from __future__ import annotations


def installer() -> None:
    from serveur_rasa import execution_graphe, validation_actions

    validation_actions.installer()
    execution_graphe.installer()
