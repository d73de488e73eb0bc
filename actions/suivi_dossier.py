"""Case status: number, identity check (birth date, or the applicant's e-mail), then the status in plain French."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from babel.dates import format_date
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.appel_connecteur import appeler
from actions.config import PREUVE_COURRIEL
from actions.contact import normaliser_courriel
from actions.date_naissance import analyser_date_naissance
from actions.reponse_formulaire import extraire_reponse
from actions.source import source
from configuration.nombres_francais import date_en_lettres, lire_chiffres, nombre_en_mots
from configuration.numero_dossier import chiffres_entendus, lecture_chiffres, normaliser_numero_dossier
from configuration.preuves_identite import MASQUE
from connecteurs.erreurs import ErreurConnecteur
from connecteurs.modeles import IssueVerification, ResultatVerification

INDISPONIBLE = "indisponible"


def _date_longue(iso: str | None) -> str:
    return format_date(dt.date.fromisoformat(iso), format="long", locale="fr_FR") if iso else ""


def _date_iso(valeur: Any, aujourd_hui: dt.date) -> dt.date | None:
    """The date already parsed by the extraction (ISO form), if that is what this is."""
    try:
        date = dt.date.fromisoformat(valeur) if isinstance(valeur, str) and len(valeur) == 10 else None
    except ValueError:
        return None
    return date if date is not None and dt.date(1900, 1, 1) <= date <= aujourd_hui else None


def _date_parlee(iso: str | None) -> str:
    return date_en_lettres(dt.date.fromisoformat(iso)) if iso else ""


FIN_SANS_PREUVE = {"date_naissance": MASQUE, "courriel_identite": MASQUE}  # the check is over: ask no proof
# what an identity check leaves behind; cleared when another number is given
ETAT_IDENTITE = {"identite_verifiee": None, "verification_identite": None, "dossier": None}


def _masque_pose_par_l_action(valeur: Any, tracker: Tracker) -> bool:
    """The mask in a proof slot is only ever set with the check's outcome; typed by a citizen, it is no answer."""
    return valeur == MASQUE and tracker.get_slot("verification_identite") is not None


