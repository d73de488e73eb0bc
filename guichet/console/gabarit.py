"""The console's HTML page frame (French, accessible, no inline script) and tables."""

from __future__ import annotations

import html
from typing import Any

from aiohttp import web

STYLE = """body{font-family:Marianne,arial,sans-serif;max-width:80rem;margin:1.5rem auto;padding:0 1rem;color:#161616;line-height:1.5}
table{border-collapse:collapse}th,td{border:1px solid #929292;padding:.25rem .6rem;text-align:left;vertical-align:top}
caption{text-align:left;font-weight:700;margin-bottom:.25rem}a{color:#000091}
:focus-visible{outline:3px solid #0a76f6;outline-offset:2px}.erreur{color:#ce0500}label{display:block;margin-top:.5rem}
button{font:inherit;min-height:2.5rem;margin:.25rem .25rem .25rem 0;padding:.25rem .9rem;border:1px solid #000091;background:#000091;color:#fff;border-radius:.25rem;cursor:pointer}
button:disabled{background:#e5e5e5;color:#666;border-color:#929292;cursor:not-allowed}
textarea{font:inherit;width:100%;max-width:40rem}.colonnes{display:flex;flex-wrap:wrap;gap:2rem}.colonnes>section{flex:1 1 24rem;min-width:0}
dt{font-weight:700}dd{margin:0 0 .4rem 0}#transcription{list-style:none;padding:0}
#transcription li{margin:.4rem 0;padding:.4rem .6rem;border-left:4px solid #929292;background:#f6f6f6}
#transcription li.usager{border-color:#000091;background:#f5f5fe}#transcription li.conseiller{border-color:#18753c;background:#f0faf3}
.meta{font-size:.875rem;color:#3a3a3a}
th{background:#eeeeee}tbody tr:nth-child(even){background:#f6f6f6}h1,h2{color:#000091}
.graphiques{display:grid;grid-template-columns:repeat(auto-fit,minmax(30rem,1fr));gap:1.5rem;margin:1rem 0}
figure.graphique{margin:0;padding:1rem;border:1px solid #dddddd;border-radius:.25rem;background:#fff}
figure.graphique figcaption{font-weight:700;margin-bottom:.5rem}figure.graphique svg{display:block;height:auto}
details{margin-top:.5rem}summary{cursor:pointer;color:#000091}"""


def page(titre: str, corps: str, statut: int = 200, page_js: str | None = None, **donnees: Any) -> web.Response:
    attributs = "".join(f' data-{html.escape(k.replace("_", "-"))}="{html.escape(str(v))}"' for k, v in donnees.items())
    script = '<script src="/console.js" defer></script>' if page_js else ""
    page_attr = f' data-page="{html.escape(page_js)}"' if page_js else ""
    return web.Response(status=statut, content_type="text/html", charset="utf-8", text=f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(titre)} — Guichet</title><style>{STYLE}</style>{script}
</head><body{page_attr}{attributs}><main>{corps}</main></body></html>""")


def tableau(titre: str, entetes: tuple[str, ...], lignes: list[tuple[Any, ...]]) -> str:
    tete = "".join(f'<th scope="col">{html.escape(e)}</th>' for e in entetes)
    corps = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in ligne) + "</tr>" for ligne in lignes)
    return f"<h2>{html.escape(titre)}</h2><table><thead><tr>{tete}</tr></thead><tbody>{corps or '<tr><td colspan=9>aucune donnée</td></tr>'}</tbody></table>"
