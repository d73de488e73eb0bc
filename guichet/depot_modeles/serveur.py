"""The model server every Rasa replica pulls from (``models: url:`` in bot/endpoints.yml).

Rasa's protocol (rasa.core.agent): ``GET`` with ``If-None-Match: <its model's
fingerprint>``; 304 when nothing changed, else the archive with the new
fingerprint in ``ETag`` (here the model id, which ``GET /status`` reports).
Editors' `publier` sends a model with ``PUT`` (``If-Match``: the model it
replaces) and goes back with ``POST /modele/retablir``. Every route but
``/sante`` needs ``Authorization: Bearer <the Rasa API token>``.
"""

from __future__ import annotations

import asyncio
import logging
import os

from aiohttp import web

from connecteurs.serveur_http import porteur_valide
from guichet.depot_modeles.depot import ConflitPublication, DepotModeles, ModelePublie, VersionInconnue
from serveur_rasa.archive_modele import ArchiveInvalide, etiquette

logger = logging.getLogger(__name__)
TAILLE_BLOC = 1 << 20
REPLIQUES_SUIVIES = 1000  # addresses remembered per refused model


def etiquettes(entete: str | None) -> list[str]:
    """The model ids in an If-None-Match / If-Match header, in order (quoted or not, weak or not)."""
    if not entete:
        return []
    return [e.strip().removeprefix("W/").strip('"') for e in entete.split(",") if e.strip()]


def _erreur(statut: int, message: str) -> web.Response:
    return web.json_response({"erreur": message}, status=statut)


def creer_application(depot: DepotModeles, jeton: str, taille_max: int) -> web.Application:
    verrou = asyncio.Lock()  # one publication at a time
    # A replica announces the model it runs first, then those it could not load (serveur_rasa/modele_publie.py):
    # the current model named after the first is one that replica refused. `publier` asks, to stop waiting at once.
    refus: dict[str, set[str]] = {}

    @web.middleware
    async def authentification(request: web.Request, handler):  # type: ignore[no-untyped-def]
        if request.path != "/sante" and not porteur_valide(request.headers, jeton):
            return _erreur(401, "missing or wrong API token (Authorization: Bearer …)")
        return await handler(request)

    async def sante(_request: web.Request) -> web.Response:
        actuel = await asyncio.to_thread(depot.actuel)
        if actuel is None:
            return _erreur(503, "no model published yet")
        return web.json_response({"model_id": actuel.model_id})

    async def telecharger(request: web.Request) -> web.StreamResponse:
        actuel = await asyncio.to_thread(depot.actuel)
        if actuel is None:
            return _erreur(404, "no model published yet")
        entetes = {"ETag": etiquette(actuel.model_id), "Cache-Control": "no-cache"}
        annonces = etiquettes(request.headers.get("If-None-Match"))
        if actuel.model_id in annonces[1:]:
            replique = refus.setdefault(actuel.model_id, set())
            if len(replique) < REPLIQUES_SUIVIES and (request.remote or "?") not in replique:
                replique.add(request.remote or "?")
                logger.warning("model %s refused by the Rasa server at %s (see its log)", actuel.model_id, request.remote)
        if actuel.model_id in annonces:
            return web.Response(status=304, headers=entetes)
        try:
            fichier = await asyncio.to_thread(open, actuel.chemin, "rb")
        except FileNotFoundError:  # pruned between the two reads: the replica asks again
            return _erreur(503, "the current model changed while it was read; retry")
        try:
            taille = os.fstat(fichier.fileno()).st_size
            reponse = web.StreamResponse(headers={**entetes, "Content-Type": "application/gzip", "Content-Length": str(taille),
                                                  "filename": f"guichet-{actuel.model_id}.tar.gz"})
            await reponse.prepare(request)
            while bloc := await asyncio.to_thread(fichier.read, TAILLE_BLOC):
                await reponse.write(bloc)
            await reponse.write_eof()
            return reponse
        finally:
            fichier.close()

    async def decrire(_request: web.Request) -> web.Response:
        actuel = await asyncio.to_thread(depot.actuel)
        return web.json_response({"actuel": actuel.decrire() if actuel else None, "versions": await asyncio.to_thread(depot.versions),
                                  "refuse_par": len(refus.get(actuel.model_id, ())) if actuel else 0})

    async def envoyer(request: web.Request) -> web.Response:
        precedent = set(etiquettes(request.headers.get("If-Match")))
        if len(precedent) > 1:
            return _erreur(400, "If-Match must name one model")
        async with verrou:
            temporaire = await asyncio.to_thread(depot.fichier_temporaire)
            try:
                recu = 0
                with open(temporaire, "wb") as sortie:
                    async for bloc in request.content.iter_chunked(TAILLE_BLOC):
                        recu += len(bloc)
                        if recu > taille_max:
                            return _erreur(413, f"model larger than {taille_max} bytes (GUICHET_DEPOT_MODELES_TAILLE_MAX)")
                        await asyncio.to_thread(sortie.write, bloc)
                publie = await asyncio.to_thread(depot.publier, temporaire, next(iter(precedent), None))
            except ArchiveInvalide as exc:
                return _erreur(400, str(exc))
            except ConflitPublication as exc:
                return _erreur(412, str(exc))
            finally:
                temporaire.unlink(missing_ok=True)
        return _journaliser(publie, "published")

    async def retablir(request: web.Request) -> web.Response:
        try:
            corps = await request.json()
            model_id, precedent = str(corps["model_id"]), corps.get("precedent")
        except (ValueError, KeyError, TypeError):
            return _erreur(400, 'body must be JSON {"model_id": "…", "precedent": "…"}')
        async with verrou:
            try:
                publie = await asyncio.to_thread(depot.retablir, model_id, None if precedent is None else str(precedent))
            except VersionInconnue as exc:
                return _erreur(404, str(exc))
            except ConflitPublication as exc:
                return _erreur(412, str(exc))
        return _journaliser(publie, "restored")

    def _journaliser(publie: ModelePublie, quoi: str) -> web.Response:
        logger.info("model %s %s (trained %s)", publie.model_id, quoi, publie.entraine_le.isoformat(timespec="seconds"))
        return web.json_response(publie.decrire(), headers={"ETag": etiquette(publie.model_id)})

    app = web.Application(middlewares=[authentification])
    app.router.add_get("/sante", sante)
    app.router.add_get("/modele", telecharger)
    app.router.add_put("/modele", envoyer)
    app.router.add_get("/modele/actuel", decrire)
    app.router.add_post("/modele/retablir", retablir)
    return app
