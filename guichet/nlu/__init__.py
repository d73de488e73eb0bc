"""Guichet's own Rasa NLU components."""
