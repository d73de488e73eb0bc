"""Who is asking, for the limits that count per source (identity checks, requests to agents)."""

from __future__ import annotations

from rasa_sdk import Tracker


def source(tracker: Tracker) -> str:
    """The channel's client-address key (serveur_rasa/source_client.py), else the conversation."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return str(metadata.get("source_client") or f"c-{tracker.sender_id}")
