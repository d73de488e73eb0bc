"""Figures written for French readers (console, editors' tool): percentages and durations."""

from __future__ import annotations


def pourcentage(x: float, decimales: int = 0) -> str:
    """0.125 → « 13 % » (« 12.5 % » with one decimal); a narrow space would be lost in a terminal."""
    return f"{x * 100:.{decimales}f} %"


def duree(secondes: float | None) -> str:
    """75 → « 1 min 15 s »; None → « — »."""
    if secondes is None:
        return "—"
    minutes, s = divmod(int(round(secondes)), 60)
    return f"{minutes} min {s:02d} s" if minutes else f"{s} s"
