"""Content editors' toolchain: sources, validation, NLU report, trial, import, publication.

Run ``python -m guichet.edition --help`` (``make contenu ARGS=...``).
"""
