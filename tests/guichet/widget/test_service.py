"""The widget's served files: DSFR tokens, contrast check, script assembly, the two-line embed."""

import re

import pytest

from configuration.erreurs import ErreurConfiguration
from guichet.widget.service import ICI, RACINE, ConfigWidget, ajouter_routes_widget, assembler_script, contraste
from tests.connecteurs.serveur_local import servir

DSFR_CORE = RACINE / "node_modules" / "@gouvfr" / "dsfr" / "dist" / "core" / "core.min.css"


def test_widget_tokens_are_the_dsfr_values():
    """Each `--gw-…: value; /* --dsfr-token */` in guichet.css has the DSFR package's value."""
    dsfr = DSFR_CORE.read_text(encoding="utf-8")
    couples = re.findall(r"--gw-[\w-]+:\s*(#[0-9a-fA-F]{3,6});\s*/\*\s*(--[\w-]+)", (ICI / "guichet.css").read_text())
    assert len(couples) >= 10
    for valeur, jeton in couples:
        attendu = re.search(rf"{re.escape(jeton)}:(#[0-9a-fA-F]{{3,6}})", dsfr)
        assert attendu, f"{jeton} not in the DSFR"
        assert attendu.group(1).lower() == valeur.lower(), jeton


def test_contrast_ratios_follow_wcag():
    assert contraste("#000091", "#ffffff") == pytest.approx(14.91, abs=0.01)
    assert contraste("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contraste("#000000", "#ffffff") == pytest.approx(21.0)


def test_configuration_refuses_unreadable_colours_and_bad_urls():
    ConfigWidget("https://assistant.ville.fr", "Ville", couleur="#18753c")
    with pytest.raises(ErreurConfiguration, match="contrast of 1.51:1"):
        ConfigWidget("https://assistant.ville.fr", "Ville", couleur="#ffcc00")
    with pytest.raises(ErreurConfiguration, match="#rrggbb"):
        ConfigWidget("https://assistant.ville.fr", "Ville", couleur="bleu")
    with pytest.raises(ErreurConfiguration, match="http"):
        ConfigWidget("assistant.ville.fr", "Ville")
    with pytest.raises(ErreurConfiguration, match="empty"):
        ConfigWidget("https://a.fr", " ")


def test_script_bundles_socketio_without_leaking_globals_and_escapes_the_config():
    script = assembler_script(ConfigWidget("https://a.fr", "Ville </script><script>alert(1)"))
    assert "Socket.IO v4" in script and "session_request" in script
    assert "</script>" not in script  # the commune's name cannot close the script tag
    assert "var define, exports, module;" in script  # no AMD/CommonJS capture, window.io restored


async def test_routes_serve_script_css_font_and_demo_page():
    import aiohttp
    from aiohttp import web

    app = web.Application()
    ajouter_routes_widget(app, ConfigWidget("https://assistant.ville.fr", "Ville de Démo"))
    async with servir(app) as url, aiohttp.ClientSession() as s:
        async with s.get(f"{url}/widget/guichet.js") as r:
            assert r.status == 200 and r.content_type == "application/javascript"
            assert r.headers["Access-Control-Allow-Origin"] == "*" and r.headers["ETag"]
            assert '"serveur": "https://assistant.ville.fr"' in await r.text()
        async with s.get(f"{url}/widget/guichet.css") as r:
            assert r.status == 200 and "--gw-action" in await r.text()
        async with s.get(f"{url}/widget/polices/Marianne-Regular.woff2") as r:
            assert r.status == 200 and (await r.read())[:4] == b"wOF2"
        for interdit in ("../../../etc/passwd", "Marianne-Light.woff2", "%2e%2e%2fguichet.css"):
            async with s.get(f"{url}/widget/polices/{interdit}") as r:
                assert r.status == 404
        async with s.get(f"{url}/widget/demo") as r:
            page = await r.text()
            assert 'lang="fr"' in page and '<script src="/widget/guichet.js" defer></script>' in page
