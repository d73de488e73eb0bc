"""Case status, reports and complaints in Publik (w.c.s., Entr'ouvert), over signed URLs.

- Case status: ``GET /api/forms/<formulaire>/<numéro>/`` gives the form's
  workflow status (name, and whether it is final: ``endpoint``); the identity
  check compares a configurable field (the date of birth, by its varname).
  Status names map to Guichet's states by configuration
  (``GUICHET_PUBLIK_ETATS="Nouveau=en_construction,En cours=en_instruction,…"``);
  an unmapped final status is a configuration error (the citizen is offered a
  human), an unmapped open one is "en instruction".
- Reports and complaints: ``POST /api/formdefs/<formulaire>/submit`` with the
  form's fields; duplicate reports: ``GET /api/forms/<formulaire>/list``
  filtered on the category and normalised address among pending forms;
  subscription: the form's webservice trigger (``/hooks/<déclencheur>/``).
Every URL is signed with the key shared with the site (:mod:`signature_publik`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from connecteurs.adresse import normaliser_adresse
from connecteurs.client_http import ClientHttp, ReglagesHttp, Reponse
from connecteurs.erreurs import ConfigurationInvalide, ReponseInvalide
from connecteurs.essais_identite import EssaisIdentite
from connecteurs.modeles import (
    CategorieSignalement,
    Dossier,
    EtatDossier,
    EtatSignalement,
    NouveauSignalement,
    NouvelleReclamation,
    Reclamation,
    ResultatVerification,
    Signalement,
)
from connecteurs.signature_publik import signer_query

logger = logging.getLogger(__name__)


def lire_etats(texte: str) -> dict[str, EtatDossier]:
    """"Nouveau=en_construction,En cours=en_instruction" → {name: state}."""
    etats = {}
    for morceau in filter(None, (m.strip() for m in texte.split(","))):
        nom, _, etat = morceau.rpartition("=")
        try:
            etats[nom.strip()] = EtatDossier(etat.strip())
        except ValueError:
            raise ValueError(f"GUICHET_PUBLIK_ETATS: {etat.strip()!r} is not one of {', '.join(e.value for e in EtatDossier)}") from None
    return etats


@dataclass(frozen=True)
class ConfigPublik:
    url: str  # https://demarches.ville.fr
    orig: str  # the name this client signs with (an "api-secrets" entry of the site)
    cle: str = field(repr=False)
    formulaire_dossiers: str = ""  # slug of the form whose status citizens ask
    champ_date_naissance: str = "date_de_naissance"
    champ_courriel: str = ""  # varname of an e-mail field; empty: the submitter's account e-mail (user.email)
    etats: Mapping[str, EtatDossier] = field(default_factory=dict)
    formulaire_signalements: str = ""
    formulaire_reclamations: str = ""
    declencheur_abonnement: str = "abonnement"
    delai_reponse_reclamation_jours: int = 15
    reglages: ReglagesHttp = ReglagesHttp()

    def __post_init__(self) -> None:
        if not self.url or not self.orig or not self.cle:
            raise ValueError("GUICHET_PUBLIK_URL, GUICHET_PUBLIK_ORIG and GUICHET_PUBLIK_CLE are required")

    @classmethod
    def depuis_env(cls, env: Mapping[str, str] = os.environ, delai_s: float = 2.0, delai_reclamation: int = 15) -> ConfigPublik:
        return cls(
            url=env.get("GUICHET_PUBLIK_URL", ""), orig=env.get("GUICHET_PUBLIK_ORIG", ""), cle=env.get("GUICHET_PUBLIK_CLE", ""),
            formulaire_dossiers=env.get("GUICHET_PUBLIK_FORMULAIRE_DOSSIERS", ""),
            champ_date_naissance=(env.get("GUICHET_PUBLIK_CHAMP_DATE_NAISSANCE") or "date_de_naissance"),
            champ_courriel=env.get("GUICHET_PUBLIK_CHAMP_COURRIEL", ""),
            etats=lire_etats(env.get("GUICHET_PUBLIK_ETATS", "")),
            formulaire_signalements=env.get("GUICHET_PUBLIK_FORMULAIRE_SIGNALEMENTS", ""),
            formulaire_reclamations=env.get("GUICHET_PUBLIK_FORMULAIRE_RECLAMATIONS", ""),
            declencheur_abonnement=(env.get("GUICHET_PUBLIK_DECLENCHEUR_ABONNEMENT") or "abonnement"),
            delai_reponse_reclamation_jours=delai_reclamation, reglages=ReglagesHttp(delai_s=delai_s),
        )


def _date(valeur: Any) -> dt.date | None:
    if not valeur:
        return None
    try:
        return dt.date.fromisoformat(str(valeur)[:10])
    except ValueError:
        return None


class Publik:
    """SuiviDossiers, Signalements and Reclamations over w.c.s."""

    def __init__(self, config: ConfigPublik, essais: EssaisIdentite | None = None) -> None:
        self.config, self._essais = config, essais
        self._client = ClientHttp("publik", config.url, config.reglages)

    async def fermer(self) -> None:
        await self._client.fermer()

    async def _appel(self, methode: str, chemin: str, *, lecture: bool, parametres: Mapping[str, str] | None = None,
                     json_: Any = None) -> Reponse:
        def signe() -> str:  # signed again for every attempt: w.c.s. refuses a nonce it has seen
            return f"{chemin}?{signer_query(dict(parametres or {}), self.config.cle, self.config.orig)}"

        r = await self._client.envoyer(methode, signe, lecture=lecture, json_=json_)
        if r.statut in (401, 403):
            detail = r.corps.get("err_desc") if isinstance(r.corps, dict) else None
            raise ConfigurationInvalide(f"publik: signed request refused (HTTP {r.statut}: {detail or 'access denied'})")
        return r

    # -- SuiviDossiers ---------------------------------------------------------------
    def _formulaire(self, slug: str, quoi: str) -> str:
        if not slug:
            raise ConfigurationInvalide(f"publik: no form configured for {quoi}")
        return slug

    async def _formulaire_dossier(self, numero: str) -> dict[str, Any] | None:
        slug = self._formulaire(self.config.formulaire_dossiers, "case status (GUICHET_PUBLIK_FORMULAIRE_DOSSIERS)")
        r = await self._appel("GET", f"/api/forms/{slug}/{int(numero)}/", lecture=True)
        if r.statut == 404:
            return None
        if r.statut != 200 or not isinstance(r.corps, dict):
            raise ReponseInvalide(f"publik: unexpected answer for a form (HTTP {r.statut})")
        return r.corps

    async def dossier_existe(self, numero: str) -> bool:
        return await self._formulaire_dossier(numero) is not None

    async def verifier_identite(self, numero: str, date_naissance: dt.date, source: str = "") -> ResultatVerification:
        def correspond(brut: Mapping[str, Any]) -> bool:
            champs = brut.get("fields") or {}
            if self.config.champ_date_naissance not in champs:
                raise ConfigurationInvalide(f"publik: field {self.config.champ_date_naissance!r} not in the form")
            return _date(champs.get(self.config.champ_date_naissance)) == date_naissance

        return await self._verifier(numero, correspond, source)

    async def verifier_identite_courriel(self, numero: str, courriel: str, source: str = "") -> ResultatVerification:
        def correspond(brut: Mapping[str, Any]) -> bool:
            if self.config.champ_courriel:
                attendu = (brut.get("fields") or {}).get(self.config.champ_courriel)
            else:
                attendu = (brut.get("user") or {}).get("email")
            return bool(attendu) and str(attendu).strip().lower() == courriel.strip().lower()

        return await self._verifier(numero, correspond, source)

    async def _verifier(self, numero: str, correspond: Callable[[Mapping[str, Any]], bool], source: str) -> ResultatVerification:
        if self._essais is None:
            raise ConfigurationInvalide("publik: no identity-attempt store")
        return await self._essais.verifier(numero, self._formulaire_dossier, correspond, self._en_dossier, source)

    def _en_dossier(self, numero: str, brut: Mapping[str, Any]) -> Dossier:
        statut = ((brut.get("workflow") or {}).get("status")) or {}
        nom = str(statut.get("name", ""))
        etat = self.config.etats.get(nom)
        if etat is None:
            if statut.get("endpoint"):
                raise ConfigurationInvalide(f"publik: final status {nom!r} has no mapping in GUICHET_PUBLIK_ETATS")
            etat = EtatDossier.EN_INSTRUCTION
        depot = _date(brut.get("receipt_time"))
        if depot is None:
            raise ReponseInvalide("publik: form without receipt_time")
        etape = _date(brut.get("last_update_time")) or depot
        return Dossier(numero=numero, intitule=str(brut.get("title") or "votre démarche"), etat=etat, date_depot=depot,
                       date_derniere_etape=max(etape, depot))

    # -- Signalements -------------------------------------------------------------------
    async def chercher_doublon(self, categorie: CategorieSignalement, adresse: str) -> Signalement | None:
        slug = self._formulaire(self.config.formulaire_signalements, "reports (GUICHET_PUBLIK_FORMULAIRE_SIGNALEMENTS)")
        r = await self._appel(
            "GET", f"/api/forms/{slug}/list", lecture=True,
            parametres={"filter": "pending", "filter-categorie": categorie.value, "filter-adresse_normalisee": normaliser_adresse(adresse)},
        )
        if r.statut != 200 or not isinstance(r.corps, (list, dict)):
            raise ReponseInvalide(f"publik: list failed (HTTP {r.statut})")
        formulaires = r.corps if isinstance(r.corps, list) else r.corps.get("data") or []
        for f in formulaires:
            if isinstance(f, dict) and "id" in f:
                return Signalement(f"P-{f['id']}", categorie, adresse, "", EtatSignalement.EN_COURS,
                                   dt.datetime.fromisoformat(str(f.get("receipt_time", "1970-01-01T00:00:00"))))
        return None

    async def _soumettre(self, slug: str, donnees: dict[str, str]) -> dict[str, Any]:
        r = await self._appel("POST", f"/api/formdefs/{slug}/submit", lecture=False, json_={"data": donnees})
        corps = r.corps if isinstance(r.corps, dict) else {}
        if r.statut != 200 or corps.get("err") != 0 or not isinstance(corps.get("data"), dict) or "id" not in corps["data"]:
            raise ReponseInvalide(f"publik: form not submitted (HTTP {r.statut}, {corps.get('err_desc') or 'no id'})")
        return corps["data"]

    async def creer_signalement(self, signalement: NouveauSignalement) -> Signalement:
        slug = self._formulaire(self.config.formulaire_signalements, "reports (GUICHET_PUBLIK_FORMULAIRE_SIGNALEMENTS)")
        cree = await self._soumettre(slug, {
            "categorie": signalement.categorie.value, "adresse": signalement.adresse,
            "adresse_normalisee": normaliser_adresse(signalement.adresse), "description": signalement.description,
            "canal": signalement.canal,
        })
        return Signalement(f"P-{cree['id']}", signalement.categorie, signalement.adresse, signalement.description,
                           EtatSignalement.OUVERT, dt.datetime.now(dt.timezone.utc))

    async def abonner(self, numero_signalement: str, contact: str) -> None:
        slug = self._formulaire(self.config.formulaire_signalements, "reports (GUICHET_PUBLIK_FORMULAIRE_SIGNALEMENTS)")
        if not numero_signalement.startswith("P-") or not numero_signalement[2:].isdigit():
            raise ReponseInvalide(f"publik: {numero_signalement!r} is not a Publik reference")
        r = await self._appel(
            "POST", f"/api/forms/{slug}/{numero_signalement[2:]}/hooks/{self.config.declencheur_abonnement}/", lecture=False,
            json_={"contact": contact},
        )
        if r.statut != 200:
            raise ReponseInvalide(f"publik: subscription trigger failed (HTTP {r.statut})")

    # -- Reclamations -------------------------------------------------------------------
    async def creer_reclamation(self, reclamation: NouvelleReclamation) -> Reclamation:
        slug = self._formulaire(self.config.formulaire_reclamations, "complaints (GUICHET_PUBLIK_FORMULAIRE_RECLAMATIONS)")
        cree = await self._soumettre(slug, {
            "sujet": reclamation.sujet, "description": reclamation.description, "contact": reclamation.contact,
            "canal": reclamation.canal,
        })
        return Reclamation(f"P-{cree['id']}", reclamation.sujet, self.config.delai_reponse_reclamation_jours,
                           dt.datetime.now(dt.timezone.utc))
