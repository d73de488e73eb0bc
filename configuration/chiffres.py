"""Digits from any script made ASCII, before any lookup, key or log.

Python's `\\d` and `int()` accept full-width (２), Arabic-Indic (٢) and other
decimal digits: left as typed, one case number would have many spellings (and
the identity-attempt counter one key per spelling).
"""

from __future__ import annotations

import functools
import sys
import unicodedata


@functools.cache
def _table() -> dict[int, str]:
    return {c: str(unicodedata.digit(chr(c))) for c in range(128, sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Nd"}


def chiffres_ascii(texte: str) -> str:
    """The text with every decimal digit written 0-9."""
    return texte if texte.isascii() else texte.translate(_table())
