"""GrcEmbarquee: every connecteur capability on one SQL database (SQLite file or PostgreSQL).

Each call runs in a worker thread (``asyncio.to_thread``) on a pooled
connection, so the event loop never blocks. Read-then-write sequences run in
one write transaction: SQLite's ``BEGIN IMMEDIATE`` serialises them, and on
PostgreSQL the rows read are locked ``FOR UPDATE`` (connecteurs/base_sql.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from connecteurs.adresse import normaliser_adresse
from connecteurs.base_sql import BaseSql, dialecte
from connecteurs.erreurs import ConfigurationInvalide, ConnecteurIndisponible, EscaladeDejaPrise, EscaladeInconnue
from connecteurs.essais_identite import ConfigEssais, EssaisIdentite
from connecteurs.grc_embarquee.donnees_demo import semer
from connecteurs.grc_embarquee.schema import migrer
from connecteurs.modeles import (
    CategorieSignalement,
    ContexteConversation,
    DemandeRappel,
    Dossier,
    Escalade,
    EscaladeEnFile,
    EtatDossier,
    EtatEscalade,
    EtatSignalement,
    NouveauSignalement,
    NouvelleReclamation,
    Reclamation,
    ResultatVerification,
    Satisfaction,
    Signalement,
    TypeEscalade,
)

logger = logging.getLogger(__name__)
Horloge = Callable[[], dt.datetime]
Ligne = Mapping[str, Any]
requete = sa.text


def _maintenant() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class ConfigGrcEmbarquee:
    url: str  # SQLAlchemy URL: sqlite:////…/grc.sqlite3 (default) or postgresql://…
    essais_identite: int = 3
    duree_verrou: dt.timedelta = dt.timedelta(minutes=15)
    delai_reponse_reclamation_jours: int = 15
    semer_donnees_demo: bool = True
    regle_essais: ConfigEssais | None = None  # the one lockout rule (connecteurs/essais_identite.py); None: 3 / 15 min in this base

    def __post_init__(self) -> None:
        dialecte(self.url)
        if self.essais_identite < 1:
            raise ValueError("essais_identite must be at least 1")
        if self.duree_verrou <= dt.timedelta(0):
            raise ValueError("duree_verrou must be positive")
        if self.delai_reponse_reclamation_jours < 1:
            raise ValueError("delai_reponse_reclamation_jours must be at least 1")


class GrcEmbarquee:
    """The embedded GRC. Create with :meth:`ouvrir` (creates and migrates the base)."""

    def __init__(self, config: ConfigGrcEmbarquee, horloge: Horloge = _maintenant) -> None:
        self.config = config
        self._horloge = horloge
        self.base = BaseSql(config.url, "embedded GRC database")
        self.essais = EssaisIdentite(config.regle_essais or ConfigEssais(config.url, config.essais_identite, config.duree_verrou),
                                     horloge)

    @classmethod
    async def ouvrir(cls, config: ConfigGrcEmbarquee, horloge: Horloge = _maintenant) -> GrcEmbarquee:
        grc = cls(config, horloge)
        await grc.preparer()
        return grc

    async def preparer(self) -> None:
        """Create or migrate the schema (and seed the demo data when configured)."""
        await self.base.executer(self._initialiser)

    async def fermer(self) -> None:
        await asyncio.to_thread(self.base.fermer)
        await asyncio.to_thread(self.essais.base.fermer)

    def _initialiser(self) -> None:
        migrer(self.base)
        if self.config.semer_donnees_demo:
            with self.base.ecrire() as c:
                self.base.un_seul_processus(c)
                if semer(c):
                    logger.info("embedded GRC: demo data seeded (%s)", self.base.dialecte)

    def _une(self, connexion: sa.engine.Connection, sql: str, /, **parametres: Any) -> Ligne | None:
        ligne: Ligne | None = connexion.execute(requete(sql), parametres).mappings().first()
        return ligne

    # -- SuiviDossiers ------------------------------------------------------------
    async def dossier_existe(self, numero: str) -> bool:
        def travail() -> bool:
            with self.base.lire() as c:
                return self._une(c, "SELECT 1 AS oui FROM dossiers WHERE numero = :n", n=numero) is not None

        return await self.base.executer(travail)

    async def verifier_identite(self, numero: str, date_naissance: dt.date, source: str = "") -> ResultatVerification:
        """The birth date against the case, under the one lockout rule (connecteurs/essais_identite.py)."""

        async def lire(numero: str) -> Ligne | None:
            def travail() -> Ligne | None:
                with self.base.lire() as c:
                    return self._une(c, "SELECT * FROM dossiers WHERE numero = :n", n=numero)

            return await self.base.executer(travail)

        return await self.essais.verifier(numero, lire, lambda ligne: ligne["date_naissance_demandeur"] == date_naissance.isoformat(),
                                          lambda _numero, ligne: _dossier(ligne), source)

    async def verifier_identite_courriel(self, numero: str, courriel: str, source: str = "") -> ResultatVerification:
        raise ConfigurationInvalide("the embedded GRC checks identity by date of birth only (GUICHET_PREUVE_IDENTITE=date_naissance)")

    # -- Signalements ---------------------------------------------------------------
    async def chercher_doublon(self, categorie: CategorieSignalement, adresse: str) -> Signalement | None:
        cle = normaliser_adresse(adresse)

        def travail() -> Signalement | None:
            with self.base.lire() as c:
                ligne = self._une(
                    c, "SELECT * FROM signalements WHERE categorie = :c AND adresse_normalisee = :a AND etat <> 'resolu' "
                    "ORDER BY id LIMIT 1", c=categorie.value, a=cle)
            return _signalement(ligne) if ligne else None

        return await self.base.executer(travail)

    async def creer_signalement(self, signalement: NouveauSignalement) -> Signalement:
        maintenant = self._horloge().isoformat()

        def travail() -> Signalement:
            with self.base.ecrire() as c:
                ligne = self._une(
                    c, "INSERT INTO signalements (categorie, adresse, adresse_normalisee, description, etat, canal, sender_id, cree_le) "
                    "VALUES (:c, :a, :n, :d, 'ouvert', :canal, :s, :t) RETURNING *",
                    c=signalement.categorie.value, a=signalement.adresse, n=normaliser_adresse(signalement.adresse),
                    d=signalement.description, canal=signalement.canal, s=signalement.sender_id, t=maintenant)
            if ligne is None:  # RETURNING gives the inserted row: only a broken database returns none
                raise ConnecteurIndisponible("embedded GRC database: the report was not stored")
            return _signalement(ligne)

        return await self.base.executer(travail)

    async def abonner(self, numero_signalement: str, contact: str) -> None:
        identifiant = _id_depuis_numero(numero_signalement, "S")
        maintenant = self._horloge().isoformat()

        def travail() -> None:
            with self.base.ecrire() as c:
                c.execute(requete("INSERT INTO abonnements (signalement_id, contact, cree_le) VALUES (:i, :c, :t)"),
                          {"i": identifiant, "c": contact, "t": maintenant})

        await self.base.executer(travail)

    # -- Reclamations ---------------------------------------------------------------
    async def creer_reclamation(self, reclamation: NouvelleReclamation) -> Reclamation:
        maintenant = self._horloge()
        delai = self.config.delai_reponse_reclamation_jours

        def travail() -> int:
            with self.base.ecrire() as c:
                return int(c.execute(requete(
                    "INSERT INTO reclamations (sujet, description, contact, canal, sender_id, delai_reponse_jours, cree_le) "
                    "VALUES (:sujet, :d, :contact, :canal, :s, :delai, :t) RETURNING id"
                ), {"sujet": reclamation.sujet, "d": reclamation.description, "contact": reclamation.contact,
                    "canal": reclamation.canal, "s": reclamation.sender_id, "delai": delai, "t": maintenant.isoformat()}).scalar_one())

        identifiant = await self.base.executer(travail)
        return Reclamation(f"R-{identifiant:06d}", reclamation.sujet, delai, maintenant)

    # -- Escalades ------------------------------------------------------------------
    async def creer_escalade(self, contexte: ContexteConversation) -> Escalade:
        return await self._inserer_escalade("conversation", contexte, None, None)

    async def creer_rappel(self, demande: DemandeRappel) -> Escalade:
        return await self._inserer_escalade("rappel", demande.contexte, demande.creneau.value, demande.telephone)

    async def _inserer_escalade(
        self, type_: str, contexte: ContexteConversation, creneau: str | None, telephone: str | None
    ) -> Escalade:
        maintenant = self._horloge()
        contexte_json = json.dumps(contexte.en_dict(), ensure_ascii=False, default=str)

        def travail() -> Escalade:
            for _ in range(5):
                reference = f"{secrets.randbelow(10**8):08d}"
                try:
                    with self.base.ecrire() as c:
                        c.execute(requete(
                            "INSERT INTO escalades (reference, type, sender_id, canal, creneau, telephone, contexte, cree_le) "
                            "VALUES (:r, :type, :s, :canal, :creneau, :tel, :contexte, :t)"
                        ), {"r": reference, "type": type_, "s": contexte.sender_id, "canal": contexte.canal, "creneau": creneau,
                            "tel": telephone, "contexte": contexte_json, "t": maintenant.isoformat()})
                    return Escalade(reference, maintenant)
                except sa.exc.IntegrityError:
                    continue  # that reference is taken: draw another
            raise ConnecteurIndisponible("could not allocate a unique escalation reference")

        return await self.base.executer(travail)

    # -- FileEscalades (the agents' console) -------------------------------------------
    async def escalades_ouvertes(self, limite: int | None = None, decalage: int = 0) -> list[EscaladeEnFile]:
        def travail() -> list[EscaladeEnFile]:
            page = " LIMIT :limite OFFSET :decalage" if limite is not None else ""
            with self.base.lire() as c:
                lignes = c.execute(requete("SELECT * FROM escalades WHERE etat IN (:a, :b) ORDER BY cree_le, reference" + page),
                                   {"a": EtatEscalade.EN_ATTENTE.value, "b": EtatEscalade.PRISE.value,
                                    "limite": limite, "decalage": decalage}).mappings().all()
            return [_escalade(ligne) for ligne in lignes]

        return await self.base.executer(travail)

    async def compter_escalades_ouvertes(self) -> int:
        def travail() -> int:
            with self.base.lire() as c:
                return int(c.execute(requete("SELECT count(*) FROM escalades WHERE etat IN (:a, :b)"),
                                     {"a": EtatEscalade.EN_ATTENTE.value, "b": EtatEscalade.PRISE.value}).scalar_one())

        return await self.base.executer(travail)

    async def lire_escalade(self, reference: str) -> EscaladeEnFile | None:
        def travail() -> EscaladeEnFile | None:
            with self.base.lire() as c:
                ligne = self._une(c, "SELECT * FROM escalades WHERE reference = :r", r=reference)
            return None if ligne is None else _escalade(ligne)

        return await self.base.executer(travail)

    async def prendre_escalade(self, reference: str, conseiller: str) -> EscaladeEnFile:
        maintenant = self._horloge().isoformat()

        def travail() -> EscaladeEnFile:
            with self.base.ecrire() as c:
                ligne = self._une(c, "SELECT * FROM escalades WHERE reference = :r" + self.base.pour_maj(), r=reference)
                if ligne is None:
                    raise EscaladeInconnue(f"no escalation {reference}")
                if ligne["etat"] == EtatEscalade.PRISE.value and ligne["conseiller"] == conseiller:
                    return _escalade(ligne)
                if ligne["etat"] != EtatEscalade.EN_ATTENTE.value:
                    raise EscaladeDejaPrise(f"escalation {reference} is {ligne['etat']}")
                prise = self._une(c, "UPDATE escalades SET etat = :e, conseiller = :c, pris_le = :t WHERE reference = :r RETURNING *",
                                  e=EtatEscalade.PRISE.value, c=conseiller, t=maintenant, r=reference)
            if prise is None:  # the row is locked by this transaction: only a broken database returns none
                raise ConnecteurIndisponible("embedded GRC database: the take-over was not stored")
            return _escalade(prise)

        return await self.base.executer(travail)

    async def terminer_escalade(self, reference: str, conseiller: str, etat: EtatEscalade) -> EscaladeEnFile:
        if etat not in (EtatEscalade.RENDUE, EtatEscalade.CLOSE):
            raise ValueError(f"an escalation ends as rendue or close, not {etat.value}")
        maintenant = self._horloge().isoformat()

        def travail() -> EscaladeEnFile:
            with self.base.ecrire() as c:
                terminee = self._une(
                    c, "UPDATE escalades SET etat = :e, clos_le = :t WHERE reference = :r AND etat = :prise AND conseiller = :c "
                    "RETURNING *", e=etat.value, t=maintenant, r=reference, prise=EtatEscalade.PRISE.value, c=conseiller)
                if terminee is not None:
                    return _escalade(terminee)
                ligne = self._une(c, "SELECT etat FROM escalades WHERE reference = :r", r=reference)
            if ligne is None:
                raise EscaladeInconnue(f"no escalation {reference}")
            raise EscaladeDejaPrise(f"escalation {reference} is {ligne['etat']}, not held by this agent")

        return await self.base.executer(travail)

    # -- Satisfactions ----------------------------------------------------------------
    async def enregistrer_satisfaction(self, satisfaction: Satisfaction) -> None:
        maintenant = self._horloge().isoformat()

        def travail() -> None:
            with self.base.ecrire() as c:
                c.execute(requete("INSERT INTO satisfactions (sender_id, canal, note, cree_le) VALUES (:s, :c, :n, :t)"),
                          {"s": satisfaction.sender_id, "c": satisfaction.canal, "n": satisfaction.note, "t": maintenant})

        await self.base.executer(travail)


def _escalade(ligne: Ligne) -> EscaladeEnFile:
    def instant(texte: str | None) -> dt.datetime | None:
        return dt.datetime.fromisoformat(texte) if texte else None

    return EscaladeEnFile(
        reference=ligne["reference"],
        type=TypeEscalade(ligne["type"]),
        etat=EtatEscalade(ligne["etat"]),
        sender_id=ligne["sender_id"],
        canal=ligne["canal"],
        cree_le=dt.datetime.fromisoformat(ligne["cree_le"]),
        contexte=json.loads(ligne["contexte"]),
        creneau=ligne["creneau"],
        telephone=ligne["telephone"],
        conseiller=ligne["conseiller"],
        pris_le=instant(ligne["pris_le"]),
        clos_le=instant(ligne["clos_le"]),
    )


def _dossier(ligne: Ligne) -> Dossier:
    decision = ligne["date_decision_annoncee"]
    return Dossier(
        numero=ligne["numero"],
        intitule=ligne["intitule"],
        etat=EtatDossier(ligne["etat"]),
        date_depot=dt.date.fromisoformat(ligne["date_depot"]),
        date_derniere_etape=dt.date.fromisoformat(ligne["date_derniere_etape"]),
        date_decision_annoncee=dt.date.fromisoformat(decision) if decision else None,
        motif=ligne["motif"],
        piece_manquante=ligne["piece_manquante"],
    )


def _signalement(ligne: Ligne) -> Signalement:
    return Signalement(
        numero=f"S-{ligne['id']:06d}",
        categorie=CategorieSignalement(ligne["categorie"]),
        adresse=ligne["adresse"],
        description=ligne["description"],
        etat=EtatSignalement(ligne["etat"]),
        cree_le=dt.datetime.fromisoformat(ligne["cree_le"]),
    )


def _id_depuis_numero(numero: str, prefixe: str) -> int:
    if not numero.startswith(f"{prefixe}-") or not numero[2:].isdigit():
        raise ValueError(f"not a {prefixe}- number: {numero!r}")
    return int(numero[2:])
