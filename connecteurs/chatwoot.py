"""Escalations and callbacks as Chatwoot conversations (Application API v1).

For collectivités that already run Chatwoot: an escalation creates a contact
and a conversation in an API-channel inbox (`POST /api/v1/accounts/{account}/
contacts`, then `/conversations` with the contact inbox's `source_id`), posts
the whole context as a private note (`/conversations/{id}/messages`,
`private: true`) and toggles the conversation open for agents
(`/conversations/{id}/toggle_status`). Guichet's reference is the conversation
id on 8 digits. Token: a Chatwoot user's access token (`api_access_token`
header) with access to the inbox (contact creation needs a user token).

The link between the Chatwoot conversation and the Rasa conversation is kept
in a small table (`LiensChatwoot`, in GUICHET_GRC_BASE or its own SQLite file), read by the console's relay
(guichet/console/relais_chatwoot.py), which forwards agents' replies to the
citizen (Chatwoot's webhook) and the citizen's messages to Chatwoot.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from configuration.chemins import dossier_donnees
from connecteurs.base_sql import BaseSql, dialecte, url_base
from connecteurs.client_http import ClientHttp, ReglagesHttp, Reponse
from connecteurs.erreurs import ConfigurationInvalide, ReponseInvalide
from connecteurs.modeles import ContexteConversation, DemandeRappel, Escalade
from connecteurs.tickets import contenu_contexte, contenu_rappel

logger = logging.getLogger(__name__)
STATUTS = frozenset({"open", "resolved", "pending", "snoozed"})


@dataclass(frozen=True)
class ConfigChatwoot:
    url: str  # https://chatwoot.example.org
    jeton: str = field(repr=False)
    compte: int  # account id
    boite: int  # inbox id (API channel)
    url_liens: str  # SQLAlchemy URL of the links table (connecteurs/base_sql.py)
    reglages: ReglagesHttp = ReglagesHttp()

    def __post_init__(self) -> None:
        dialecte(self.url_liens)
        if not self.url.startswith(("http://", "https://")) or not self.jeton:
            raise ValueError("GUICHET_CHATWOOT_URL (http/https) and GUICHET_CHATWOOT_JETON are required")
        if self.compte < 1 or self.boite < 1:
            raise ValueError("GUICHET_CHATWOOT_COMPTE and GUICHET_CHATWOOT_BOITE must be positive ids")

    @classmethod
    def depuis_env(cls, env: Mapping[str, str], dossier_donnees: Path, delai_s: float = 2.0) -> ConfigChatwoot:
        def identifiant(nom: str) -> int:
            brut = env.get(nom, "")
            if not brut.isdigit():
                raise ValueError(f"{nom} must be a number, got {brut!r}")
            return int(brut)

        return cls(url=env.get("GUICHET_CHATWOOT_URL", ""), jeton=env.get("GUICHET_CHATWOOT_JETON", ""),
                   compte=identifiant("GUICHET_CHATWOOT_COMPTE"), boite=identifiant("GUICHET_CHATWOOT_BOITE"),
                   url_liens=url_base(env, dossier_donnees, "chatwoot.sqlite3"), reglages=ReglagesHttp(delai_s=delai_s))


def config_chatwoot_depuis_env(env: Mapping[str, str] = os.environ) -> ConfigChatwoot | None:
    """The console's view: Chatwoot configured or not (GUICHET_ESCALADES=chatwoot)."""
    if env.get("GUICHET_ESCALADES") != "chatwoot":
        return None
    donnees = dossier_donnees(env)
    return ConfigChatwoot.depuis_env(env, donnees)


@dataclass(frozen=True)
class Lien:
    conversation: int
    sender_id: str
    canal: str
    reference: str
    dernier_horodatage: float  # last citizen message already forwarded to Chatwoot
    conseiller_annonce: bool
    actif: bool


@dataclass(frozen=True)
class Livraison:
    """One webhook delivery from Chatwoot, kept until it has been handled (Chatwoot does not retry)."""

    ident: str  # X-Chatwoot-Delivery
    corps: str  # the raw JSON body


