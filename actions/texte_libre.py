"""Free text typed by citizens: bounded, without control characters."""

from __future__ import annotations

from configuration.caracteres import sans_controles


def nettoyer(texte: str, longueur_max: int) -> str | None:
    """Text with control characters removed and spaces collapsed; None if empty or too long."""
    propre = " ".join(sans_controles(texte).split())
    if not propre or len(propre) > longueur_max:
        return None
    return propre


def texte_entre(valeur: object, minimum: int, maximum: int) -> str | None:
    """Cleaned free text of `minimum` to `maximum` characters, else None."""
    propre = nettoyer(str(valeur or ""), maximum)
    return propre if propre is not None and len(propre) >= minimum else None
