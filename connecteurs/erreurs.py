"""Errors raised by connecteurs; translated to citizen answers only at the edges."""

from __future__ import annotations

from enum import Enum


class CodeErreur(str, Enum):
    INDISPONIBLE = "indisponible"  # back end down, refused, or 5xx
    DELAI_DEPASSE = "delai_depasse"  # back end slower than the configured timeout
    REPONSE_INVALIDE = "reponse_invalide"  # back end answered something unusable
    CONFIGURATION = "configuration"  # connecteur misconfigured
    INTROUVABLE = "introuvable"  # no such record (an escalation reference)
    CONFLIT = "conflit"  # the record is not in a state that allows it (taken by another agent, closed)


class ErreurConnecteur(Exception):
    """Base class: a back end could not serve the request."""

    code: CodeErreur = CodeErreur.INDISPONIBLE

    def __init__(self, message: str, *, code: CodeErreur | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code.value}] {self.message}"


class ConnecteurIndisponible(ErreurConnecteur):
    code = CodeErreur.INDISPONIBLE


class DelaiDepasse(ErreurConnecteur):
    code = CodeErreur.DELAI_DEPASSE


class ReponseInvalide(ErreurConnecteur):
    code = CodeErreur.REPONSE_INVALIDE


class ConfigurationInvalide(ErreurConnecteur):
    code = CodeErreur.CONFIGURATION


class EscaladeInconnue(ErreurConnecteur):
    """No escalation with this reference."""

    code = CodeErreur.INTROUVABLE


class EscaladeDejaPrise(ErreurConnecteur):
    """Another agent holds this escalation, or it is closed."""

    code = CodeErreur.CONFLIT
