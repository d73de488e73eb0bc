"""Case status from Démarches Simplifiées (GraphQL API v2).

One query per lookup: ``dossier(number:)`` with its state, dates, motivation,
procedure title, and what the identity check compares: the one champ holding
the date of birth (by its champ id), or the applicant's account e-mail. The token is a Bearer token scoped to the procedures
(read access is enough); it is never logged. Failed identity checks are
counted locally (:mod:`connecteurs.essais_identite`): DS does not count them.
The states are DS's own vocabulary, which is the one Guichet's answers use.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connecteurs.client_http import ClientHttp, ReglagesHttp
from connecteurs.erreurs import ConfigurationInvalide, ReponseInvalide
from connecteurs.essais_identite import EssaisIdentite
from connecteurs.modeles import Dossier, EtatDossier, ResultatVerification

logger = logging.getLogger(__name__)

URL_OFFICIELLE = "https://www.demarches-simplifiees.fr/api/v2/graphql"
REQUETE_DOSSIER = """
query GuichetDossier($number: Int!, $champ: ID!) {
  dossier(number: $number) {
    number
    state
    dateDepot
    datePassageEnInstruction
    dateTraitement
    motivation
    demarche { title }
    usager { email }
    champs(id: $champ) {
      id
      stringValue
      ... on DateChamp { date }
    }
  }
}
"""
CODES_ACCES_REFUSE = {"unauthorized", "forbidden", "unauthenticated"}


@dataclass(frozen=True)
class ConfigDemarchesSimplifiees:
    jeton: str = field(repr=False)
    champ_date_naissance: str = ""  # the champ id (procedure's champDescriptors); needed for the date-of-birth check
    url: str = URL_OFFICIELLE
    reglages: ReglagesHttp = ReglagesHttp()

    def __post_init__(self) -> None:
        if not self.jeton:
            raise ValueError("GUICHET_DS_JETON is required")

    @classmethod
    def depuis_env(cls, env: Mapping[str, str] = os.environ, delai_s: float = 2.0) -> ConfigDemarchesSimplifiees:
        return cls(
            jeton=env.get("GUICHET_DS_JETON", ""),
            champ_date_naissance=env.get("GUICHET_DS_CHAMP_DATE_NAISSANCE", ""),
            url=(env.get("GUICHET_DS_URL") or URL_OFFICIELLE),
            reglages=ReglagesHttp(delai_s=delai_s),
        )


def _date(valeur: Any) -> dt.date | None:
    if not valeur:
        return None
    texte = str(valeur)
    try:
        return dt.datetime.fromisoformat(texte.replace("Z", "+00:00")).date() if "T" in texte else dt.date.fromisoformat(texte[:10])
    except ValueError:
        try:
            return dt.datetime.strptime(texte.strip(), "%d/%m/%Y").date()
        except ValueError:
            return None


class SuiviDemarchesSimplifiees:
    """:class:`connecteurs.interfaces.SuiviDossiers` over Démarches Simplifiées."""

    def __init__(self, config: ConfigDemarchesSimplifiees, essais: EssaisIdentite) -> None:
        self.config, self._essais = config, essais
        self._client = ClientHttp("demarches-simplifiees", config.url, config.reglages, {"Authorization": f"Bearer {config.jeton}"})

    async def fermer(self) -> None:
        await self._client.fermer()

    async def _dossier(self, numero: str) -> dict[str, Any] | None:
        # without a date champ, ask for a champ id that cannot exist: no personal champ is fetched
        variables = {"number": int(numero), "champ": self.config.champ_date_naissance or "aucun"}
        reponse = await self._client.envoyer(
            "POST", "", lecture=True,  # a GraphQL query is a read
            json_={"query": REQUETE_DOSSIER, "operationName": "GuichetDossier", "variables": variables},
        )
        if reponse.statut in (401, 403):
            raise ConfigurationInvalide(f"demarches-simplifiees: token refused (HTTP {reponse.statut})")
        corps = reponse.corps if isinstance(reponse.corps, dict) else None
        if corps is None:
            raise ReponseInvalide(f"demarches-simplifiees: unexpected answer (HTTP {reponse.statut})")
        erreurs = corps.get("errors") or []
        codes = {str((e.get("extensions") or {}).get("code", "")).lower() for e in erreurs if isinstance(e, dict)}
        if "not_found" in codes:
            return None
        if codes & CODES_ACCES_REFUSE:
            raise ConfigurationInvalide("demarches-simplifiees: the token has no access to this procedure or has expired")
        if erreurs or reponse.statut != 200:
            raise ReponseInvalide(f"demarches-simplifiees: GraphQL error (HTTP {reponse.statut}, {len(erreurs)} error(s))")
        dossier = (corps.get("data") or {}).get("dossier")
        if not isinstance(dossier, dict):
            raise ReponseInvalide("demarches-simplifiees: no dossier in the answer")
        return dossier

    async def dossier_existe(self, numero: str) -> bool:
        return await self._dossier(numero) is not None

    async def verifier_identite(self, numero: str, date_naissance: dt.date, source: str = "") -> ResultatVerification:
        if not self.config.champ_date_naissance:
            raise ConfigurationInvalide("demarches-simplifiees: GUICHET_DS_CHAMP_DATE_NAISSANCE is not set")

        def correspond(brut: Mapping[str, Any]) -> bool:
            champs = [c for c in brut.get("champs") or [] if isinstance(c, dict) and c.get("id") == self.config.champ_date_naissance]
            if not champs:
                raise ConfigurationInvalide("demarches-simplifiees: the configured date-of-birth champ is not in this case's procedure")
            attendue = _date(champs[0].get("date")) or _date(champs[0].get("stringValue"))
            return attendue is not None and attendue == date_naissance

        return await self._essais.verifier(numero, self._dossier, correspond, en_dossier, source)

    async def verifier_identite_courriel(self, numero: str, courriel: str, source: str = "") -> ResultatVerification:
        def correspond(brut: Mapping[str, Any]) -> bool:
            attendu = str(((brut.get("usager") or {}).get("email")) or "").strip().lower()
            return bool(attendu) and attendu == courriel.strip().lower()

        return await self._essais.verifier(numero, self._dossier, correspond, en_dossier, source)


def en_dossier(numero: str, brut: Mapping[str, Any]) -> Dossier:
    """DS's dossier in Guichet's model (same state names, the dates the answers say)."""
    try:
        etat = EtatDossier(str(brut["state"]))
        depot = _date(brut["dateDepot"])
    except (KeyError, ValueError):
        raise ReponseInvalide("demarches-simplifiees: dossier without a known state or deposit date") from None
    if depot is None:
        raise ReponseInvalide("demarches-simplifiees: unreadable deposit date")
    etapes = [d for d in (_date(brut.get("dateTraitement")), _date(brut.get("datePassageEnInstruction")), depot) if d]
    titre = str(((brut.get("demarche") or {}).get("title")) or "votre démarche")
    motif = brut.get("motivation") if etat in (EtatDossier.REFUSE, EtatDossier.SANS_SUITE) else None
    return Dossier(
        numero=numero, intitule=titre, etat=etat, date_depot=depot, date_derniere_etape=max(etapes),
        motif=str(motif) if motif else None,
    )