class LiensChatwoot:
    """Chatwoot conversation ↔ Rasa conversation, shared by the action server and the console; and the
    deliveries received from Chatwoot, stored before they are handled so that none is lost."""

    SCHEMA = """CREATE TABLE IF NOT EXISTS liens_chatwoot (
        conversation INTEGER PRIMARY KEY, sender_id TEXT NOT NULL, canal TEXT NOT NULL, reference TEXT NOT NULL,
        dernier_horodatage DOUBLE PRECISION NOT NULL, conseiller_annonce INTEGER NOT NULL DEFAULT 0,
        actif INTEGER NOT NULL DEFAULT 1, cree_le TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS livraisons_chatwoot (
        livraison TEXT PRIMARY KEY, recue DOUBLE PRECISION NOT NULL, corps TEXT, traitee DOUBLE PRECISION)"""

    def __init__(self, url: str) -> None:
        self.base = BaseSql(url, "chatwoot links", self.SCHEMA, _nom_actuel)

    def _executer(self, sql: str, parametres: Mapping[str, Any]) -> tuple[list[dict[str, Any]], int]:
        """Rows (for a SELECT) and the number of rows changed, read before the transaction ends."""
        with self.base.ecrire() as c:
            resultat = c.execute(sa.text(sql), parametres)
            if resultat.returns_rows:
                return [dict(ligne) for ligne in resultat.mappings()], 0
            return [], int(resultat.rowcount)

    async def _lignes(self, sql: str, **parametres: Any) -> list[Lien]:
        lignes, _ = await self.base.executer(lambda: self._executer(sql, parametres))
        return [_lien(ligne) for ligne in lignes]

    async def _modifiees(self, sql: str, **parametres: Any) -> int:
        _, nombre = await self.base.executer(lambda: self._executer(sql, parametres))
        return nombre

    async def enregistrer(self, conversation: int, sender_id: str, canal: str, reference: str, depuis: float) -> None:
        await self._modifiees(
            "INSERT INTO liens_chatwoot (conversation, sender_id, canal, reference, dernier_horodatage, cree_le) "
            "VALUES (:c, :s, :canal, :r, :h, :t) ON CONFLICT (conversation) DO UPDATE SET sender_id = excluded.sender_id, "
            "canal = excluded.canal, reference = excluded.reference, dernier_horodatage = excluded.dernier_horodatage, "
            "conseiller_annonce = 0, actif = 1, cree_le = excluded.cree_le",
            c=conversation, s=sender_id, canal=canal, r=reference, h=depuis, t=dt.datetime.now(dt.timezone.utc).isoformat())

    async def lien(self, conversation: int) -> Lien | None:
        lignes = await self._lignes("SELECT * FROM liens_chatwoot WHERE conversation = :c", c=conversation)
        return lignes[0] if lignes else None

    async def actifs(self) -> list[Lien]:
        return await self._lignes("SELECT * FROM liens_chatwoot WHERE actif = 1 ORDER BY conversation")

    async def avancer(self, conversation: int, depuis: float, jusqu_a: float) -> bool:
        """Move the forwarding mark from `depuis` to `jusqu_a`; False when it is no longer at `depuis`
        (another console process has just forwarded that message): one process wins each message."""
        return await self._modifiees(
            "UPDATE liens_chatwoot SET dernier_horodatage = :a WHERE conversation = :c AND dernier_horodatage = :d",
            a=jusqu_a, c=conversation, d=depuis) == 1

    async def annoncer_conseiller(self, conversation: int) -> bool:
        """True the first time (the citizen is then told an agent joined)."""
        return await self._modifiees(
            "UPDATE liens_chatwoot SET conseiller_annonce = 1 WHERE conversation = :c AND conseiller_annonce = 0", c=conversation) == 1

    async def clore(self, conversation: int) -> bool:
        return await self._modifiees("UPDATE liens_chatwoot SET actif = 0 WHERE conversation = :c AND actif = 1", c=conversation) == 1

    # -- deliveries from Chatwoot ----------------------------------------------------------
    async def recevoir_livraison(self, livraison: Livraison, maintenant: float) -> bool:
        """Store a delivery before it is handled; False if it was already received (a replay or a duplicate)."""
        return await self._modifiees("INSERT INTO livraisons_chatwoot (livraison, recue, corps) VALUES (:l, :r, :c) "
                                     "ON CONFLICT (livraison) DO NOTHING",
                                     l=livraison.ident, r=maintenant, c=livraison.corps) == 1

    async def livraison_traitee(self, ident: str, maintenant: float) -> None:
        """Handled: the body is forgotten (it may hold an agent's words), the id kept a while against replays."""
        await self._modifiees("UPDATE livraisons_chatwoot SET traitee = :t, corps = NULL WHERE livraison = :l",
                              t=maintenant, l=ident)

    async def livraisons_en_attente(self, limite: int = 100) -> list[Livraison]:
        """Deliveries received but not handled yet (the Rasa server was unreachable), oldest first."""
        lignes, _ = await self.base.executer(lambda: self._executer(
            "SELECT livraison, corps FROM livraisons_chatwoot WHERE traitee IS NULL ORDER BY recue, livraison LIMIT :n",
            {"n": limite}))
        return [Livraison(str(ligne["livraison"]), str(ligne["corps"])) for ligne in lignes]

    async def oublier_livraisons(self, avant: float) -> int:
        """Handled deliveries' ids older than `avant` (the replay window is long past)."""
        return await self._modifiees("DELETE FROM livraisons_chatwoot WHERE traitee IS NOT NULL AND traitee < :a", a=avant)


def _nom_actuel(c: sa.engine.Connection) -> None:
    """A SQLite file of the first version names the table `liens`."""
    if c.dialect.name == "sqlite" and sa.inspect(c).has_table("liens"):
        c.exec_driver_sql("ALTER TABLE liens RENAME TO liens_chatwoot")


