"""What a citizen's widget missed while its socket was down, rebuilt from the conversation store.

Bot and agent messages are sent to the conversation's socket.io room; with no
socket in the room (page change, network blip, replica restart) they were lost.
The Guichet widget counts the `bot_uttered` messages it has received and sends
that count (`recus`) with its `session_request`; the server rebuilds, from the
conversation's bot events, exactly the messages Rasa's socket.io output sends
for them (by running them through that output channel with a recording socket),
and sends the socket those after the count. Clients that send no count (the
stock rasa-webchat) get no replay, as before.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.socketio import SocketIOOutput
from rasa.shared.core.events import BotUttered, Event


class _SocketEnregistreur:
    """Stands for python-socketio's server: records what would be emitted."""

    def __init__(self) -> None:
        self.emissions: list[Any] = []

    async def emit(self, _evenement: str, data: Any = None, **_options: Any) -> None:
        self.emissions.append(data)


async def emissions(evenements: list[dict[str, Any]], bot_message_evt: str) -> list[Any]:
    """The payloads Rasa's socket.io output channel emits for the bot events of a conversation, in order."""
    enregistreur = _SocketEnregistreur()
    sortie = SocketIOOutput(enregistreur, bot_message_evt)  # type: ignore[arg-type]
    for brut in evenements:
        if brut.get("event") != BotUttered.type_name:
            continue
        evenement = Event.from_parameters(brut)
        if isinstance(evenement, BotUttered):
            message = {k: v for k, v in evenement.message().items() if v is not None and k != "timestamp"}
            await sortie.send_response("rejeu", message)
    return enregistreur.emissions


def compte_recu(donnees: Any) -> int | None:
    """The widget's count of received messages from a session_request, or None (no replay asked, or not a count)."""
    recus = donnees.get("recus") if isinstance(donnees, dict) else None
    return recus if isinstance(recus, int) and not isinstance(recus, bool) and 0 <= recus <= 100_000 else None
