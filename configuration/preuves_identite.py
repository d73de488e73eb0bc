"""The identity check's answers: the slots that hold them and the mask that replaces them once used.

A proof (birth date or e-mail) is asked once, checked, and never shown again:
the masking tracker store writes ``MASQUE`` in its place, the agents' context and
console hide it.
"""

from __future__ import annotations

SLOT_DATE_NAISSANCE = "date_naissance"
SLOT_COURRIEL = "courriel_identite"
SLOTS_PREUVE = frozenset({SLOT_DATE_NAISSANCE, SLOT_COURRIEL})
MASQUE = "***"
