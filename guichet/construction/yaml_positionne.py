"""YAML loading that remembers where each value came from (file:line for editors).

Mappings load as :class:`Dict` and sequences as :class:`Liste`; both carry the
line of the node and of each key or item, so validation can point at the exact
line. Duplicate keys, which plain YAML silently overwrites, are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class ErreurYaml(Exception):
    def __init__(self, message: str, fichier: Path, ligne: int | None) -> None:
        self.message = message
        self.fichier = fichier
        self.ligne = ligne
        super().__init__(f"{fichier}:{ligne or 1}: {message}")


class Dict(dict):  # type: ignore[type-arg]
    """A mapping with the line of the mapping and of each key (1-based)."""

    ligne: int = 0
    lignes: dict[str, int]

    def ligne_de(self, cle: str) -> int:
        return self.lignes.get(cle, self.ligne)


class Liste(list):  # type: ignore[type-arg]
    """A sequence with the line of the sequence and of each item (1-based)."""

    ligne: int = 0
    lignes: list[int]

    def ligne_de(self, index: int) -> int:
        return self.lignes[index] if 0 <= index < len(self.lignes) else self.ligne


class _Chargeur(yaml.SafeLoader):
    fichier: Path = Path("?")


def _mapping(chargeur: _Chargeur, noeud: yaml.MappingNode) -> Dict:
    resultat = Dict()
    resultat.ligne = noeud.start_mark.line + 1
    resultat.lignes = {}
    for noeud_cle, noeud_valeur in noeud.value:
        cle = chargeur.construct_object(noeud_cle, deep=True)
        if not isinstance(cle, (str, int, float, bool)) and cle is not None:
            raise ErreurYaml("a key must be a simple word", chargeur.fichier, noeud_cle.start_mark.line + 1)
        cle = str(cle)
        if cle in resultat:
            raise ErreurYaml(f"clé « {cle} » en double (déjà ligne {resultat.lignes[cle]})", chargeur.fichier, noeud_cle.start_mark.line + 1)
        resultat[cle] = chargeur.construct_object(noeud_valeur, deep=True)
        resultat.lignes[cle] = noeud_cle.start_mark.line + 1
    return resultat


def _sequence(chargeur: _Chargeur, noeud: yaml.SequenceNode) -> Liste:
    resultat = Liste(chargeur.construct_object(n, deep=True) for n in noeud.value)
    resultat.ligne = noeud.start_mark.line + 1
    resultat.lignes = [n.start_mark.line + 1 for n in noeud.value]
    return resultat


_Chargeur.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)  # type: ignore[arg-type]
_Chargeur.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)  # type: ignore[arg-type]


def charger(fichier: Path) -> Any:
    """Load one YAML file; raise :class:`ErreurYaml` with the file and line on any problem."""
    try:
        texte = fichier.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ErreurYaml("fichier introuvable", fichier, None) from None
    except UnicodeDecodeError as exc:
        raise ErreurYaml(f"le fichier n'est pas en UTF-8 (octet {exc.start})", fichier, None) from None
    except OSError as exc:
        raise ErreurYaml(f"lecture impossible : {exc.strerror}", fichier, None) from None
    chargeur = _Chargeur(texte)
    chargeur.fichier = fichier
    try:
        return chargeur.get_single_data()
    except yaml.MarkedYAMLError as exc:
        marque = exc.problem_mark or exc.context_mark
        raise ErreurYaml(f"YAML invalide : {exc.problem or exc.context}", fichier, marque.line + 1 if marque else None) from None
    except yaml.YAMLError as exc:
        raise ErreurYaml(f"YAML invalide : {exc}", fichier, None) from None
    finally:
        chargeur.dispose()
