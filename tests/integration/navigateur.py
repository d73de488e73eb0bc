"""Headless Chromium (Debian's) through Playwright, and axe-core from npm, for the browser tests."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, async_playwright

RACINE = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = RACINE / "node_modules" / "axe-core" / "axe.min.js"
DRAPEAUX = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@contextlib.asynccontextmanager
async def navigateur() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=DRAPEAUX)
        try:
            yield browser
        finally:
            await browser.close()


async def audit_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA rules on the page; the serious and critical violations."""
    await page.add_script_tag(path=str(AXE))
    resultat = await page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
          return r.violations.map(v => ({id: v.id, impact: v.impact, aide: v.help,
                                         cibles: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return [v for v in resultat if v["impact"] in ("serious", "critical")]
