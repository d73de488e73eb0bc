"""Settings read from the environment, with one meaning everywhere: a variable set to "" is unset.

Numbers are checked at the edge and named in the error (ErreurConfiguration),
so a typo in a deployment's environment stops the process at start with a
precise message rather than deep inside a request.
"""

from __future__ import annotations

from collections.abc import Mapping

from configuration.erreurs import ErreurConfiguration


def texte(env: Mapping[str, str], nom: str, defaut: str) -> str:
    return env.get(nom) or defaut


def entier(env: Mapping[str, str], nom: str, defaut: int, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number of at least ``minimum`` (and at most ``maximum``)."""
    brut = (env.get(nom) or "").strip()
    if not brut:
        return defaut
    limites = f"{minimum} to {maximum}" if maximum is not None else f"{minimum} or more"
    if not brut.lstrip("-").isdigit() or not brut.isascii():
        raise ErreurConfiguration(f"{nom} must be a whole number ({limites}), got {brut!r}")
    valeur = int(brut)
    if valeur < minimum or (maximum is not None and valeur > maximum):
        raise ErreurConfiguration(f"{nom} must be a whole number ({limites}), got {brut!r}")
    return valeur


def reel(env: Mapping[str, str], nom: str, defaut: float, positif: bool = True) -> float:
    """A finite number, above zero when ``positif``."""
    brut = (env.get(nom) or "").strip()
    if not brut:
        return defaut
    try:
        valeur = float(brut)
    except ValueError:
        raise ErreurConfiguration(f"{nom} must be a number, got {brut!r}") from None
    if valeur != valeur or valeur in (float("inf"), float("-inf")) or (positif and valeur <= 0):
        raise ErreurConfiguration(f"{nom} must be a {'positive ' if positif else ''}number, got {brut!r}")
    return valeur
