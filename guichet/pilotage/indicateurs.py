"""The steering figures, from Rasa's tracker events.

Definitions (docs/pilotage.md):
- a conversation is a sender's events between two ``session_started`` events,
  dated by its first citizen message, in the channel of that message
  (``voix`` is the phone, anything else the chat);
- escalated: the bot handed over (``pause`` event or ``action_escalader``);
- abandoned: it ended while a form was still active;
- contained: neither escalated nor abandoned, and the same sender did not come
  back within 24 hours;
- free messages: what citizens wrote or said on their own — not an answer to a form's
  question (a report's category, a complaint's text, a birth date), not a button, not a
  trigger; intents are counted on those, a FAQ answer by its entry (``faq/<id>``);
- fallback rate: free messages the bot did not understand (``nlu_fallback``) among
  all free messages;
- unanswered questions: the texts of those messages, masked again (configuration/masquage.py);
- satisfaction: the ``note_satisfaction`` answers; case lookups: confirmed
  identity checks; reports by category: ``categorie_signalement`` when a
  report was created.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from configuration.masquage import masquer

RETOUR_S = 24 * 3600
CANAL_TELEPHONE = "voix"


def intention_affichee(message: Mapping[str, Any]) -> str | None:
    """The intent of a citizen message, a FAQ answer named by its entry (``faq/horaires_mairie``; also the first of
    two questions in one message, serveur_rasa/deux_questions.py)."""
    analyse = message.get("parse_data") or {}
    nom = (analyse.get("intent") or {}).get("name")
    if nom in ("faq", "deux_questions"):
        reponse = ((analyse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        return reponse.get("intent_response_key") or nom
    return nom


@dataclass
class Conversation:
    sender_id: str
    evenements: list[dict[str, Any]]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [e for e in self.evenements if e.get("event") == "user"]

    @property
    def debut(self) -> float | None:
        return self.messages[0].get("timestamp") if self.messages else None

    @property
    def fin(self) -> float:
        return max(float(e.get("timestamp") or 0) for e in self.evenements)

    @property
    def canal(self) -> str:
        return "telephone" if self.messages and self.messages[0].get("input_channel") == CANAL_TELEPHONE else "chat"

    @property
    def escaladee(self) -> bool:
        return any(e.get("event") == "pause" or (e.get("event") == "action" and e.get("name") == "action_escalader")
                   for e in self.evenements)

    @property
    def abandonnee(self) -> bool:
        boucles = [e for e in self.evenements if e.get("event") == "active_loop"]
        return bool(boucles) and bool(boucles[-1].get("name"))

    @property
    def repondue(self) -> bool:
        return any(e.get("event") == "bot" for e in self.evenements)

    @property
    def messages_libres(self) -> list[dict[str, Any]]:
        """The citizen's own messages: neither the answer to a form's question, nor a button, nor a trigger."""
        libres, demande = [], None
        for e in self.evenements:
            if e.get("event") == "slot" and e.get("name") == "requested_slot":
                demande = e.get("value")
            elif e.get("event") == "active_loop" and not e.get("name"):
                demande = None
            elif e.get("event") == "user":
                texte = str(e.get("text") or "")
                if demande is None and not texte.startswith("/") and not (e.get("metadata") or {}).get("declencheur"):
                    libres.append(e)
        return libres

    def slots(self, nom: str) -> list[Any]:
        return [e.get("value") for e in self.evenements if e.get("event") == "slot" and e.get("name") == nom]


@dataclass(frozen=True)
class Indicateurs:
    debut: dt.date
    fin: dt.date
    conversations: int
    par_jour: Mapping[str, Mapping[str, int]]  # ISO date -> channel -> count
    taux_contenues: float
    taux_escalade: float
    taux_abandon: float
    taux_repli: float
    intentions: Sequence[tuple[str, int]]
    questions_sans_reponse: Sequence[tuple[str, int]]
    satisfaction: Mapping[str, int]
    consultations_dossier: int
    signalements_par_categorie: Mapping[str, int]
    appels: int
    taux_appels_repondus: float  # Services Publics+: share of calls answered
    satisfaction_moyenne: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def decouper(sender_id: str, evenements: Iterable[Mapping[str, Any]]) -> list[Conversation]:
    """A sender's events cut into conversations at each ``session_started``."""
    conversations: list[Conversation] = []
    courante: list[dict[str, Any]] = []
    for e in evenements:
        if e.get("event") == "session_started" and courante:
            conversations.append(Conversation(sender_id, courante))
            courante = []
        courante.append(dict(e))
    if courante:
        conversations.append(Conversation(sender_id, courante))
    return [c for c in conversations if c.messages]


def _part(n: int, total: int) -> float:
    return round(n / total, 4) if total else 0.0


