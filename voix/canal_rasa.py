"""The Rasa input channel of the phone gateway.

Same wire protocol as the REST channel (POST /webhooks/voix/webhook with
{"sender": ..., "message": ..., "metadata": {...}}), but named "voix" so the
responses' `channel: voix` variants (no URLs, short sentences) are chosen.
The gateway may pass the caller's number as metadata "numero_appelant".
"""

from __future__ import annotations

from typing import Text

from guichet.canal_rest import CanalRest


class CanalVoix(CanalRest):
    @classmethod
    def name(cls) -> Text:
        return "voix"
