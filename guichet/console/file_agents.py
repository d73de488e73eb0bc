"""The agents' pages: the live escalation queue and one conversation's full context,
with take over / reply / hand back / close. Every view and action of an agent on a
conversation is written to the access audit (guichet/rgpd/audit.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from connecteurs.erreurs import CodeErreur, ErreurConnecteur
from connecteurs.interfaces import FileEscalades
from guichet.console.api_rasa import ApiRasa, RasaIndisponible
from guichet.console.comptes import Compte, Role
from guichet.console.gabarit import page
from guichet.console.prise_en_charge import ActionImpossible, PriseEnCharge, vue
from guichet.construction.libelles import libelle, libelles
from guichet.rgpd.audit import auditer

logger = logging.getLogger(__name__)
ICI = Path(__file__).resolve().parent
Connecte = Callable[[web.Request], Awaitable["Compte | None"]]
Horloge = Callable[[], dt.datetime]
ACTIONS = {"prendre": "prise_en_charge", "repondre": "message_conseiller", "rendre": "rendu_assistant", "clore": "cloture"}
STATUT_HTTP = {CodeErreur.INTROUVABLE: 404, CodeErreur.CONFLIT: 409}  # an agent action refused, by its cause


TAILLE_PAGE = 50  # escalations per page of the queue API (oldest first)


def _json(donnees: Any, statut: int = 200) -> web.Response:
    return web.json_response(donnees, status=statut, dumps=lambda d: json.dumps(d, ensure_ascii=False, default=str))


DELAI_BATTEMENT_S = 15.0  # an idle stream still says something this often (proxies close silent connections)


class DiffusionFile:
    """One reader of the queue for every agent's page: while at least one page listens, the queue is read every
    ``intervalle_s``; each listener is woken when it changed (a new escalation, a take-over, the waits)."""

    def __init__(self, lire: Callable[[], Awaitable[dict[str, Any]]], intervalle_s: float = 1.0) -> None:
        self._lire, self.intervalle_s = lire, intervalle_s
        self._version, self._donnees = 0, b""
        self._changement = asyncio.Condition()
        self._ecouteurs = 0
        self._tache: asyncio.Task[None] | None = None

    async def _tourner(self) -> None:
        while self._ecouteurs:
            try:
                donnees = json.dumps(await self._lire(), ensure_ascii=False).encode()
            except ErreurConnecteur as exc:
                donnees = json.dumps({"erreur": "La file d'attente est momentanément indisponible."}).encode()
                logger.error("console: escalation queue unreadable (%s)", exc.code.value)
            if donnees != self._donnees:
                async with self._changement:
                    self._version, self._donnees = self._version + 1, donnees
                    self._changement.notify_all()
            await asyncio.sleep(self.intervalle_s)
        self._tache = None

    async def attendre(self, vue: int, delai_s: float) -> tuple[int, bytes | None]:
        """The queue once its version differs from `vue` (None after `delai_s` without a change)."""
        self._ecouteurs += 1
        try:
            if self._tache is None:
                self._tache = asyncio.create_task(self._tourner())
            async with self._changement:
                try:
                    await asyncio.wait_for(self._changement.wait_for(lambda: self._version != vue and bool(self._donnees)),
                                           delai_s)
                except asyncio.TimeoutError:
                    return vue, None
                return self._version, self._donnees
        finally:
            self._ecouteurs -= 1


def ajouter_routes_agents(app: web.Application, connecte: Connecte, file: FileEscalades, rasa: ApiRasa,
                          journal_audit: Path, horloge: Horloge, dossier_domaine: Path | None = None) -> None:
    prise = PriseEnCharge(file, rasa)
    script = (ICI / "console.js").read_bytes()

    def agent(handler: Callable[[web.Request, Compte], Awaitable[web.StreamResponse]], api: bool = False
              ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def garde(request: web.Request) -> web.StreamResponse:
            compte = await connecte(request)
            if compte is None:
                if api:
                    return _json({"erreur": "Session expirée : reconnectez-vous."}, 401)
                raise web.HTTPSeeOther("/connexion")
            return await handler(request, compte)
        return garde

    async def tracker_ou_rien(sender_id: str) -> dict[str, Any] | None:
        try:
            return await rasa.tracker(sender_id)
        except RasaIndisponible as exc:
            logger.warning("console: conversation not readable from Rasa (%s); showing the recorded context", exc)
            return None

    async def file_page(request: web.Request, compte: Compte) -> web.Response:
        lien = ' · <a href="/pilotage">Tableau de bord</a>' if compte.role == Role.RESPONSABLE else ""
        return page("File d'attente", f"""<h1>File d'attente des conversations</h1>
