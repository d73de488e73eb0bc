"""The steering figures, from Rasa's tracker events.

Definitions (docs/pilotage.md):
- a conversation is a sender's events between two ``session_started`` events,
  dated by its first citizen message, in the channel of that message
  (``voix`` is the phone, anything else the chat);
- escalated: the bot handed over (``pause`` event or ``action_escalader``);
- abandoned: it ended while a form was still active;
- contained: neither escalated nor abandoned, and the same sender did not come
  back within 24 hours;
- fallback rate: citizen messages the bot did not understand (``nlu_fallback``)
  among all citizen messages;
- unanswered questions: the texts of those messages (already masked in storage);
- satisfaction: the ``note_satisfaction`` answers; case lookups: confirmed
  identity checks; reports by category: ``categorie_signalement`` when a
  report was created.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

RETOUR_S = 24 * 3600
CANAL_TELEPHONE = "voix"


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


def calculer(par_sender: Mapping[str, Sequence[Mapping[str, Any]]], debut: dt.date, fin: dt.date,
             fuseau: dt.tzinfo = dt.timezone.utc, n_top: int = 10) -> Indicateurs:
    """Figures for conversations started from ``debut`` to ``fin`` included (local dates in ``fuseau``)."""
    toutes = {s: decouper(s, evs) for s, evs in par_sender.items()}

    def jour(c: Conversation) -> dt.date:
        return dt.datetime.fromtimestamp(float(c.debut or 0), fuseau).date()

    retenues = [c for convs in toutes.values() for c in convs if debut <= jour(c) <= fin]
    par_jour: dict[str, Counter[str]] = {}
    for c in retenues:
        par_jour.setdefault(jour(c).isoformat(), Counter())[c.canal] += 1

    def revient(c: Conversation) -> bool:
        return any(autre is not c and autre.debut is not None and 0 < float(autre.debut) - c.fin <= RETOUR_S
                   for autre in toutes[c.sender_id])

    escaladees = sum(c.escaladee for c in retenues)
    abandonnees = sum(c.abandonnee and not c.escaladee for c in retenues)
    contenues = sum(not c.escaladee and not c.abandonnee and not revient(c) for c in retenues)
    messages = [m for c in retenues for m in c.messages]
    intention = [((m.get("parse_data") or {}).get("intent") or {}).get("name") for m in messages]
    replis = [m for m, i in zip(messages, intention, strict=True) if i == "nlu_fallback"]
    notes = Counter(str(v) for c in retenues for v in c.slots("note_satisfaction") if v)
    chiffrees = [int(n) for n, k in notes.items() for _ in range(k) if n.isdigit()]
    categories = Counter(str(c.slots("categorie_signalement")[-1]) for c in retenues
                         if c.slots("categorie_signalement") and any(e.get("name") == "action_creer_signalement" for e in c.evenements))
    appels = [c for c in retenues if c.canal == "telephone"]
    return Indicateurs(
        debut=debut, fin=fin, conversations=len(retenues),
        par_jour={j: dict(sorted(v.items())) for j, v in sorted(par_jour.items())},
        taux_contenues=_part(contenues, len(retenues)), taux_escalade=_part(escaladees, len(retenues)),
        taux_abandon=_part(abandonnees, len(retenues)), taux_repli=_part(len(replis), len(messages)),
        intentions=Counter(i for i in intention if i and i != "nlu_fallback").most_common(n_top),
        questions_sans_reponse=Counter(str(m.get("text") or "") for m in replis).most_common(n_top),
        satisfaction=dict(sorted(notes.items())),
        consultations_dossier=sum("confirmee" in c.slots("verification_identite") for c in retenues),
        signalements_par_categorie=dict(sorted(categories.items())),
        appels=len(appels), taux_appels_repondus=_part(sum(c.repondue for c in appels), len(appels)),
        satisfaction_moyenne=round(sum(chiffrees) / len(chiffrees), 2) if chiffrees else None,
    )
