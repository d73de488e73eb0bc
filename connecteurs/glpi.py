"""Reports, complaints, escalations and callbacks as GLPI tickets (REST API, apirest.php).

Session flow: ``initSession`` with the App-Token and the user token gives a
Session-Token used by every call; an expired session (``ERROR_SESSION_TOKEN_INVALID``)
is renewed once. Tickets carry the conversation context in their content;
Guichet's reference is ``GLPI-<ticket id>``. Duplicate reports are found with
GLPI's search engine on the ticket title (category and normalised address) among
tickets that are not solved or closed. Tokens come from the environment and are
never logged.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connecteurs.client_http import ClientHttp, ReglagesHttp, Reponse
from connecteurs.erreurs import ConfigurationInvalide, ReponseInvalide
from connecteurs.modeles import (
    CategorieSignalement,
    ContexteConversation,
    DemandeRappel,
    Escalade,
    EtatSignalement,
    NouveauSignalement,
    NouvelleReclamation,
    Reclamation,
    Signalement,
)
from connecteurs.tickets import contenu_contexte, contenu_rappel, titre_signalement

logger = logging.getLogger(__name__)

TYPE_INCIDENT, TYPE_DEMANDE = 1, 2
# GLPI ticket statuses: 1 new, 2 processing (assigned), 3 processing (planned), 4 pending, 5 solved, 6 closed
ETATS = {1: EtatSignalement.OUVERT, 2: EtatSignalement.EN_COURS, 3: EtatSignalement.EN_COURS, 4: EtatSignalement.EN_COURS,
         5: EtatSignalement.RESOLU, 6: EtatSignalement.RESOLU}
CHAMP_TITRE, CHAMP_ID, CHAMP_STATUT, CHAMP_DATE = "1", "2", "12", "15"


@dataclass(frozen=True)
class ConfigGlpi:
    url: str  # https://glpi.example.org/apirest.php
    jeton_application: str = field(repr=False)
    jeton_utilisateur: str = field(repr=False)
    delai_reponse_reclamation_jours: int = 15
    reglages: ReglagesHttp = ReglagesHttp()

    def __post_init__(self) -> None:
        if not self.url or not self.jeton_application or not self.jeton_utilisateur:
            raise ValueError("GUICHET_GLPI_URL, GUICHET_GLPI_APP_TOKEN and GUICHET_GLPI_USER_TOKEN are required")

    @classmethod
    def depuis_env(cls, env: Mapping[str, str] = os.environ, delai_s: float = 2.0, delai_reclamation: int = 15) -> ConfigGlpi:
        return cls(
            url=env.get("GUICHET_GLPI_URL", ""), jeton_application=env.get("GUICHET_GLPI_APP_TOKEN", ""),
            jeton_utilisateur=env.get("GUICHET_GLPI_USER_TOKEN", ""), delai_reponse_reclamation_jours=delai_reclamation,
            reglages=ReglagesHttp(delai_s=delai_s),
        )


def _code_glpi(corps: Any) -> str:
    """GLPI errors are ["ERROR_CODE", "message"]."""
    return str(corps[0]) if isinstance(corps, list) and corps and isinstance(corps[0], str) else ""


def _date(valeur: Any) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(valeur))
    except ValueError:
        return dt.datetime.now()


class TicketsGlpi:
    """Signalements, Reclamations and Escalades over GLPI."""

    def __init__(self, config: ConfigGlpi) -> None:
        self.config = config
        self._client = ClientHttp("glpi", config.url, config.reglages, {"App-Token": config.jeton_application})
        self._session: str | None = None

    async def fermer(self) -> None:
        if self._session:
            try:
                await self._client.envoyer("GET", "/killSession", lecture=False, entetes={"Session-Token": self._session})
            except Exception:  # noqa: BLE001 - closing must not fail
                logger.info("glpi: session not killed")
        await self._client.fermer()

    async def _ouvrir_session(self) -> str:
        r = await self._client.envoyer(
            "GET", "/initSession", lecture=True, entetes={"Authorization": f"user_token {self.config.jeton_utilisateur}"}
        )
        if r.statut != 200 or not isinstance(r.corps, dict) or not r.corps.get("session_token"):
            raise ConfigurationInvalide(f"glpi: initSession refused ({_code_glpi(r.corps) or f'HTTP {r.statut}'})")
        self._session = str(r.corps["session_token"])
        return self._session

    async def _appel(self, methode: str, chemin: str, *, lecture: bool, **kwargs: Any) -> Reponse:
        session = self._session or await self._ouvrir_session()
        r = await self._client.envoyer(methode, chemin, lecture=lecture, entetes={"Session-Token": session}, **kwargs)
        if r.statut == 401 and _code_glpi(r.corps) == "ERROR_SESSION_TOKEN_INVALID":
            session = await self._ouvrir_session()  # expired: renew once
            r = await self._client.envoyer(methode, chemin, lecture=lecture, entetes={"Session-Token": session}, **kwargs)
        if r.statut in (401, 403):
            raise ConfigurationInvalide(f"glpi: access refused ({_code_glpi(r.corps) or f'HTTP {r.statut}'})")
        return r

    async def _creer_ticket(self, titre: str, contenu: str, type_: int) -> tuple[int, dt.datetime]:
        r = await self._appel(
            "POST", "/Ticket", lecture=False, json_={"input": {"name": titre, "content": contenu, "type": type_, "urgency": 3}}
        )
        if r.statut != 201 or not isinstance(r.corps, dict) or not isinstance(r.corps.get("id"), int):
            raise ReponseInvalide(f"glpi: ticket not created ({_code_glpi(r.corps) or f'HTTP {r.statut}'})")
        return int(r.corps["id"]), dt.datetime.now(dt.timezone.utc)

    # -- Signalements ---------------------------------------------------------------
    async def chercher_doublon(self, categorie: CategorieSignalement, adresse: str) -> Signalement | None:
        titre = titre_signalement(categorie, adresse)
        params = {
            "criteria[0][field]": CHAMP_TITRE, "criteria[0][searchtype]": "contains", "criteria[0][value]": titre,
            "criteria[1][link]": "AND", "criteria[1][field]": CHAMP_STATUT, "criteria[1][searchtype]": "equals",
            "criteria[1][value]": "notold",
            "forcedisplay[0]": CHAMP_ID, "forcedisplay[1]": CHAMP_STATUT, "forcedisplay[2]": CHAMP_DATE,
        }
        r = await self._appel("GET", "/search/Ticket", lecture=True, params=params)
        if r.statut not in (200, 206) or not isinstance(r.corps, dict):
            raise ReponseInvalide(f"glpi: search failed (HTTP {r.statut})")
        for ligne in r.corps.get("data") or []:
            if isinstance(ligne, dict) and str(ligne.get(CHAMP_TITRE, "")) == titre:
                statut = int(ligne.get(CHAMP_STATUT) or 1)
                return Signalement(
                    numero=f"GLPI-{ligne[CHAMP_ID]}", categorie=categorie, adresse=adresse, description="",
                    etat=ETATS.get(statut, EtatSignalement.OUVERT), cree_le=_date(ligne.get(CHAMP_DATE)),
                )
        return None

    async def creer_signalement(self, signalement: NouveauSignalement) -> Signalement:
        contenu = (
            f"Signalement reçu par Guichet (canal {signalement.canal}).\n\nCatégorie : {signalement.categorie.value}\n"
            f"Adresse : {signalement.adresse}\n\n{signalement.description}"
        )
        ident, cree = await self._creer_ticket(titre_signalement(signalement.categorie, signalement.adresse), contenu, TYPE_INCIDENT)
        return Signalement(f"GLPI-{ident}", signalement.categorie, signalement.adresse, signalement.description, EtatSignalement.OUVERT, cree)

    async def abonner(self, numero_signalement: str, contact: str) -> None:
        ident = _id(numero_signalement)
        r = await self._appel(
            "POST", f"/Ticket/{ident}/ITILFollowup", lecture=False,
            json_={"input": {"itemtype": "Ticket", "items_id": ident, "is_private": 1,
                             "content": f"Guichet : prévenir l'usager à la résolution ({contact})."}},
        )
        if r.statut == 404:
            raise ReponseInvalide(f"glpi: ticket {ident} not found")
        if r.statut != 201:
            raise ReponseInvalide(f"glpi: follow-up not added (HTTP {r.statut})")

    # -- Reclamations ---------------------------------------------------------------
    async def creer_reclamation(self, reclamation: NouvelleReclamation) -> Reclamation:
        contenu = (
            f"Réclamation reçue par Guichet (canal {reclamation.canal}).\n\nSujet : {reclamation.sujet}\n"
            f"Contact pour la réponse : {reclamation.contact}\n\n{reclamation.description}"
        )
        ident, cree = await self._creer_ticket(f"[Guichet réclamation] {reclamation.sujet}", contenu, TYPE_DEMANDE)
        return Reclamation(f"GLPI-{ident}", reclamation.sujet, self.config.delai_reponse_reclamation_jours, cree)

    # -- Escalades ----------------------------------------------------------------------
    async def creer_escalade(self, contexte: ContexteConversation) -> Escalade:
        ident, cree = await self._creer_ticket(
            f"[Guichet conseiller] conversation {contexte.canal}", contenu_contexte(contexte), TYPE_DEMANDE
        )
        return Escalade(f"GLPI-{ident}", cree)

    async def creer_rappel(self, demande: DemandeRappel) -> Escalade:
        ident, cree = await self._creer_ticket(f"[Guichet rappel] {demande.creneau.value}", contenu_rappel(demande), TYPE_DEMANDE)
        return Escalade(f"GLPI-{ident}", cree)


def _id(numero: str) -> int:
    if not numero.startswith("GLPI-") or not numero[5:].isdigit():
        raise ReponseInvalide(f"glpi: {numero!r} is not a GLPI ticket reference")
    return int(numero[5:])
