"""Serves the widget: one script (socket.io client + defaults + widget), its CSS,
the DSFR's Marianne font, and a demonstration portal page.

A portal adds two lines:

    <link rel="stylesheet" href="https://guichet.example.fr/widget/guichet.css">
    <script src="https://guichet.example.fr/widget/guichet.js" data-serveur="https://assistant.example.fr" defer></script>
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from configuration.chemins import RACINE
from configuration.erreurs import ErreurConfiguration

ICI = Path(__file__).resolve().parent
CLIENT_SOCKETIO = RACINE / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
POLICES = RACINE / "node_modules" / "@gouvfr" / "dsfr" / "dist" / "fonts"
POLICES_SERVIES = frozenset({"Marianne-Regular.woff2", "Marianne-Bold.woff2"})
_COULEUR = re.compile(r"^#[0-9a-fA-F]{6}$")
CONTRASTE_MIN = 4.5  # WCAG 2.1 AA, normal text


def luminance(couleur: str) -> float:
    def canal(hexa: str) -> float:
        c = int(hexa, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (canal(couleur[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contraste(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class ConfigWidget:
    serveur: str  # public URL of the Rasa server (socket.io), as the citizen's browser reaches it
    commune: str
    couleur: str = "#000091"  # DSFR blue-france-sun-113-625
    couleur_texte: str = "#ffffff"
    premier_message: str = "/saluer"

    def __post_init__(self) -> None:
        if not self.serveur.startswith(("http://", "https://")):
            raise ErreurConfiguration(f"GUICHET_WIDGET_SERVEUR must be an http(s) URL, got {self.serveur!r}")
        for nom in ("couleur", "couleur_texte"):
            if not _COULEUR.match(getattr(self, nom)):
                raise ErreurConfiguration(f"widget {nom} must be a #rrggbb colour, got {getattr(self, nom)!r}")
        ratio = contraste(self.couleur, self.couleur_texte)
        if ratio < CONTRASTE_MIN:
            raise ErreurConfiguration(
                f"widget colours {self.couleur} / {self.couleur_texte} have a contrast of {ratio:.2f}:1, "
                f"below the {CONTRASTE_MIN}:1 that RGAA (WCAG AA) requires; choose a darker couleur"
            )
        if not self.commune.strip():
            raise ErreurConfiguration("the commune's name is empty")


def assembler_script(config: ConfigWidget) -> str:
    """socket.io client (kept out of the portal's globals) + defaults + the widget."""
    if not CLIENT_SOCKETIO.exists():
        raise ErreurConfiguration(f"{CLIENT_SOCKETIO} is missing: run `make fiches` (npm ci)")
    defauts = json.dumps({"serveur": config.serveur, "commune": config.commune, "couleur": config.couleur,
                          "couleurTexte": config.couleur_texte, "premierMessage": config.premier_message},
                         ensure_ascii=False).replace("</", "<\\/")
    return (
        "(function () {\nvar define, exports, module; var __avant = window.io;\n"
        f"{CLIENT_SOCKETIO.read_text(encoding='utf-8')}\n"
        "window.__guichetIo = window.io;\n"
        "if (__avant === undefined) { try { delete window.io; } catch (e) { window.io = undefined; } } else { window.io = __avant; }\n"
        f"window.__guichetDefauts = {defauts};\n}})();\n"
        + (ICI / "guichet.js").read_text(encoding="utf-8")
    )


def page_demo(config: ConfigWidget) -> str:
    """A portal page as a collectivité would have it, with the two lines added."""
    nom = html.escape(config.commune)
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{nom} — portail citoyen (démonstration)</title>
<link rel="stylesheet" href="/widget/guichet.css">
<style>body{{font-family:Marianne,arial,sans-serif;margin:0;color:#3a3a3a;line-height:1.5}}
header{{border-bottom:1px solid #ddd;padding:1rem 2rem}}main{{padding:1rem 2rem;max-width:48rem}}
h1{{color:#161616;font-size:1.75rem}}a{{color:#000091}}:focus-visible{{outline:2px solid #0a76f6;outline-offset:2px}}</style>
</head><body>
<header><p><strong>{nom}</strong></p></header>
<main><h1>Bienvenue sur le portail de {nom}</h1>
<p>Démarches, horaires, signalements : l'assistant en ligne répond à vos questions à toute heure
et vous met en relation avec un conseiller si besoin.</p>
<p><a href="#contenu">Consulter les démarches</a></p></main>
<script src="/widget/guichet.js" defer></script>
</body></html>"""


def ajouter_routes_widget(app: web.Application, config: ConfigWidget) -> None:
    script = assembler_script(config).encode("utf-8")
    css = (ICI / "guichet.css").read_bytes()
    etiquettes = {nom: hashlib.sha256(contenu).hexdigest()[:16] for nom, contenu in (("js", script), ("css", css))}
    demo = page_demo(config)

    def statique(contenu: bytes, type_: str, etiquette: str) -> web.Response:
        return web.Response(body=contenu, content_type=type_, charset="utf-8", headers={
            "Cache-Control": "public, max-age=300", "ETag": f'"{etiquette}"',
            "Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff"})

    async def get_script(request: web.Request) -> web.Response:
        return statique(script, "application/javascript", etiquettes["js"])

    async def get_css(request: web.Request) -> web.Response:
        return statique(css, "text/css", etiquettes["css"])

    async def get_police(request: web.Request) -> web.StreamResponse:
        nom = request.match_info["nom"]
        if nom not in POLICES_SERVIES or not (POLICES / nom).exists():
            raise web.HTTPNotFound()
        return web.FileResponse(POLICES / nom, headers={"Cache-Control": "public, max-age=86400",
                                                        "Access-Control-Allow-Origin": "*"})

    async def get_demo(request: web.Request) -> web.Response:
        return web.Response(text=demo, content_type="text/html", charset="utf-8")

    app.router.add_get("/widget/guichet.js", get_script)
    app.router.add_get("/widget/guichet.css", get_css)
    app.router.add_get("/widget/polices/{nom}", get_police)
    app.router.add_get("/widget/demo", get_demo)
