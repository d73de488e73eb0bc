"""A real local aiohttp server on port 0 for contract tests of remote connecteurs."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from aiohttp import web


@contextlib.asynccontextmanager
async def servir(app: web.Application, port: int = 0) -> AsyncIterator[str]:
    """Run ``app`` on 127.0.0.1 (``port``, or a free one); yield its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()
