"""What the bot would answer, without committing anything: the phone gateway's speculative turn.

While the caller's last words are still being confirmed as the end of the turn
(voix/appel.py: the end-of-speech wait), the gateway asks what the answer to the
text heard so far would be, so that its audio is ready the moment the turn ends.
This dry run reads the conversation, parses the text, extracts slots and
predicts the next actions on a copy of the tracker; it runs only responses
(``utter_…``, the FAQ's retrieval responses) and stops at the first action with
effects (a custom action, a form, anything but a response or ``action_listen``):
then it answers "unknown" and the gateway waits for the real turn. Nothing is
saved, no action server is called, no event is published: the real turn, sent
once the end of speech is confirmed, is the only one that counts.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.actions.action import ACTION_EXTRACT_SLOTS, action_for_name_or_text
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from serveur_rasa.canal_rest import CollecteurNomme

logger = logging.getLogger(__name__)
ACTIONS_MAX = 10  # responses chained in one turn before the dry run gives up
PREFIXE_REPONSE = "utter_"
VALIDATION_GLOBALE = "action_validate_slot_mappings"


def extraction_sans_effet(domaine: Any) -> bool:
    """Whether Rasa's slot extraction runs no custom action for this domain (no mapping names one)."""
    if VALIDATION_GLOBALE in (domaine.user_actions or []):
        return False
    return not any(m.get("action") for slot in domaine.slots for m in slot.mappings or [])


async def anticiper(processeur: Any, sender: str, texte: str, canal: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]] | None:
    """The messages the bot would send for ``texte``, or None when they cannot be known without effects."""
    domaine = processeur.domain
    if not extraction_sans_effet(domaine):
        return None
    tracker = await processeur.get_tracker(sender)
    if not tracker.events or tracker.active_loop_name or tracker.is_paused():
        return None  # a new conversation starts a session; a form validates with the action server; paused: an agent
    copie = tracker.copy()
    collecteur = CollecteurNomme(canal)
    analyse = await processeur.parse_message(UserMessage(texte, collecteur, sender, input_channel=canal, metadata=metadata), copie)
    if str((analyse.get("intent") or {}).get(INTENT_NAME_KEY) or "").startswith("/"):
        return None
    copie.update(UserUttered(texte, analyse["intent"], analyse["entities"], analyse, input_channel=canal, metadata=metadata), domaine)
    extraction = action_for_name_or_text(ACTION_EXTRACT_SLOTS, domaine, None)
    copie.update_with_events(await extraction.run(collecteur, processeur.nlg, copie, domaine), domaine)
    messages: list[dict[str, Any]] = []
    for _ in range(ACTIONS_MAX):
        action, prediction = processeur.predict_next_with_tracker_if_should(copie)
        nom = action.name()
        if nom == ACTION_LISTEN_NAME:
            return messages
        if not nom.startswith(PREFIXE_REPONSE):
            return None
        evenements = await action.run(collecteur, processeur.nlg, copie, domaine)
        copie.update_with_events(prediction.events, domaine)
        copie.update(action.event_for_successful_execution(prediction))
        copie.update_with_events(evenements, domaine)
        messages.extend({k: v for k, v in {**e.data, "text": e.text}.items() if v is not None}
                        for e in evenements if isinstance(e, BotUttered))
    return None