<p>Connecté : {html.escape(compte.identifiant)}{lien}</p>
<form method="post" action="/deconnexion"><button>Se déconnecter</button></form>
<p><button type="button" id="son" aria-pressed="false">Son des nouvelles demandes : activé</button></p>
<p id="etat-file" role="status" aria-live="polite"></p>
<table id="file"><caption>Demandes en attente ou en cours, la plus ancienne en premier (mise à jour automatique)</caption>
<thead><tr><th scope="col">Référence</th><th scope="col">Type</th><th scope="col">Canal</th><th scope="col">Attente</th>
<th scope="col">État</th><th scope="col">Conseiller</th><th scope="col">Demande</th></tr></thead><tbody></tbody></table>""",
                    page_js="file", identifiant=compte.identifiant)

    async def etat_file(numero_page: int = 1) -> dict[str, Any]:
        """The queue as the agents' page shows it (raises ErreurConnecteur when the store cannot be read)."""
        total = await file.compter_escalades_ouvertes()
        escalades = await file.escalades_ouvertes(TAILLE_PAGE, (numero_page - 1) * TAILLE_PAGE)
        noms = await asyncio.to_thread(libelles, dossier_domaine) if dossier_domaine is not None else {}
        maintenant = horloge()
        lignes = []
        for e in escalades:
            v = vue(e, None, maintenant)
            derniere = next((t["intention"] for t in reversed(v["transcription"]) if t.get("intention")), None)
            lignes.append({k: v[k] for k in ("reference", "type", "etat", "canal", "attente_s", "conseiller", "creneau",
                                             "telephone", "numero_appelant")}
                          | {"intention": derniere, "intention_libelle": libelle(noms, derniere) if derniere else None})
        return {"escalades": lignes, "maintenant": maintenant.isoformat(), "total": total, "page": numero_page,
                "pages": max(1, -(-total // TAILLE_PAGE))}

    diffusion = DiffusionFile(lambda: etat_file(1))

    async def file_api(request: web.Request, compte: Compte) -> web.Response:
        brut = request.query.get("page", "1")
        if not brut.isdigit() or not 1 <= int(brut) <= 100_000:
            return _json({"erreur": "page: un nombre entier à partir de 1"}, 400)
        try:
            return _json(await etat_file(int(brut)))
        except ErreurConnecteur as exc:
            logger.error("console: escalation queue unreadable (%s)", exc.code.value)
            return _json({"erreur": "La file d'attente est momentanément indisponible."}, 503)

    async def file_flux(request: web.Request, compte: Compte) -> web.StreamResponse:
        """The queue pushed to the page (server-sent events) each time it changes; one reading of the store per
        second for all the agents connected, whatever their number. Ends when the session does."""
        reponse = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                              "X-Accel-Buffering": "no"})
        await reponse.prepare(request)
        version = -1
        try:
            while True:
                version, donnees = await diffusion.attendre(version, DELAI_BATTEMENT_S)
                if await connecte(request) is None:
                    await reponse.write(b"event: session\ndata: {}\n\n")
                    break
                await reponse.write(b"event: file\ndata: " + donnees + b"\n\n" if donnees is not None else b": battement\n\n")
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return reponse

    async def conversation_page(request: web.Request, compte: Compte) -> web.Response:
        reference = request.match_info["reference"]
        escalade = await file.lire_escalade(reference) if reference.isdigit() else None
        if escalade is None:
            return page("Introuvable", "<h1>Conversation introuvable</h1><p><a href=\"/\">Retour à la file</a></p>", 404)
        auditer(journal_audit, "consultation_conversation", {"reference": reference},
                {"canal": escalade.canal, "etat": escalade.etat.value}, operateur=compte.identifiant)
        ref = html.escape(reference)
        return page(f"Conversation {ref}", f"""<p><a href="/">← Retour à la file</a></p>
<h1>Conversation {ref}</h1>
<p id="etat-action" role="status" aria-live="polite"></p>
<div class="colonnes"><section aria-labelledby="t-contexte"><h2 id="t-contexte">Contexte</h2><dl id="contexte"></dl>
<h3>Intentions détectées</h3><ol id="intentions"></ol>
<h3>Informations recueillies</h3><dl id="slots"></dl>
<h3>Dossier (après vérification d'identité)</h3><div id="dossier"><p>—</p></div></section>
<section aria-labelledby="t-echanges"><h2 id="t-echanges">Échanges</h2>
<div role="log" aria-live="polite" aria-label="Échanges avec l'usager"><ol id="transcription"></ol></div>
<div id="commandes">
<button type="button" id="prendre">Prendre en charge</button>
<form id="repondre"><label for="message">Votre réponse à l'usager</label>
<textarea id="message" rows="3" maxlength="2000"></textarea><button type="submit">Envoyer</button></form>
<button type="button" id="rendre">Rendre la main à l'assistant</button>
<button type="button" id="clore">Clore la conversation</button></div></section></div>""",
                    page_js="conversation", identifiant=compte.identifiant, reference=reference)

    async def conversation_api(request: web.Request, compte: Compte) -> web.Response:
        reference = request.match_info["reference"]
        try:
            escalade = await file.lire_escalade(reference) if reference.isdigit() else None
        except ErreurConnecteur:
            return _json({"erreur": "La file d'attente est momentanément indisponible."}, 503)
        if escalade is None:
            return _json({"erreur": "Cette référence n'existe pas."}, 404)
        tracker = await tracker_ou_rien(escalade.sender_id)
        noms = await asyncio.to_thread(libelles, dossier_domaine) if dossier_domaine is not None else {}
        return _json(vue(escalade, tracker, horloge(), noms) | {"moi": compte.identifiant})

    async def action_api(request: web.Request, compte: Compte) -> web.Response:
        reference, action = request.match_info["reference"], request.match_info["action"]
        if action not in ACTIONS or not reference.isdigit():
            return _json({"erreur": "Action inconnue."}, 404)
        texte = ""
        if action == "repondre":
            try:
                corps = await request.json()
            except ValueError:
                return _json({"erreur": "Requête invalide."}, 400)
            texte = str(corps.get("texte", "")) if isinstance(corps, dict) else ""
        try:
            if action == "prendre":
                await prise.prendre(reference, compte.identifiant)
            elif action == "repondre":
                await prise.repondre(reference, compte.identifiant, texte)
            elif action == "rendre":
                await prise.rendre(reference, compte.identifiant)
            else:
                await prise.clore(reference, compte.identifiant)
        except ActionImpossible as exc:
            return _json({"erreur": str(exc)}, STATUT_HTTP[exc.code])
        except RasaIndisponible as exc:
            logger.error("console: %s on %s failed, Rasa unavailable (%s)", action, reference, exc)
            return _json({"erreur": "L'assistant ne répond pas : réessayez dans un instant."}, 503)
        except ErreurConnecteur as exc:
            logger.error("console: %s on %s failed (%s)", action, reference, exc.code.value)
            return _json({"erreur": "La file d'attente est momentanément indisponible."}, 503)
        auditer(journal_audit, ACTIONS[action], {"reference": reference}, {"ok": True}, operateur=compte.identifiant)
        return _json({"ok": True})

    async def get_script(request: web.Request) -> web.Response:
        return web.Response(body=script, content_type="application/javascript", charset="utf-8")

    app.router.add_get("/", agent(file_page))
    app.router.add_get("/api/file", agent(file_api, api=True))
    app.router.add_get("/api/file/flux", agent(file_flux, api=True))
    app.router.add_get("/conversations/{reference}", agent(conversation_page))
    app.router.add_get("/api/conversations/{reference}", agent(conversation_api, api=True))
    app.router.add_post("/api/conversations/{reference}/{action}", agent(action_api, api=True))
    app.router.add_get("/console.js", get_script)
