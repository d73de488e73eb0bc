"""The console web app (aiohttp): sign-in; for agents the escalation queue and the
take-over of conversations (guichet/console/file_agents.py); for managers the
steering dashboard with CSV export; and the citizens' widget (guichet/widget)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import html
import logging
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from configuration.chemins import RACINE
from connecteurs.chatwoot import ClientChatwoot, ConfigChatwoot, LiensChatwoot
from connecteurs.grc_embarquee.grc import ConfigGrcEmbarquee, GrcEmbarquee
from guichet.affichage import duree, pourcentage
from guichet.console.api_rasa import ApiRasa, ConfigRasa
from guichet.console.comptes import Comptes, Role
from guichet.console.file_agents import ajouter_routes_agents
from guichet.console.gabarit import page, tableau
from guichet.console.relais_chatwoot import RelaisChatwoot
from guichet.console.sessions import Sessions
from guichet.console.tentatives import Tentatives
from guichet.construction.libelles import libelle, libelles
from guichet.pilotage.attente_conseillers import AttenteConseillers
from guichet.pilotage.attente_conseillers import mesurer as mesurer_attente
from guichet.pilotage.export_csv import en_csv
from guichet.pilotage.graphiques import barres_comparees, conversations_par_jour, figure
from guichet.pilotage.indicateurs import Indicateurs
from guichet.pilotage.resumes import indicateurs as indicateurs_resumes
from guichet.widget.service import ConfigWidget, ajouter_routes_widget

logger = logging.getLogger(__name__)

COOKIE = "guichet_session"
ESSAIS_MAX, FENETRE_S = 5, 15 * 60
FUSEAU = ZoneInfo("Europe/Paris")


@dataclasses.dataclass(frozen=True)
class ConfigConsole:
    url_conversations: str
    url_comptes: str  # SQLAlchemy URL of the accounts table (connecteurs/base_sql.py)
    duree_session_s: float = 30 * 60
    cookie_securise: bool = False  # True behind HTTPS
    rasa: ConfigRasa | None = None  # agents' take-over needs the Rasa HTTP API...
    url_grc: str | None = None  # ...and the embedded escalation store (SQLAlchemy URL)
    journal_audit: Path | None = None  # the agents' access audit trail (required with url_grc)
    widget: ConfigWidget | None = None
    chatwoot: ConfigChatwoot | None = None  # Chatwoot as the handoff target (GUICHET_ESCALADES=chatwoot)
    secret_chatwoot: str = ""  # the secret Chatwoot signs its webhook deliveries with (X-Chatwoot-Signature)
    proxy_de_confiance: bool = False  # behind a reverse proxy: the client's address is the last X-Forwarded-For hop
    dossier_domaine: Path = RACINE / "bot" / "domain"  # the French labels of intents and FAQ entries (its utter_sujet_*)


def rendre_graphiques(i: Indicateurs, noms: Mapping[str, str], p: Indicateurs | None) -> str:
    """The charts people look at, the previous period (``p``) beside: conversations per day, the key rates,
    the most frequent requests (per FAQ entry), satisfaction."""
    noms = dict(noms)
    svg, _ = conversations_par_jour(i.par_jour)
    blocs = [figure("Conversations par jour", svg, ("Jour", "Chat", "Téléphone"),
                    [(j, c.get("chat", 0), c.get("telephone", 0)) for j, c in i.par_jour.items()])]
    taux = [("Résolution sans conseiller", "taux_contenues"), ("Transfert à un conseiller", "taux_escalade"),
            ("Abandon en cours de démarche", "taux_abandon"), ("Messages non compris", "taux_repli"),
            ("Appels répondus", "taux_appels_repondus")]
    lignes = [(nom, float(getattr(i, attr)), float(getattr(p, attr)) if p else None) for nom, attr in taux]
    svg, _ = barres_comparees("Indicateurs clés", lignes, en_pourcentage=True)
    blocs.append(figure("Indicateurs clés, comparés à la période précédente", svg, ("Indicateur", "Cette période", "Période précédente"),
                        [(n, pourcentage(a, 1), pourcentage(b, 1) if b is not None else "—") for n, a, b in lignes]))
    avant = dict(p.intentions) if p else {}
    demandes = [(libelle(noms, k), float(n), float(avant.get(k, 0)) if p else None) for k, n in i.intentions]
    svg, _ = barres_comparees("Demandes les plus fréquentes", demandes)
    blocs.append(figure("Demandes les plus fréquentes (par question fréquente ou démarche)", svg,
                        ("Demande", "Messages", "Période précédente"),
                        [(n, int(a), int(b) if b is not None else "—") for n, a, b in demandes]))
    notes = [(f"{n} sur 5", float(i.satisfaction.get(str(n), 0)), float(p.satisfaction.get(str(n), 0)) if p else None)
             for n in range(5, 0, -1)]
    svg, _ = barres_comparees("Satisfaction", notes)
    blocs.append(figure("Satisfaction des usagers", svg, ("Réponse", "Nombre", "Période précédente"),
                        [(n, int(a), int(b) if b is not None else "—") for n, a, b in notes]))
    return '<div class="graphiques">' + "".join(blocs) + "</div>"


def rendre_tableau_de_bord(i: Indicateurs, noms: Mapping[str, str] | None = None, precedent: Indicateurs | None = None) -> str:
    """The dashboard: charts with their data tables, then the detailed tables; intents and FAQ entries by the French
    labels editors wrote."""
    noms = dict(noms or {})
    resume = [("Conversations", i.conversations), ("Taux de résolution sans conseiller", pourcentage(i.taux_contenues, 1)),
              ("Taux de transfert à un conseiller", pourcentage(i.taux_escalade, 1)), ("Taux d'abandon", pourcentage(i.taux_abandon, 1)),
              ("Messages non compris", pourcentage(i.taux_repli, 1)), ("Consultations de dossier", i.consultations_dossier),
              ("Appels téléphoniques", i.appels), ("Appels répondus (Services Publics+)", pourcentage(i.taux_appels_repondus, 1)),
              ("Satisfaction moyenne (sur 5)", i.satisfaction_moyenne if i.satisfaction_moyenne is not None else "—")]
    return "".join([
        tableau("En résumé", ("Indicateur", "Valeur"), resume),
        rendre_graphiques(i, noms, precedent),
        tableau("Demandes les plus fréquentes", ("Demande", "Messages"), [(libelle(noms, k), n) for k, n in i.intentions]),
        tableau("Questions sans réponse (pour les rédacteurs)", ("Question", "Fois"), list(i.questions_sans_reponse)),
        tableau("Satisfaction", ("Réponse", "Nombre"), list(i.satisfaction.items())),
        tableau("Signalements par catégorie", ("Catégorie", "Nombre"), list(i.signalements_par_categorie.items())),
    ])


CSP_CONSOLE = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
CSP_WIDGET = "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"  # the demo page talks to the Rasa server
ENTETES_SECURITE = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}


def adresse_client(request: web.Request, proxy_de_confiance: bool) -> str:
    """The client's address: the peer, or behind a trusted reverse proxy the address it forwards."""
    if proxy_de_confiance:
        transmise = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        if transmise:
            return transmise[:64]
    return request.remote or ""