@dataclass
class ComptesJour:
    """One day's additive counts: a period's figures are the sum of its days' (guichet/pilotage/resumes.py)."""

    conversations: int = 0
    par_canal: Counter[str] = field(default_factory=Counter)
    contenues: int = 0
    escaladees: int = 0
    abandonnees: int = 0
    messages: int = 0
    replis: int = 0
    consultations: int = 0
    appels: int = 0
    appels_repondus: int = 0
    intentions: Counter[str] = field(default_factory=Counter)
    questions: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)

    def ajouter(self, autre: ComptesJour) -> None:
        for nom, valeur in vars(autre).items():
            if isinstance(valeur, Counter):
                getattr(self, nom).update(valeur)
            else:
                setattr(self, nom, getattr(self, nom) + valeur)

    def en_dict(self) -> dict[str, Any]:
        return {nom: dict(v) if isinstance(v, Counter) else v for nom, v in vars(self).items()}

    @classmethod
    def depuis_dict(cls, donnees: Mapping[str, Any]) -> ComptesJour:
        comptes = cls()
        for nom, valeur in donnees.items():
            if hasattr(comptes, nom):
                setattr(comptes, nom, Counter(valeur) if isinstance(getattr(comptes, nom), Counter) else int(valeur))
        return comptes


def compter_par_jour(par_sender: Mapping[str, Sequence[Mapping[str, Any]]], debut: dt.date, fin: dt.date,
                     fuseau: dt.tzinfo = dt.timezone.utc) -> dict[dt.date, ComptesJour]:
    """Each day's counts for conversations started from ``debut`` to ``fin`` (local dates in ``fuseau``)."""
    toutes = {s: decouper(s, evs) for s, evs in par_sender.items()}

    def jour(c: Conversation) -> dt.date:
        return dt.datetime.fromtimestamp(float(c.debut or 0), fuseau).date()

    def revient(c: Conversation) -> bool:
        return any(autre is not c and autre.debut is not None and 0 < float(autre.debut) - c.fin <= RETOUR_S
                   for autre in toutes[c.sender_id])

    jours: dict[dt.date, ComptesJour] = {}
    for convs in toutes.values():
        for c in convs:
            j = jour(c)
            if not debut <= j <= fin:
                continue
            k = jours.setdefault(j, ComptesJour())
            k.conversations += 1
            k.par_canal[c.canal] += 1
            k.escaladees += c.escaladee
            k.abandonnees += c.abandonnee and not c.escaladee
            k.contenues += not c.escaladee and not c.abandonnee and not revient(c)
            for m in c.messages_libres:
                k.messages += 1
                nom = intention_affichee(m)
                if nom == "nlu_fallback":
                    k.replis += 1
                    k.questions[masquer(str(m.get("text") or ""))] += 1
                elif nom:
                    k.intentions[nom] += 1
            k.notes.update(str(v) for v in c.slots("note_satisfaction") if v)
            if c.slots("categorie_signalement") and any(e.get("name") == "action_creer_signalement" for e in c.evenements):
                k.categories[str(c.slots("categorie_signalement")[-1])] += 1
            k.consultations += "confirmee" in c.slots("verification_identite")
            if c.canal == "telephone":
                k.appels += 1
                k.appels_repondus += c.repondue
    return jours


def assembler(jours: Mapping[dt.date, ComptesJour], debut: dt.date, fin: dt.date, n_top: int = 10) -> Indicateurs:
    """The figures of a period from its days' counts."""
    total = ComptesJour()
    for j, k in jours.items():
        if debut <= j <= fin:
            total.ajouter(k)
    chiffrees = [int(n) for n, nb in total.notes.items() for _ in range(nb) if n.isdigit()]
    return Indicateurs(
        debut=debut, fin=fin, conversations=total.conversations,
        par_jour={j.isoformat(): dict(sorted(k.par_canal.items())) for j, k in sorted(jours.items())
                  if debut <= j <= fin and k.conversations},
        taux_contenues=_part(total.contenues, total.conversations), taux_escalade=_part(total.escaladees, total.conversations),
        taux_abandon=_part(total.abandonnees, total.conversations), taux_repli=_part(total.replis, total.messages),
        intentions=total.intentions.most_common(n_top),
        questions_sans_reponse=total.questions.most_common(n_top),
        satisfaction=dict(sorted(total.notes.items())),
        consultations_dossier=total.consultations,
        signalements_par_categorie=dict(sorted(total.categories.items())),
        appels=total.appels, taux_appels_repondus=_part(total.appels_repondus, total.appels),
        satisfaction_moyenne=round(sum(chiffrees) / len(chiffrees), 2) if chiffrees else None,
    )


def calculer(par_sender: Mapping[str, Sequence[Mapping[str, Any]]], debut: dt.date, fin: dt.date,
             fuseau: dt.tzinfo = dt.timezone.utc, n_top: int = 10) -> Indicateurs:
    """Figures for conversations started from ``debut`` to ``fin`` included (local dates in ``fuseau``)."""
    return assembler(compter_par_jour(par_sender, debut, fin, fuseau), debut, fin, n_top)
