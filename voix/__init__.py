"""Guichet's phone side. For now: the Rasa input channel the voice gateway uses."""
