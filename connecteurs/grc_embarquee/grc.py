"""GrcEmbarquee: every connecteur capability on one SQLite database.

Each call opens its own connection in a worker thread (``asyncio.to_thread``),
so the event loop never blocks and concurrent requests are safe: WAL journal,
a busy timeout, and ``BEGIN IMMEDIATE`` around read-then-write sequences.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

from connecteurs.adresse import normaliser_adresse
from connecteurs.erreurs import ConfigurationInvalide, ConnecteurIndisponible, EscaladeDejaPrise, EscaladeInconnue
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
    IssueVerification,
    NouveauSignalement,
    NouvelleReclamation,
    Reclamation,
    ResultatVerification,
    Satisfaction,
    Signalement,
    TypeEscalade,
)
from connecteurs.sqlite_hors_boucle import executer

logger = logging.getLogger(__name__)
T = TypeVar("T")
Horloge = Callable[[], dt.datetime]


def _maintenant() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class ConfigGrcEmbarquee:
    chemin_base: Path
    essais_identite: int = 3
    duree_verrou: dt.timedelta = dt.timedelta(minutes=15)
    delai_reponse_reclamation_jours: int = 15
    semer_donnees_demo: bool = True

    def __post_init__(self) -> None:
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

    @classmethod
    async def ouvrir(cls, config: ConfigGrcEmbarquee, horloge: Horloge = _maintenant) -> "GrcEmbarquee":
        grc = cls(config, horloge)
        await asyncio.to_thread(grc._initialiser)
        return grc

    async def fermer(self) -> None:
        """Nothing is held open between calls."""

    # -- plumbing ---------------------------------------------------------------
    def _connexion(self) -> sqlite3.Connection:
        connexion = sqlite3.connect(self.config.chemin_base, timeout=5.0, isolation_level=None)
        connexion.row_factory = sqlite3.Row
        connexion.execute("PRAGMA busy_timeout = 5000")
        connexion.execute("PRAGMA foreign_keys = ON")
        return connexion

    def _initialiser(self) -> None:
        self.config.chemin_base.parent.mkdir(parents=True, exist_ok=True)
        connexion = self._connexion()
        try:
            connexion.execute("PRAGMA journal_mode = WAL")
            migrer(connexion)
            if self.config.semer_donnees_demo and semer(connexion):
                logger.info("embedded GRC: demo data seeded in %s", self.config.chemin_base)
        finally:
            connexion.close()

    async def _executer(self, travail: Callable[[sqlite3.Connection], T]) -> T:
        return await executer(self._connexion, travail, "embedded GRC database")

    # -- SuiviDossiers ------------------------------------------------------------
    async def dossier_existe(self, numero: str) -> bool:
        def travail(c: sqlite3.Connection) -> bool:
            return c.execute("SELECT 1 FROM dossiers WHERE numero = ?", (numero,)).fetchone() is not None

        return await self._executer(travail)

    async def verifier_identite(self, numero: str, date_naissance: dt.date) -> ResultatVerification:
        maintenant = self._horloge()
        essais = self.config.essais_identite

        def travail(c: sqlite3.Connection) -> ResultatVerification:
            c.execute("BEGIN IMMEDIATE")
            try:
                ligne = c.execute("SELECT * FROM dossiers WHERE numero = ?", (numero,)).fetchone()
                if ligne is None:
                    c.execute("COMMIT")
                    return ResultatVerification(IssueVerification.INCONNU)
                verrou = c.execute(
                    "SELECT echecs, verrouille_jusqu_a FROM verrous_identite WHERE numero = ?", (numero,)
                ).fetchone()
                echecs = verrou["echecs"] if verrou else 0
                if verrou and verrou["verrouille_jusqu_a"]:
                    if dt.datetime.fromisoformat(verrou["verrouille_jusqu_a"]) > maintenant:
                        c.execute("COMMIT")
                        return ResultatVerification(IssueVerification.VERROUILLE)
                    echecs = 0  # the lock has expired: a fresh set of attempts
                if ligne["date_naissance_demandeur"] == date_naissance.isoformat():
                    c.execute("DELETE FROM verrous_identite WHERE numero = ?", (numero,))
                    c.execute("COMMIT")
                    return ResultatVerification(IssueVerification.CONFIRMEE, dossier=_dossier(ligne))
                echecs += 1
                jusqu_a = (maintenant + self.config.duree_verrou).isoformat() if echecs >= essais else None
                c.execute(
                    "INSERT INTO verrous_identite (numero, echecs, verrouille_jusqu_a) VALUES (?, ?, ?) "
                    "ON CONFLICT(numero) DO UPDATE SET echecs = excluded.echecs, verrouille_jusqu_a = excluded.verrouille_jusqu_a",
                    (numero, 0 if jusqu_a else echecs, jusqu_a),
                )
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
            if jusqu_a:
                logger.info("embedded GRC: case locked for %s after %d failed identity checks", self.config.duree_verrou, essais)
                return ResultatVerification(IssueVerification.VERROUILLE)
            return ResultatVerification(IssueVerification.REFUSEE, essais_restants=essais - echecs)

        return await self._executer(travail)

    async def verifier_identite_courriel(self, numero: str, courriel: str) -> ResultatVerification:
        raise ConfigurationInvalide("the embedded GRC checks identity by date of birth only (GUICHET_PREUVE_IDENTITE=date_naissance)")

    # -- Signalements ---------------------------------------------------------------
    async def chercher_doublon(self, categorie: CategorieSignalement, adresse: str) -> Signalement | None:
        cle = normaliser_adresse(adresse)

        def travail(c: sqlite3.Connection) -> Signalement | None:
            ligne = c.execute(
                "SELECT * FROM signalements WHERE categorie = ? AND adresse_normalisee = ? AND etat != 'resolu' "
                "ORDER BY id LIMIT 1",
                (categorie.value, cle),
            ).fetchone()
            return _signalement(ligne) if ligne else None

        return await self._executer(travail)

    async def creer_signalement(self, signalement: NouveauSignalement) -> Signalement:
        maintenant = self._horloge().isoformat()

        def travail(c: sqlite3.Connection) -> Signalement:
            with c:
                curseur = c.execute(
                    "INSERT INTO signalements (categorie, adresse, adresse_normalisee, description, etat, canal, sender_id, cree_le) "
                    "VALUES (?, ?, ?, ?, 'ouvert', ?, ?, ?)",
                    (
                        signalement.categorie.value,
                        signalement.adresse,
                        normaliser_adresse(signalement.adresse),
                        signalement.description,
                        signalement.canal,
                        signalement.sender_id,
                        maintenant,
                    ),
                )
            ligne = c.execute("SELECT * FROM signalements WHERE id = ?", (curseur.lastrowid,)).fetchone()
            return _signalement(ligne)

        return await self._executer(travail)

    async def abonner(self, numero_signalement: str, contact: str) -> None:
        identifiant = _id_depuis_numero(numero_signalement, "S")
        maintenant = self._horloge().isoformat()

        def travail(c: sqlite3.Connection) -> None:
            with c:
                c.execute(
                    "INSERT INTO abonnements (signalement_id, contact, cree_le) VALUES (?, ?, ?)",
                    (identifiant, contact, maintenant),
                )

        await self._executer(travail)

    # -- Reclamations ---------------------------------------------------------------
    async def creer_reclamation(self, reclamation: NouvelleReclamation) -> Reclamation:
        maintenant = self._horloge()
        delai = self.config.delai_reponse_reclamation_jours

        def travail(c: sqlite3.Connection) -> Reclamation:
            with c:
                curseur = c.execute(
                    "INSERT INTO reclamations (sujet, description, contact, canal, sender_id, delai_reponse_jours, cree_le) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        reclamation.sujet,
                        reclamation.description,
                        reclamation.contact,
                        reclamation.canal,
                        reclamation.sender_id,
                        delai,
                        maintenant.isoformat(),
                    ),
                )
            return Reclamation(f"R-{curseur.lastrowid:06d}", reclamation.sujet, delai, maintenant)

        return await self._executer(travail)

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

        def travail(c: sqlite3.Connection) -> Escalade:
            for _ in range(5):
                reference = f"{secrets.randbelow(10**8):08d}"
                try:
                    with c:
                        c.execute(
                            "INSERT INTO escalades (reference, type, sender_id, canal, creneau, telephone, contexte, cree_le) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (reference, type_, contexte.sender_id, contexte.canal, creneau, telephone, contexte_json, maintenant.isoformat()),
                        )
                    return Escalade(reference, maintenant)
                except sqlite3.IntegrityError:
                    continue
            raise ConnecteurIndisponible("could not allocate a unique escalation reference")

        return await self._executer(travail)

    # -- FileEscalades (the agents' console) -------------------------------------------
    async def escalades_ouvertes(self) -> list[EscaladeEnFile]:
        def travail(c: sqlite3.Connection) -> list[EscaladeEnFile]:
            lignes = c.execute(
                "SELECT * FROM escalades WHERE etat IN (?, ?) ORDER BY cree_le",
                (EtatEscalade.EN_ATTENTE.value, EtatEscalade.PRISE.value),
            ).fetchall()
            return [_escalade(ligne) for ligne in lignes]

        return await self._executer(travail)

    async def lire_escalade(self, reference: str) -> EscaladeEnFile | None:
        def travail(c: sqlite3.Connection) -> EscaladeEnFile | None:
            ligne = c.execute("SELECT * FROM escalades WHERE reference = ?", (reference,)).fetchone()
            return None if ligne is None else _escalade(ligne)

        return await self._executer(travail)

    async def prendre_escalade(self, reference: str, conseiller: str) -> EscaladeEnFile:
        maintenant = self._horloge().isoformat()

        def travail(c: sqlite3.Connection) -> EscaladeEnFile:
            c.execute("BEGIN IMMEDIATE")
            try:
                ligne = c.execute("SELECT * FROM escalades WHERE reference = ?", (reference,)).fetchone()
                if ligne is None:
                    raise EscaladeInconnue(f"no escalation {reference}")
                if ligne["etat"] == EtatEscalade.PRISE.value and ligne["conseiller"] == conseiller:
                    c.execute("COMMIT")
                    return _escalade(ligne)
                if ligne["etat"] != EtatEscalade.EN_ATTENTE.value:
                    raise EscaladeDejaPrise(f"escalation {reference} is {ligne['etat']}")
                c.execute(
                    "UPDATE escalades SET etat = ?, conseiller = ?, pris_le = ? WHERE reference = ?",
                    (EtatEscalade.PRISE.value, conseiller, maintenant, reference),
                )
                ligne = c.execute("SELECT * FROM escalades WHERE reference = ?", (reference,)).fetchone()
                c.execute("COMMIT")
                return _escalade(ligne)
            except BaseException:
                c.execute("ROLLBACK")
                raise

        return await self._executer(travail)

    async def terminer_escalade(self, reference: str, conseiller: str, etat: EtatEscalade) -> EscaladeEnFile:
        if etat not in (EtatEscalade.RENDUE, EtatEscalade.CLOSE):
            raise ValueError(f"an escalation ends as rendue or close, not {etat.value}")
        maintenant = self._horloge().isoformat()

        def travail(c: sqlite3.Connection) -> EscaladeEnFile:
            with c:
                curseur = c.execute(
                    "UPDATE escalades SET etat = ?, clos_le = ? WHERE reference = ? AND etat = ? AND conseiller = ?",
                    (etat.value, maintenant, reference, EtatEscalade.PRISE.value, conseiller),
                )
            ligne = c.execute("SELECT * FROM escalades WHERE reference = ?", (reference,)).fetchone()
            if ligne is None:
                raise EscaladeInconnue(f"no escalation {reference}")
            if curseur.rowcount != 1:
                raise EscaladeDejaPrise(f"escalation {reference} is {ligne['etat']}, not held by this agent")
            return _escalade(ligne)

        return await self._executer(travail)

    # -- Satisfactions ----------------------------------------------------------------
    async def enregistrer_satisfaction(self, satisfaction: Satisfaction) -> None:
        maintenant = self._horloge().isoformat()

        def travail(c: sqlite3.Connection) -> None:
            with c:
                c.execute(
                    "INSERT INTO satisfactions (sender_id, canal, note, cree_le) VALUES (?, ?, ?, ?)",
                    (satisfaction.sender_id, satisfaction.canal, satisfaction.note, maintenant),
                )

        await self._executer(travail)


def _escalade(ligne: sqlite3.Row) -> EscaladeEnFile:
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


def _dossier(ligne: sqlite3.Row) -> Dossier:
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


def _signalement(ligne: sqlite3.Row) -> Signalement:
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
