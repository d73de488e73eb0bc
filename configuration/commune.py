"""The commune's local details and the advisers' office hours (contenu/commune.yml)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from configuration.erreurs import ErreurConfiguration

JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_PLAGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


@dataclass(frozen=True)
class Plage:
    """One opening interval within a day, local time."""

    debut: dt.time
    fin: dt.time

    def __post_init__(self) -> None:
        if self.fin <= self.debut:
            raise ValueError(f"interval ends before it starts: {self.debut}-{self.fin}")

    @classmethod
    def depuis_texte(cls, texte: str) -> Plage:
        m = _PLAGE.match(texte.strip())
        if not m:
            raise ValueError(f"interval {texte!r} is not of the form HH:MM-HH:MM")
        h1, m1, h2, m2 = (int(x) for x in m.groups())
        fin = dt.time.max if (h2, m2) == (24, 0) else dt.time(h2, m2)  # "24:00": until midnight
        return cls(dt.time(h1, m1), fin)

    def contient(self, heure: dt.time) -> bool:
        return self.debut <= heure < self.fin or (self.fin == dt.time.max and heure == dt.time.max)


@dataclass(frozen=True)
class HorairesConseillers:
    """When human advisers can take a conversation."""

    fuseau: ZoneInfo
    plages: Mapping[int, tuple[Plage, ...]]  # weekday (0 = Monday) -> intervals

    def est_ouvert(self, instant: dt.datetime) -> bool:
        if instant.tzinfo is None:
            raise ValueError("instant must be timezone-aware")
        local = instant.astimezone(self.fuseau)
        return any(p.contient(local.time()) for p in self.plages.get(local.weekday(), ()))


@dataclass(frozen=True)
class Commune:
    """Everything local: texts used by the answers and the office hours."""

    details: Mapping[str, str]
    horaires_conseillers: HorairesConseillers = field(repr=False)

    @property
    def nom(self) -> str:
        return self.details["nom"]


def charger_commune(chemin: Path) -> Commune:
    """Read and validate contenu/commune.yml."""
    try:
        brut = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ErreurConfiguration("commune file not found", str(chemin)) from None
    except yaml.YAMLError as exc:
        ligne = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ErreurConfiguration(f"invalid YAML: {exc}", str(chemin), ligne + 1 if ligne is not None else None) from None
    if not isinstance(brut, dict):
        raise ErreurConfiguration("expected a mapping at top level", str(chemin))
    brut = dict(brut)
    horaires = brut.pop("horaires_conseillers", None)
    fuseau_nom = brut.pop("fuseau_horaire", "Europe/Paris")
    if not isinstance(horaires, dict):
        raise ErreurConfiguration("'horaires_conseillers' must map each day to a list of HH:MM-HH:MM", str(chemin))
    try:
        fuseau = ZoneInfo(str(fuseau_nom))
    except (ZoneInfoNotFoundError, ValueError):
        raise ErreurConfiguration(f"unknown time zone {fuseau_nom!r}", str(chemin)) from None
    plages: dict[int, tuple[Plage, ...]] = {}
    for jour, liste in horaires.items():
        if jour not in JOURS:
            raise ErreurConfiguration(f"unknown day {jour!r} in horaires_conseillers (expected one of {', '.join(JOURS)})", str(chemin))
        try:
            plages[JOURS.index(jour)] = tuple(Plage.depuis_texte(str(t)) for t in (liste or []))
        except ValueError as exc:
            raise ErreurConfiguration(f"horaires_conseillers.{jour}: {exc}", str(chemin)) from None
    details: dict[str, str] = {}
    for cle, valeur in brut.items():
        if not isinstance(valeur, (str, int, float)):
            raise ErreurConfiguration(f"field {cle!r} must be text", str(chemin))
        details[str(cle)] = str(valeur)
    if "nom" not in details:
        raise ErreurConfiguration("field 'nom' is required", str(chemin))
    return Commune(details=details, horaires_conseillers=HorairesConseillers(fuseau, plages))