def meme_origine(https: bool) -> Any:
    """Refuse cross-site form posts (on top of the SameSite=Strict cookie). Behind a TLS reverse proxy
    (GUICHET_CONSOLE_HTTPS=1) the browser's origin is https even though the proxy speaks http to us."""

    @web.middleware
    async def garde(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.method == "POST":
            origine = request.headers.get("Origin")
            schema = "https" if https else request.scheme
            if origine and origine != f"{schema}://{request.host}":
                return web.Response(status=403, text="cross-origin request refused")
        return await handler(request)

    return garde


@web.middleware
async def entetes_securite(request: web.Request, handler: Any) -> web.StreamResponse:
    """Security headers on every page: no framing, no MIME sniffing, no referrer to other sites, a CSP."""
    try:
        reponse = await handler(request)
    except web.HTTPException as exc:  # redirects and errors carry the headers too
        reponse = exc
        for nom, valeur in ENTETES_SECURITE.items():
            reponse.headers.setdefault(nom, valeur)
        raise
    for nom, valeur in ENTETES_SECURITE.items():
        reponse.headers.setdefault(nom, valeur)
    reponse.headers.setdefault("Content-Security-Policy", CSP_WIDGET if request.path.startswith("/widget/") else CSP_CONSOLE)
    return reponse


def rendre_attente(a: AttenteConseillers) -> str:
    return tableau("Prise en charge par les conseillers", ("Indicateur", "Valeur"), [
        ("Demandes de conseiller", a.demandes), ("Prises en charge", a.prises), ("Encore en attente", a.en_attente),
        ("Attente médiane avant prise en charge", duree(a.mediane_s)),
        ("Attente maximale pour 9 demandes sur 10", duree(a.p90_s)), ("Demandes de rappel (hors horaires)", a.rappels)])


def creer_application(config: ConfigConsole) -> web.Application:
    comptes, sessions = Comptes(config.url_comptes), Sessions(config.url_comptes, config.duree_session_s)
    tentatives = Tentatives(config.url_comptes, ESSAIS_MAX, FENETRE_S)

    async def connecte(request: web.Request) -> Any:
        return await sessions.compte(request.cookies.get(COOKIE))

    def responsable(handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def garde(request: web.Request) -> web.StreamResponse:
            compte = await connecte(request)
            if compte is None:
                raise web.HTTPSeeOther("/connexion")
            if compte.role != Role.RESPONSABLE:
                return page("Accès refusé", "<h1>Accès refusé</h1><p>Le tableau de bord est réservé aux responsables.</p>", 403)
            return await handler(request)
        return garde

    async def formulaire(request: web.Request, message: str = "", statut: int = 200) -> web.Response:
        erreur = f'<p class="erreur" role="alert">{html.escape(message)}</p>' if message else ""
        return page("Connexion", f"""<h1>Connexion à la console Guichet</h1>{erreur}
<form method="post" action="/connexion"><label for="identifiant">Identifiant</label>
<input id="identifiant" name="identifiant" autocomplete="username" required autofocus>
<label for="mot_de_passe">Mot de passe</label>
<input id="mot_de_passe" name="mot_de_passe" type="password" autocomplete="current-password" required>
<p><button type="submit">Se connecter</button></p></form>""", statut)

    async def get_connexion(request: web.Request) -> web.Response:
        return await formulaire(request)

    async def post_connexion(request: web.Request) -> web.Response:
        donnees = await request.post()
        identifiant, mot_de_passe = str(donnees.get("identifiant", ""))[:100], str(donnees.get("mot_de_passe", ""))[:200]
        adresse = adresse_client(request, config.proxy_de_confiance)
        if not await tentatives.reserver(identifiant, adresse):  # counted before the check: no burst gets through
            logger.warning("console: sign-in refused, too many failures (account or address)")
            return await formulaire(request, "Trop d'essais : réessayez dans quelques minutes.", 429)
        compte = await asyncio.to_thread(comptes.verifier, identifiant, mot_de_passe)  # scrypt: off the loop
        if compte is None:
            return await formulaire(request, "Identifiant ou mot de passe incorrect.", 401)
        await tentatives.reussite(identifiant, adresse)
        reponse = web.HTTPSeeOther("/pilotage" if compte.role == Role.RESPONSABLE else "/")
        reponse.set_cookie(COOKIE, await sessions.ouvrir(compte), httponly=True, samesite="Strict", secure=config.cookie_securise,
                           max_age=int(config.duree_session_s))
        raise reponse

    async def deconnexion(request: web.Request) -> web.Response:
        await sessions.fermer(request.cookies.get(COOKIE))
        reponse = web.HTTPSeeOther("/connexion")
        reponse.del_cookie(COOKIE)
        raise reponse

    async def accueil(request: web.Request) -> web.Response:
        compte = await connecte(request)
        if compte is None:
            raise web.HTTPSeeOther("/connexion")
        lien = '<p><a href="/pilotage">Tableau de bord</a></p>' if compte.role == Role.RESPONSABLE else ""
        return page("Console", f"<h1>Console Guichet</h1><p>Connecté : {html.escape(compte.identifiant)}</p>{lien}"
                                '<form method="post" action="/deconnexion"><button>Se déconnecter</button></form>')

    def periode(request: web.Request) -> tuple[dt.date, dt.date]:
        aujourd_hui = dt.datetime.now(FUSEAU).date()
        try:
            au = dt.date.fromisoformat(request.query.get("au") or aujourd_hui.isoformat())
            du = dt.date.fromisoformat(request.query.get("du") or (au - dt.timedelta(days=29)).isoformat())
        except ValueError:
            raise web.HTTPBadRequest(text="dates attendues au format AAAA-MM-JJ") from None
        if du > au or (au - du).days > 366:
            raise web.HTTPBadRequest(text="période invalide (un an au plus)")
        return du, au

    async def indicateurs(du: dt.date, au: dt.date) -> Indicateurs:
        aujourd_hui = dt.datetime.now(FUSEAU).date()
        return await asyncio.to_thread(indicateurs_resumes, config.url_conversations, du, au, FUSEAU, aujourd_hui)

    @responsable
    async def pilotage(request: web.Request) -> web.Response:
        du, au = periode(request)
        i = await indicateurs(du, au)
        duree_periode = au - du + dt.timedelta(days=1)
        precedent = await indicateurs(du - duree_periode, du - dt.timedelta(days=1))  # the same length, just before
        noms = await asyncio.to_thread(libelles, config.dossier_domaine)  # read again: a publication changes them
        filtre = f"""<form method="get" action="/pilotage"><label for="du">Du</label><input id="du" name="du" type="date" value="{du}">
<label for="au">Au</label><input id="au" name="au" type="date" value="{au}"> <button>Afficher</button></form>
<p><a href="/pilotage.csv?du={du}&amp;au={au}">Exporter en CSV</a></p>"""
        attente = ""
        if config.url_grc is not None:
            a = await asyncio.to_thread(mesurer_attente, config.url_grc, du, au, FUSEAU)
            attente = rendre_attente(a)
        return page("Tableau de bord",
                    f"<h1>Tableau de bord du {du:%d/%m/%Y} au {au:%d/%m/%Y}</h1>{filtre}{rendre_tableau_de_bord(i, noms, precedent)}{attente}")

    @responsable
    async def pilotage_csv(request: web.Request) -> web.Response:
        du, au = periode(request)
        noms = await asyncio.to_thread(libelles, config.dossier_domaine)
        return web.Response(text=en_csv(await indicateurs(du, au), noms), content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": f'attachment; filename="guichet-{du}-{au}.csv"'})

    app = web.Application(client_max_size=64 * 1024, middlewares=[entetes_securite, meme_origine(config.cookie_securise)])
    if config.rasa is not None and config.url_grc is not None:
        if config.journal_audit is None:
            raise ValueError("the agents' console needs journal_audit (the access audit trail)")
        rasa_config, journal = config.rasa, config.journal_audit
        api_rasa = ApiRasa(rasa_config)
        grc = GrcEmbarquee(ConfigGrcEmbarquee(config.url_grc, semer_donnees_demo=False))
        relais = None
        if config.chatwoot is not None:
            relais = RelaisChatwoot(ClientChatwoot(config.chatwoot), LiensChatwoot(config.chatwoot.url_liens), api_rasa,
                                    config.secret_chatwoot)
            relais.ajouter_routes(app)

        async def ouvrir(app: web.Application) -> Any:
            await grc.preparer()  # schema migrations
            tache = asyncio.create_task(relais.boucle()) if relais is not None else None
            yield
            if tache is not None:
                tache.cancel()
                await relais.client.fermer()  # type: ignore[union-attr]
            await api_rasa.fermer()
            await grc.fermer()

        app.cleanup_ctx.append(ouvrir)
        ajouter_routes_agents(app, connecte, grc, api_rasa, journal,
                              lambda: dt.datetime.now(dt.timezone.utc), config.dossier_domaine)
    else:
        app.router.add_get("/", accueil)
    if config.widget is not None:
        ajouter_routes_widget(app, config.widget)
    app.router.add_get("/connexion", get_connexion)
    app.router.add_post("/connexion", post_connexion)
    app.router.add_post("/deconnexion", deconnexion)
    app.router.add_get("/pilotage", pilotage)
    app.router.add_get("/pilotage.csv", pilotage_csv)
    return app
