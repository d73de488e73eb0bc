"""Calling a connecteur from an action: bounded in time, errors typed.

The connecteur owns its deadline (connecteurs/client_http.py: every attempt of a
remote call fits in the configured delay, and a timeout is counted by its
circuit breaker); the deadline here is a safety net a little longer, for a
connecteur that would not end on its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TypeVar

from connecteurs.erreurs import ConnecteurIndisponible, DelaiDepasse, ErreurConnecteur

logger = logging.getLogger(__name__)
T = TypeVar("T")
MARGE_S = 0.5  # the connecteur's own deadline fires first


async def appeler(operation: str, appel: Awaitable[T], delai: float) -> T:
    """Await a connecteur call; any failure becomes an ErreurConnecteur (logged without data)."""
    try:
        return await asyncio.wait_for(appel, timeout=delai + MARGE_S)
    except asyncio.TimeoutError:
        logger.warning("connecteur %s: no answer within %.1f s", operation, delai)
        raise DelaiDepasse(f"{operation}: no answer within {delai} s") from None
    except ErreurConnecteur as exc:
        logger.warning("connecteur %s failed: %s", operation, exc.code.value)
        raise
    except Exception as exc:  # a connecteur bug must not crash the conversation
        logger.error("connecteur %s raised %s", operation, type(exc).__name__)
        raise ConnecteurIndisponible(f"{operation}: {type(exc).__name__}") from exc
