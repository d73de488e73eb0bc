"""The dashboard's charts, drawn on the server as SVG, each with what RGAA asks of an image that carries
information: a title and a text summary read by screen readers (``role="img"``, ``<title>``, ``<desc>``),
and the same figures as a table just below (``<details>``). Colours from the DSFR palette; the previous
period beside the current one where a comparison helps.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
from collections.abc import Mapping, Sequence

from guichet.affichage import pourcentage

BLEU_FRANCE, BLEU_CLAIR, GRIS = "#000091", "#8585f6", "#929292"
_identifiants = itertools.count(1)


def _e(texte: object) -> str:
    return html.escape(str(texte), quote=True)


def _jour(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m")


def figure(titre: str, svg: str, entetes: Sequence[str], lignes: Sequence[Sequence[object]]) -> str:
    """A chart with its caption and its data table (for those who do not see the chart, and to copy figures)."""
    tete = "".join(f'<th scope="col">{_e(x)}</th>' for x in entetes)
    corps = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in ligne) + "</tr>" for ligne in lignes)
    return (f'<figure class="graphique"><figcaption>{_e(titre)}</figcaption>{svg}'
            f"<details><summary>Voir les données de « {_e(titre)} »</summary><table><thead><tr>{tete}</tr></thead>"
            f"<tbody>{corps or '<tr><td>aucune donnée</td></tr>'}</tbody></table></details></figure>")


def _svg(titre: str, resume: str, largeur: int, hauteur: int, contenu: str) -> str:
    n = next(_identifiants)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {largeur} {hauteur}" width="100%" '
            f'style="max-width:{largeur}px" aria-labelledby="g{n}-t g{n}-d"><title id="g{n}-t">{_e(titre)}</title>'
            f'<desc id="g{n}-d">{_e(resume)}</desc>{contenu}</svg>')


def conversations_par_jour(par_jour: Mapping[str, Mapping[str, int]]) -> tuple[str, str]:
    """Stacked bars per day, chat then phone; (svg, text summary)."""
    jours = sorted(par_jour)
    chat = [int(par_jour[j].get("chat", 0)) for j in jours]
    tel = [int(par_jour[j].get("telephone", 0)) for j in jours]
    totaux = [a + b for a, b in zip(chat, tel, strict=True)]
    if not jours or not any(totaux):
        resume = "Aucune conversation sur la période."
        return _svg("Conversations par jour", resume, 640, 60, '<text x="10" y="35" font-size="14">Aucune conversation</text>'), resume
    haut, bas, gauche, largeur = 20, 40, 40, 640
    hauteur_utile = 200
    maximum = max(totaux)
    pas = (largeur - gauche - 10) / len(jours)
    barre = max(2.0, pas * 0.7)
    morceaux = [f'<line x1="{gauche}" y1="{haut + hauteur_utile}" x2="{largeur - 10}" y2="{haut + hauteur_utile}" stroke="{GRIS}"/>',
                f'<text x="{gauche - 6}" y="{haut + 4}" font-size="11" text-anchor="end">{maximum}</text>',
                f'<text x="{gauche - 6}" y="{haut + hauteur_utile}" font-size="11" text-anchor="end">0</text>']
    etiquettes = max(1, len(jours) // 10)
    for i, (j, a, b) in enumerate(zip(jours, chat, tel, strict=True)):
        x = gauche + i * pas + (pas - barre) / 2
        h_a, h_b = hauteur_utile * a / maximum, hauteur_utile * b / maximum
        y = haut + hauteur_utile
        morceaux.append(f'<rect x="{x:.1f}" y="{y - h_a:.1f}" width="{barre:.1f}" height="{h_a:.1f}" fill="{BLEU_FRANCE}"/>')
        morceaux.append(f'<rect x="{x:.1f}" y="{y - h_a - h_b:.1f}" width="{barre:.1f}" height="{h_b:.1f}" fill="{BLEU_CLAIR}"/>')
        if i % etiquettes == 0:
            morceaux.append(f'<text x="{x + barre / 2:.1f}" y="{y + 16}" font-size="11" text-anchor="middle">{_jour(j)}</text>')
    morceaux.append(f'<rect x="{gauche}" y="{haut + hauteur_utile + 24}" width="12" height="12" fill="{BLEU_FRANCE}"/>'
                    f'<text x="{gauche + 16}" y="{haut + hauteur_utile + 34}" font-size="12">Chat</text>'
                    f'<rect x="{gauche + 70}" y="{haut + hauteur_utile + 24}" width="12" height="12" fill="{BLEU_CLAIR}"/>'
                    f'<text x="{gauche + 86}" y="{haut + hauteur_utile + 34}" font-size="12">Téléphone</text>')
    pic = max(range(len(jours)), key=lambda k: totaux[k])
    resume = (f"Du {_jour(jours[0])} au {_jour(jours[-1])} : {sum(totaux)} conversations, dont {sum(chat)} par chat et "
              f"{sum(tel)} par téléphone ; jour le plus chargé : {_jour(jours[pic])} ({totaux[pic]}).")
    return _svg("Conversations par jour", resume, largeur, haut + hauteur_utile + bas, "".join(morceaux)), resume


def barres_comparees(titre: str, lignes: Sequence[tuple[str, float, float | None]], en_pourcentage: bool = False
                     ) -> tuple[str, str]:
    """Horizontal bars, this period (dark) and the previous one (light) beside; (svg, text summary)."""
    def lire(v: float) -> str:
        return pourcentage(v, 1) if en_pourcentage else str(int(v))

    if not lignes:
        resume = "Aucune donnée sur la période."
        return _svg(titre, resume, 640, 60, '<text x="10" y="35" font-size="14">Aucune donnée</text>'), resume
    gauche, largeur, ligne_h = 230, 640, 34
    maximum = max([v for _, v, _ in lignes] + [p for _, _, p in lignes if p is not None] + [1e-9])
    utile = largeur - gauche - 70
    morceaux = []
    for i, (libelle, actuel, precedent) in enumerate(lignes):
        y = 10 + i * ligne_h
        court = libelle if len(libelle) <= 34 else libelle[:33] + "…"
        morceaux.append(f'<text x="{gauche - 8}" y="{y + 13}" font-size="12" text-anchor="end">{_e(court)}</text>')
        morceaux.append(f'<rect x="{gauche}" y="{y}" width="{utile * actuel / maximum:.1f}" height="12" fill="{BLEU_FRANCE}"/>'
                        f'<text x="{gauche + utile * actuel / maximum + 4:.1f}" y="{y + 10}" font-size="11">{_e(lire(actuel))}</text>')
        if precedent is not None:
            morceaux.append(f'<rect x="{gauche}" y="{y + 14}" width="{utile * precedent / maximum:.1f}" height="8" fill="{BLEU_CLAIR}"/>')
    hauteur = 20 + len(lignes) * ligne_h
    if any(p is not None for _, _, p in lignes):
        morceaux.append(f'<rect x="{gauche}" y="{hauteur - 10}" width="12" height="8" fill="{BLEU_FRANCE}"/>'
                        f'<text x="{gauche + 16}" y="{hauteur - 2}" font-size="11">Cette période</text>'
                        f'<rect x="{gauche + 110}" y="{hauteur - 10}" width="12" height="8" fill="{BLEU_CLAIR}"/>'
                        f'<text x="{gauche + 126}" y="{hauteur - 2}" font-size="11">Période précédente</text>')
        hauteur += 10
    resume = "; ".join(f"{libelle} : {lire(actuel)}" + (f" (période précédente : {lire(precedent)})" if precedent is not None else "")
                       for libelle, actuel, precedent in lignes) + "."
    return _svg(titre, resume, largeur, hauteur, "".join(morceaux)), resume
