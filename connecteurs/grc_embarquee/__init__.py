"""The embedded default GRC: SQLite in the data directory."""

from connecteurs.grc_embarquee.grc import GrcEmbarquee

__all__ = ["GrcEmbarquee"]
