"""The HTTP headers by which the Rasa voice channel tells the gateway the dialogue state.

Shared by both sides (serveur_rasa/canal_voix.py writes them, voix/dialogue_rasa.py
reads them); imports nothing, so the gateway never loads Rasa to know their names.
"""

ENTETE_SLOT = "X-Guichet-Slot-Demande"  # the slot the bot is asking for (the gateway picks a grammar)
ENTETE_PAUSE = "X-Guichet-En-Pause"  # "1" once the bot handed the call over to an agent
ENTETE_REFERENCE = "X-Guichet-Reference"  # the escalation reference told to the caller (also a SIP header)
