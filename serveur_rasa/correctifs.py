"""The fixes to Rasa 3.6 that the Rasa server runs with (`python -m serveur_rasa`); all but the model pulling change only cost.

- serveur_rasa/validation_actions.py: the action server's answers checked against a schema compiled once;
- serveur_rasa/execution_graphe.py: the pruned model graph kept per target list;
- serveur_rasa/modele_publie.py: the model server's model pulled without leaving the replica without a model
  (at start and when a model fails to load) nor blocking conversations while a new one loads;
- skops (which reads the saved logistic regression) imported first: at import it looks up
  the module of every public scikit-learn, NumPy and SciPy type by scanning ``sys.modules``,
  3.5 s once TensorFlow and spaCy are loaded, under a second before (same trusted types).
"""

from __future__ import annotations


def installer() -> None:
    import skops.io  # noqa: F401  (first: see above)

    from serveur_rasa import execution_graphe, modele_publie, validation_actions

    validation_actions.installer()
    execution_graphe.installer()
    modele_publie.installer()
