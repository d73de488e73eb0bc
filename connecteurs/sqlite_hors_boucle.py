"""Run one piece of SQLite work in a worker thread, on its own connection, errors typed for the connecteurs."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Callable, TypeVar

from connecteurs.erreurs import ConnecteurIndisponible

T = TypeVar("T")


async def executer(ouvrir: Callable[[], sqlite3.Connection], travail: Callable[[sqlite3.Connection], T], nom: str) -> T:
    """``travail`` on a fresh connection from ``ouvrir``, off the event loop; SQLite errors become ConnecteurIndisponible."""

    def dans_un_thread() -> T:
        try:
            connexion = ouvrir()
        except (sqlite3.Error, OSError) as exc:
            raise ConnecteurIndisponible(f"{nom} cannot be opened: {exc}") from exc
        try:
            return travail(connexion)
        except sqlite3.Error as exc:
            raise ConnecteurIndisponible(f"{nom} error: {exc}") from exc
        finally:
            connexion.close()

    return await asyncio.to_thread(dans_un_thread)
