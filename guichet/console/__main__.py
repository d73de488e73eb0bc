"""``python -m guichet.console``: the console on GUICHET_CONSOLE_PORT (default 5080), loopback by default."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from aiohttp import web

from guichet.console.application import ConfigConsole, creer_application
from guichet.rgpd.stockage import RACINE, Stockage


def main() -> int:
    stockage = Stockage.depuis_env()
    donnees = Path(os.environ.get("GUICHET_DONNEES") or RACINE / "donnees")
    config = ConfigConsole(stockage.url_conversations, donnees / "comptes.sqlite3",
                           cookie_securise=os.environ.get("GUICHET_CONSOLE_HTTPS") == "1")
    port = os.environ.get("GUICHET_CONSOLE_PORT", "5080")
    if not port.isdigit():
        print(f"error: GUICHET_CONSOLE_PORT must be a port number, got {port!r}", file=sys.stderr)
        return 2
    web.run_app(creer_application(config), host=os.environ.get("GUICHET_HOTE", "127.0.0.1"), port=int(port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
