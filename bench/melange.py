"""The mixed workload of `make bench`: what citizens send, in which proportions.

Ten messages cycle, five per conversation, so every conversation holds FAQ
questions and one of the heavier turns (the first half opens the report form and
leaves it for another question, the second half asks for an agent):
  - 6 FAQ-like questions (NLU + ResponseSelector);
  - 1 pothole report that opens the report form (form validation on the action server);
  - 1 request for an agent (escalation in Guichet, a plain answer in the reference bot),
    last of its conversation: once an agent has it, the bot stays silent;
  - 2 out-of-scope questions.
A client runs conversations back to back with no think time (each client is a
closed loop: it sends its next message when the last answer arrived), so that
10 clients keep 10 turns in flight; on socket.io, where an answer comes in
several messages, the client waits for 100 ms of silence after the first part. A quarter of its conversations continue the
client's previous one when that one did not end with an agent (same sender: a
citizen coming back, a longer tracker to load), the others are new. The draw is seeded: two runs send the same messages.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum


class Genre(str, Enum):
    FAQ = "faq"
    SIGNALEMENT = "signalement"
    CONSEILLER = "conseiller"
    HORS_SUJET = "hors_sujet"


@dataclass(frozen=True)
class Message:
    genre: Genre
    texte: str


CYCLE: tuple[Message, ...] = (
    Message(Genre.FAQ, "bonjour, la mairie ouvre à quelle heure le samedi ?"),
    Message(Genre.FAQ, "comment je fais pour refaire ma carte d'identité"),
    Message(Genre.SIGNALEMENT, "je voudrais signaler un gros nid de poule rue Victor Hugo"),
    Message(Genre.FAQ, "c'est quel jour le ramassage des poubelles ?"),
    Message(Genre.HORS_SUJET, "quel temps il va faire ce week-end"),
    Message(Genre.FAQ, "il faut quels papiers pour un passeport"),
    Message(Genre.FAQ, "la déchetterie est ouverte le dimanche ?"),
    Message(Genre.HORS_SUJET, "tu connais une bonne recette de crêpes"),
    Message(Genre.FAQ, "comment s'inscrire sur les listes électorales"),
    Message(Genre.CONSEILLER, "je voudrais parler à quelqu'un de la mairie"),
)
MESSAGES_PAR_CONVERSATION = 5
PART_CONVERSATIONS_REPRISES = 0.25
ATTENTE_ENTRE_MESSAGES_S = 0.0
# socket.io sends an answer in several messages with no end mark: a client takes the answer as
# complete after this silence (a reading pause, the same for both bots; REST answers come whole)
FIN_DE_REPONSE_S = 0.1


@dataclass(frozen=True)
class Conversation:
    expediteur: str
    messages: tuple[Message, ...]
    reprise: bool


def conversations(client: int, mesure: str, graine: int = 14) -> Iterator[Conversation]:
    """The endless sequence of conversations of one client: the same messages every run.

    ``mesure`` names the measurement: a conversation handed to an agent stays with the
    agent, so two measurements must never share a sender.
    """
    hasard = random.Random(graine * 1000 + client)
    numero = 0
    expediteur = ""
    escalade = False
    while True:
        debut = ((numero + client) * MESSAGES_PAR_CONVERSATION) % len(CYCLE)
        messages = tuple(CYCLE[(debut + i) % len(CYCLE)] for i in range(MESSAGES_PAR_CONVERSATION))
        reprise = bool(expediteur) and not escalade and hasard.random() < PART_CONVERSATIONS_REPRISES
        if not reprise:
            expediteur = f"bench-{mesure}-{client}-{numero}-{hasard.getrandbits(32):08x}"
        yield Conversation(expediteur, messages, reprise)
        escalade = any(m.genre is Genre.CONSEILLER for m in messages)
        numero += 1