class ValiderFormulaireSuiviDossier(FormValidationAction):
    def name(self) -> str:
        return "validate_formulaire_suivi_dossier"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """The e-mail replaces the birth date when the back end checks identity by e-mail."""
        s = await services.obtenir()
        if s.config.preuve_identite == PREUVE_COURRIEL:
            return ["courriel_identite" if slot == "date_naissance" else slot for slot in domain_slots]
        return domain_slots

    async def extract_courriel_identite(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return extraire_reponse(tracker, "courriel_identite", normaliser_courriel)

    async def validate_courriel_identite(
        self, valeur: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _masque_pose_par_l_action(valeur, tracker):
            return {}
        courriel = normaliser_courriel(str(valeur or "")) if valeur != MASQUE else None
        if courriel is None:
            dispatcher.utter_message(response="utter_courriel_identite_invalide")
            return {"courriel_identite": None}
        s = await services.obtenir()
        numero = tracker.get_slot("numero_dossier")
        try:
            resultat = await appeler(
                "verifier_identite_courriel", s.grc.verifier_identite_courriel(numero, courriel, source(tracker)),
                s.config.delai_connecteur,
            )
        except ErreurConnecteur:
            return {**FIN_SANS_PREUVE, "verification_identite": INDISPONIBLE}
        return _apres_verification(resultat, "courriel_identite", "utter_identite_refusee_courriel", numero, dispatcher)

    async def extract_numero_dossier(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        forme = (await services.obtenir()).config.forme_numero
        return extraire_reponse(tracker, "numero_dossier", lambda texte: normaliser_numero_dossier(texte, forme))

    async def extract_date_naissance(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        s = await services.obtenir()
        texte = str((tracker.latest_message or {}).get("text") or "")
        # dateparser is CPU work: off the event loop, once, and its verdict reused
        date = await asyncio.to_thread(analyser_date_naissance, texte, s.horloge().date())
        extrait = extraire_reponse(tracker, "date_naissance", lambda _texte: date)
        if date is not None and extrait:
            extrait["date_naissance"] = date.isoformat()  # validation reuses the parse
        return extrait

    async def validate_numero_dossier(
        self, valeur: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        forme = (await services.obtenir()).config.forme_numero
        numero = normaliser_numero_dossier(str(valeur or ""), forme)
        if numero is None:
            entendus = chiffres_entendus(str(valeur or ""))
            forme_dite = {"description_numero": forme.description, "description_numero_voix": forme.description_voix}
            if entendus:  # digits, but not as many: say back what was understood (in pairs on the phone) and ask again
                dispatcher.utter_message(response="utter_numero_dossier_incomplet", **lecture_chiffres(entendus), **forme_dite)
            else:
                dispatcher.utter_message(response="utter_numero_dossier_invalide", **forme_dite)
            return {"numero_dossier": None}
        # whether the case exists is never said before the identity check (no existence oracle):
        # an unknown number gets the same answer as a wrong date, under the same lockout rule
        return {"numero_dossier": numero, **ETAT_IDENTITE}  # a check made for another number proves nothing here

    async def validate_date_naissance(
        self, valeur: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        s = await services.obtenir()
        if _masque_pose_par_l_action(valeur, tracker):  # set by this action when the check ended without a date to ask
            return {}
        aujourd_hui = s.horloge().date()
        date = None if valeur == MASQUE else (
            _date_iso(valeur, aujourd_hui) or await asyncio.to_thread(analyser_date_naissance, str(valeur or ""), aujourd_hui))
        if date is None:
            dispatcher.utter_message(response="utter_date_invalide")
            return {"date_naissance": None}
        numero = tracker.get_slot("numero_dossier")
        try:
            resultat = await appeler("verifier_identite", s.grc.verifier_identite(numero, date, source(tracker)),
                                     s.config.delai_connecteur)
        except ErreurConnecteur:
            return {**FIN_SANS_PREUVE, "verification_identite": INDISPONIBLE}
        return _apres_verification(resultat, "date_naissance", "utter_identite_refusee", numero, dispatcher)


def _apres_verification(
    resultat: ResultatVerification, slot: str, reponse_refus: str, numero: str, dispatcher: CollectingDispatcher
) -> dict[str, Any]:
    """Slots after an identity check; the proof given is masked as soon as it has been used."""
    if resultat.issue is IssueVerification.CONFIRMEE and resultat.dossier is not None:
        return {
            **FIN_SANS_PREUVE,
            "identite_verifiee": True,
            "verification_identite": resultat.issue.value,
            "dossier": resultat.dossier.en_dict(),
        }
    if resultat.issue is IssueVerification.REFUSEE:
        dispatcher.utter_message(
            response=reponse_refus, essais=resultat.essais_restants, essais_voix=nombre_en_mots(resultat.essais_restants),
            numero=numero, numero_voix=lire_chiffres(numero),
        )
        return {slot: None, "identite_verifiee": False, "verification_identite": resultat.issue.value}
    if resultat.issue is IssueVerification.INCONNU:
        dispatcher.utter_message(response="utter_dossier_inconnu", numero=numero)
        return {"numero_dossier": None, slot: None}
    return {**FIN_SANS_PREUVE, "identite_verifiee": False, "verification_identite": resultat.issue.value}


def _reponse_statut(dossier: dict) -> str:  # type: ignore[type-arg]
    """The status answer; back ends that give no missing document or decision date get the variant without it."""
    etat = dossier["etat"]
    if etat == "en_construction" and not dossier.get("piece_manquante"):
        return "utter_statut_en_construction_sans_piece"
    if etat == "en_instruction" and not dossier.get("date_decision_annoncee"):
        return "utter_statut_en_instruction_sans_date"
    return f"utter_statut_{etat}"


class ActionStatutDossier(Action):
    """Says the status, only after a confirmed identity check."""

    def name(self) -> str:
        return "action_statut_dossier"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        verification = tracker.get_slot("verification_identite")
        dossier = tracker.get_slot("dossier")
        numero = tracker.get_slot("numero_dossier")
        if (verification == IssueVerification.CONFIRMEE.value and tracker.get_slot("identite_verifiee") and dossier
                and dossier.get("numero") == numero):
            dispatcher.utter_message(
                response=_reponse_statut(dossier),
                numero=dossier["numero"],
                numero_voix=lire_chiffres(dossier["numero"]),
                intitule=dossier["intitule"],
                date_etape=_date_longue(dossier["date_derniere_etape"]),
                date_etape_voix=_date_parlee(dossier["date_derniere_etape"]),
                date_decision=_date_longue(dossier.get("date_decision_annoncee")),
                date_decision_voix=_date_parlee(dossier.get("date_decision_annoncee")),
                motif=dossier.get("motif") or "",
                piece_manquante=dossier.get("piece_manquante") or "",
            )
        elif verification == IssueVerification.VERROUILLE.value:
            dispatcher.utter_message(response="utter_dossier_verrouille")
        else:
            dispatcher.utter_message(response="utter_service_indisponible")
        # the outcome stays for the agents' context; another number resets it (validate_numero_dossier)
        return [SlotSet("numero_dossier", None), SlotSet("date_naissance", None)]
