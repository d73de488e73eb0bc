"""Reports, complaints, escalations and callbacks as Zammad tickets (REST API v1).

Token authentication (``Authorization: Token token=…``, an agent token with
``ticket.agent`` rights on the configured group). Each ticket gets a first
article holding the citizen's text or the conversation context; Guichet's
reference is ``Z-<ticket number>``. Duplicate reports: search on the ticket
title (category and normalised address) among tickets that are not closed.
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
ETATS_FERMES = {"closed", "merged", "removed"}
ETATS = {"new": EtatSignalement.OUVERT, "open": EtatSignalement.EN_COURS, "pending reminder": EtatSignalement.EN_COURS,
         "pending close": EtatSignalement.EN_COURS, "closed": EtatSignalement.RESOLU}


@dataclass(frozen=True)
class ConfigZammad:
    url: str  # https://zammad.example.org
    jeton: str = field(repr=False)
    groupe: str = "Users"
    client_par_defaut: str = ""  # customer email used when the citizen gave none (e.g. guichet@mairie.fr)
    delai_reponse_reclamation_jours: int = 15
    reglages: ReglagesHttp = ReglagesHttp()

    def __post_init__(self) -> None:
        if not self.url or not self.jeton or not self.client_par_defaut:
            raise ValueError("GUICHET_ZAMMAD_URL, GUICHET_ZAMMAD_JETON and GUICHET_ZAMMAD_CLIENT are required")

    @classmethod
    def depuis_env(cls, env: Mapping[str, str] = os.environ, delai_s: float = 2.0, delai_reclamation: int = 15) -> ConfigZammad:
        return cls(
            url=env.get("GUICHET_ZAMMAD_URL", ""), jeton=env.get("GUICHET_ZAMMAD_JETON", ""),
            groupe=(env.get("GUICHET_ZAMMAD_GROUPE") or "Users"), client_par_defaut=env.get("GUICHET_ZAMMAD_CLIENT", ""),
            delai_reponse_reclamation_jours=delai_reclamation, reglages=ReglagesHttp(delai_s=delai_s),
        )


def _date(valeur: Any) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(valeur).replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.now(dt.timezone.utc)


class TicketsZammad:
    """Signalements, Reclamations and Escalades over Zammad."""

    def __init__(self, config: ConfigZammad) -> None:
        self.config = config
        self._client = ClientHttp("zammad", config.url, config.reglages, {"Authorization": f"Token token={config.jeton}"})

    async def fermer(self) -> None:
        await self._client.fermer()

    def _verifier(self, r: Reponse, attendu: int, quoi: str) -> Any:
        if r.statut in (401, 403):
            raise ConfigurationInvalide(f"zammad: token refused (HTTP {r.statut})")
        if r.statut != attendu:
            raise ReponseInvalide(f"zammad: {quoi} failed (HTTP {r.statut})")
        return r.corps

    async def _creer(self, titre: str, corps: str, client: str | None, etiquette: str) -> dict[str, Any]:
        ticket = {
            "title": titre, "group": self.config.groupe,
            "customer_id": f"guess:{client or self.config.client_par_defaut}",
            "article": {"subject": titre, "body": corps, "type": "note", "internal": False},
            "tags": f"guichet,{etiquette}",
        }
        cree = self._verifier(await self._client.envoyer("POST", "/api/v1/tickets", lecture=False, json_=ticket), 201, "ticket creation")
        if not isinstance(cree, dict) or "id" not in cree or "number" not in cree:
            raise ReponseInvalide("zammad: created ticket without id or number")
        return cree

    # -- Signalements ---------------------------------------------------------------
    async def chercher_doublon(self, categorie: CategorieSignalement, adresse: str) -> Signalement | None:
        titre = titre_signalement(categorie, adresse)
        r = await self._client.envoyer(
            "GET", "/api/v1/tickets/search", lecture=True, params={"query": f'title:"{titre}"', "expand": "true", "limit": "20"}
        )
        trouves = self._verifier(r, 200, "search")
        if not isinstance(trouves, list):
            raise ReponseInvalide("zammad: search did not return a list of tickets")
        for t in trouves:
            if isinstance(t, dict) and t.get("title") == titre and t.get("state") not in ETATS_FERMES:
                return Signalement(f"Z-{t['number']}", categorie, adresse, "", ETATS.get(str(t.get("state")), EtatSignalement.OUVERT),
                                   _date(t.get("created_at")))
        return None

    async def creer_signalement(self, signalement: NouveauSignalement) -> Signalement:
        corps = f"Catégorie : {signalement.categorie.value}\nAdresse : {signalement.adresse}\n\n{signalement.description}"
        cree = await self._creer(titre_signalement(signalement.categorie, signalement.adresse), corps, None, "signalement")
        return Signalement(f"Z-{cree['number']}", signalement.categorie, signalement.adresse, signalement.description,
                           EtatSignalement.OUVERT, _date(cree.get("created_at")))

    async def abonner(self, numero_signalement: str, contact: str) -> None:
        if not numero_signalement.startswith("Z-"):
            raise ReponseInvalide(f"zammad: {numero_signalement!r} is not a Zammad reference")
        r = await self._client.envoyer(
            "GET", "/api/v1/tickets/search", lecture=True, params={"query": f"number:{numero_signalement[2:]}", "expand": "true"}
        )
        trouves = self._verifier(r, 200, "search")
        if not trouves:
            raise ReponseInvalide(f"zammad: ticket {numero_signalement} not found")
        article = {"ticket_id": trouves[0]["id"], "body": f"Guichet : prévenir l'usager à la résolution ({contact}).",
                   "type": "note", "internal": True}
        self._verifier(await self._client.envoyer("POST", "/api/v1/ticket_articles", lecture=False, json_=article), 201, "note")

    # -- Reclamations ---------------------------------------------------------------
    async def creer_reclamation(self, reclamation: NouvelleReclamation) -> Reclamation:
        client = reclamation.contact if "@" in reclamation.contact else None
        corps = f"Contact pour la réponse : {reclamation.contact}\n\n{reclamation.description}"
        cree = await self._creer(f"[Guichet réclamation] {reclamation.sujet}", corps, client, "reclamation")
        return Reclamation(f"Z-{cree['number']}", reclamation.sujet, self.config.delai_reponse_reclamation_jours, _date(cree.get("created_at")))

    # -- Escalades ----------------------------------------------------------------------
    async def creer_escalade(self, contexte: ContexteConversation) -> Escalade:
        cree = await self._creer(f"[Guichet conseiller] conversation {contexte.canal}", contenu_contexte(contexte), None, "escalade")
        return Escalade(f"Z-{cree['number']}", _date(cree.get("created_at")))

    async def creer_rappel(self, demande: DemandeRappel) -> Escalade:
        cree = await self._creer(f"[Guichet rappel] {demande.creneau.value}", contenu_rappel(demande), None, "rappel")
        return Escalade(f"Z-{cree['number']}", _date(cree.get("created_at")))
