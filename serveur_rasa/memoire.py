"""The Rasa server's heap, frozen once the model is loaded.

The loaded model (TensorFlow, spaCy, scikit-learn) is millions of long-lived
objects that every full garbage collection walks again: on a 2-core server such
a pass stalled every conversation for hundreds of milliseconds under load
(`make bench-bord`). `gc.freeze()` after start-up moves them out of the
collector's reach; what conversations allocate afterwards is collected as usual.
"""

from __future__ import annotations

import gc
import logging
import time

logger = logging.getLogger(__name__)
_fige = False


def figer_tas() -> None:
    """Collect once, then freeze what survives (idempotent: several channels call it)."""
    global _fige
    if _fige:
        return
    _fige = True
    debut = time.monotonic()
    gc.collect()
    gc.freeze()
    logger.info("heap frozen after start-up: %d objects out of the collector's reach (%.1f s)", gc.get_freeze_count(),
                time.monotonic() - debut)
