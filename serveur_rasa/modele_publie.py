"""The model a Rasa server runs, kept in step with the model server (``models:`` in bot/endpoints.yml).

Rasa 3.6's own pulling (``rasa.core.agent.load_from_server``) has three faults
for a public service, fixed here by replacing ``rasa.core.agent.load_agent``:

- at start it ignores ``--model`` and waits for the model server; when that
  server is down or slow the replica runs with no model at all and every
  citizen's message fails. Here the start asks the model server with the local
  model's id in ``If-None-Match``: the same model (304) or no answer within a
  few seconds, and the local model loads; a newer one, and that one loads;
- it loads a new model inside the event loop, so every conversation of the
  replica waits for the whole load; here the load runs in a thread and the
  new model replaces the old one in one assignment once it is ready;
- a model that fails to load is downloaded and tried again at every pull; here
  its id is remembered and announced as known, so the server answers 304.

An empty ``url`` (GUICHET_DEPOT_MODELES_URL unset) means no model server: the
``--model`` file only, as before.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import tempfile
from pathlib import Path
from typing import Any

import aiohttp
import rasa.core.agent
from rasa.core.agent import Agent
from rasa.utils.endpoints import EndpointConfig

from serveur_rasa.archive_modele import ArchiveInvalide, etiquette, lire_metadonnees
from serveur_rasa.memoire import figer_tas

logger = logging.getLogger(__name__)
DELAI_CONNEXION_S = 3.0  # a model server that does not accept a connection in this time is down
DELAI_TELECHARGEMENT_S = 300.0
INTERVALLE_PAR_DEFAUT_S = 10.0
_origine = rasa.core.agent.load_agent


class Synchronisation:
    """One replica's view of the model server: what it runs, what it refused, whether the server answers."""

    def __init__(self, serveur: EndpointConfig) -> None:
        self.serveur = serveur
        self.agent: Agent | None = None  # set once the start has loaded one
        self.refuses: set[str] = set()
        self.joignable = True
        brut = serveur.kwargs.get("wait_time_between_pulls", INTERVALLE_PAR_DEFAUT_S)
        self.intervalle_s = float(brut) if str(brut).strip() else 0.0

    async def tirer(self, connus: list[str], dossier: Path) -> tuple[str, Path] | None:
        """The model server's model if it is not one of ``connus`` (fingerprints): (ETag, file); None otherwise."""
        delai = aiohttp.ClientTimeout(total=DELAI_TELECHARGEMENT_S, sock_connect=DELAI_CONNEXION_S)
        entetes = {"If-None-Match": ", ".join(connus)} if connus else {}
        try:
            async with self.serveur.session() as session, session.get(
                self.serveur.url, headers=entetes, params=self.serveur.combine_parameters(), timeout=delai
            ) as reponse:
                if reponse.status in (204, 304, 404):
                    self._joint(True, "")
                    return None
                if reponse.status != 200 or not reponse.headers.get("ETag"):
                    self._joint(False, f"HTTP {reponse.status}")
                    return None
                chemin = dossier / "modele.tar.gz"
                with open(chemin, "wb") as sortie:
                    async for bloc in reponse.content.iter_chunked(1 << 20):
                        sortie.write(bloc)
                self._joint(True, "")
                return reponse.headers["ETag"], chemin
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            self._joint(False, exc.__class__.__name__)
            return None

    def _joint(self, joignable: bool, detail: str) -> None:
        if joignable != self.joignable:
            if joignable:
                logger.info("model server %s answers again", self.serveur.url)
            else:
                logger.warning("model server %s unreachable (%s): the current model stays loaded", self.serveur.url, detail)
        self.joignable = joignable

    async def mettre_a_jour(self) -> None:
        """Load the model server's model if it changed (in a thread: conversations go on with the current one)."""
        agent = self.agent
        if agent is None:
            return
        with tempfile.TemporaryDirectory(prefix="guichet-modele-") as dossier:
            tire = await self.tirer([agent.fingerprint, *sorted(self.refuses)], Path(dossier))
            if tire is None:
                return
            etag, chemin = tire
            try:
                await asyncio.to_thread(agent.load_model, chemin, etag)
            except Exception:  # noqa: BLE001 (any failure of Rasa's loader: keep serving the current model)
                self.refuses.add(etag)
                logger.exception("model %s from the model server could not be loaded; model %s stays", etag, agent.model_id)
                return
            logger.info("model %s loaded from the model server", agent.model_id)

    async def boucle(self) -> None:
        while True:
            await asyncio.sleep(self.intervalle_s)
            try:
                await self.mettre_a_jour()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 (the loop must outlive any single failure)
                logger.exception("pulling the model failed; retrying in %.0f s", self.intervalle_s)


_tache: asyncio.Task[None] | None = None


def _empreinte_locale(model_path: str | None) -> str | None:
    if not model_path or not Path(model_path).is_file():
        return None
    try:
        return etiquette(lire_metadonnees(Path(model_path)).model_id)
    except ArchiveInvalide:
        return None


async def charger_agent(model_path: str | None = None, model_server: EndpointConfig | None = None, remote_storage: str | None = None,
                        endpoints: Any = None, loop: Any = None) -> Agent:
    """Drop-in for ``rasa.core.agent.load_agent``; the start-up's heap is frozen once it has loaded."""
    try:
        return await _charger_agent(model_path, model_server, remote_storage, endpoints, loop)
    finally:
        figer_tas()


async def _charger_agent(model_path: str | None, model_server: EndpointConfig | None, remote_storage: str | None,
                         endpoints: Any, loop: Any) -> Agent:
    global _tache
    serveur = (endpoints.model if endpoints is not None and endpoints.model else None) or model_server
    if endpoints is not None:
        endpoints = copy.copy(endpoints)
        endpoints.model = None
    if serveur is None or not serveur.url or remote_storage:
        return await _origine(model_path, None, remote_storage, endpoints, loop)
    locale = _empreinte_locale(model_path)
    sync = Synchronisation(serveur)
    agent: Agent | None = None
    with tempfile.TemporaryDirectory(prefix="guichet-modele-") as dossier:
        tire = await sync.tirer([locale] if locale else [], Path(dossier))
        if tire is not None:
            etag, chemin = tire
            agent = await _origine(str(chemin), None, None, endpoints, loop)
            if agent.is_ready():
                agent.fingerprint = etag
                logger.info("model %s taken from the model server %s", agent.model_id, serveur.url)
            else:
                sync.refuses.add(etag)
                logger.error("model %s from the model server could not be loaded; starting on %s", etag, model_path)
                agent = None
    if agent is None:
        agent = await _origine(model_path, None, None, endpoints, loop)
        if locale:
            agent.fingerprint = locale
    agent.model_server = serveur
    sync.agent = agent
    if _tache is not None:
        _tache.cancel()
    _tache = None
    if sync.intervalle_s > 0:
        _tache = asyncio.get_running_loop().create_task(sync.boucle(), name="guichet-modele-publie")
    return agent


def installer() -> None:
    rasa.core.agent.load_agent = charger_agent  # type: ignore[assignment]