def _lien(ligne: Mapping[str, Any]) -> Lien:
    return Lien(ligne["conversation"], ligne["sender_id"], ligne["canal"], ligne["reference"], ligne["dernier_horodatage"],
                bool(ligne["conseiller_annonce"]), bool(ligne["actif"]))


class ClientChatwoot:
    """The few Application API calls Guichet makes."""

    def __init__(self, config: ConfigChatwoot) -> None:
        self.config = config
        self._http = ClientHttp("chatwoot", config.url, config.reglages, {"api_access_token": config.jeton})
        self._base = f"/api/v1/accounts/{config.compte}"

    async def fermer(self) -> None:
        await self._http.fermer()

    @staticmethod
    def _verifier(r: Reponse, quoi: str) -> Any:
        if r.statut in (401, 403):
            raise ConfigurationInvalide(f"chatwoot: token refused (HTTP {r.statut})")
        if r.statut == 404:
            raise ReponseInvalide(f"chatwoot: {quoi}: not found (account, inbox or conversation id)")
        if not 200 <= r.statut < 300:
            raise ReponseInvalide(f"chatwoot: {quoi} failed (HTTP {r.statut})")
        if not isinstance(r.corps, dict):
            raise ReponseInvalide(f"chatwoot: {quoi}: unexpected answer")
        return r.corps

    async def creer_contact(self, nom: str) -> tuple[int, str]:
        """(contact id, source id of its contact inbox)."""
        corps = self._verifier(await self._http.envoyer(
            "POST", f"{self._base}/contacts", lecture=False, json_={"inbox_id": self.config.boite, "name": nom}), "contact creation")
        try:
            charge = corps["payload"]
            return int(charge["contact"]["id"]), str(charge["contact_inbox"]["source_id"])
        except (KeyError, TypeError, ValueError):
            raise ReponseInvalide("chatwoot: contact created without id or source_id") from None

    async def creer_conversation(self, contact: int, source_id: str, attributs: Mapping[str, Any]) -> int:
        corps = self._verifier(await self._http.envoyer("POST", f"{self._base}/conversations", lecture=False, json_={
            "source_id": source_id, "inbox_id": self.config.boite, "contact_id": contact, "status": "pending",
            "additional_attributes": dict(attributs)}), "conversation creation")
        if not isinstance(corps.get("id"), int):
            raise ReponseInvalide("chatwoot: conversation created without id")
        return int(corps["id"])

    async def envoyer_message(self, conversation: int, contenu: str, *, type_: str, prive: bool = False) -> None:
        if type_ not in ("incoming", "outgoing"):
            raise ValueError(f"message_type is incoming or outgoing, not {type_!r}")
        self._verifier(await self._http.envoyer(
            "POST", f"{self._base}/conversations/{conversation}/messages", lecture=False,
            json_={"content": contenu, "message_type": type_, "private": prive}), "message")

    async def changer_statut(self, conversation: int, statut: str) -> None:
        if statut not in STATUTS:
            raise ValueError(f"unknown Chatwoot status {statut!r}")
        corps = self._verifier(await self._http.envoyer(
            "POST", f"{self._base}/conversations/{conversation}/toggle_status", lecture=False, json_={"status": statut}), "status")
        if (corps.get("payload") or {}).get("current_status") != statut:
            raise ReponseInvalide(f"chatwoot: conversation {conversation} did not become {statut}")


class EscaladesChatwoot:
    """connecteurs.interfaces.Escalades over Chatwoot."""

    def __init__(self, config: ConfigChatwoot) -> None:
        self.client, self.liens = ClientChatwoot(config), LiensChatwoot(config.url_liens)

    async def fermer(self) -> None:
        await self.client.fermer()

    async def _ouvrir(self, contexte: ContexteConversation, nom: str, note: str, type_: str) -> Escalade:
        contact, source_id = await self.client.creer_contact(nom)
        conversation = await self.client.creer_conversation(contact, source_id, {"guichet_canal": contexte.canal, "guichet_type": type_})
        reference = f"{conversation:08d}"
        depuis = max((t.horodatage for t in contexte.transcription), default=0.0)
        if type_ == "conversation" and contexte.canal != "voix":
            await self.liens.enregistrer(conversation, contexte.sender_id, contexte.canal, reference, depuis)
        await self.client.envoyer_message(conversation, f"Référence Guichet : {reference}\n\n{note}", type_="outgoing", prive=True)
        await self.client.changer_statut(conversation, "open")
        return Escalade(reference, dt.datetime.now(dt.timezone.utc))

    async def creer_escalade(self, contexte: ContexteConversation) -> Escalade:
        nom = "Appelant Guichet" if contexte.canal == "voix" else "Usager Guichet"
        return await self._ouvrir(contexte, nom, contenu_contexte(contexte), "conversation")

    async def creer_rappel(self, demande: DemandeRappel) -> Escalade:
        return await self._ouvrir(demande.contexte, "Demande de rappel Guichet", contenu_rappel(demande), "rappel")
