"""The Rasa server's heap, frozen once the model is loaded.

The loaded model (TensorFlow, spaCy, scikit-learn) is millions of long-lived
objects that every full garbage collection walks again: on a 2-core server such
a pass stalled every conversation for hundreds of milliseconds under load
(`make bench-bord`). `gc.freeze()` after start-up moves them out of the
collector's reach; what conversations allocate afterwards is collected as usual.

Until then the automatic collection is suspended (``suspendre_collecte``, called
before Rasa is imported): loading the model builds those objects by the million,
and each full pass on the way walked all of them again — 2 s of a 12 s start
(gc callbacks, 2026-12-02), 1.4 s of it while spaCy's lemmatizer tables were
read. ``gc.disable()`` would not hold: srsly re-enables the collector after
every msgpack read; a zero threshold is what it leaves alone. The one
collection before the freeze still frees what start-up left unreachable.
"""

from __future__ import annotations

import gc
import logging
import time

logger = logging.getLogger(__name__)
_fige = False
_seuils: tuple[int, int, int] | None = None  # the collector's thresholds while suspended


def suspendre_collecte() -> None:
    """No automatic collection until ``figer_tas`` (start-up only)."""
    global _seuils
    if _seuils is None:
        _seuils = gc.get_threshold()
        gc.set_threshold(0)


def figer_tas() -> None:
    """Collect once, freeze what survives, resume automatic collection (idempotent: called once the model
    is loaded and again when the server has started)."""
    global _fige, _seuils
    if _fige:
        return
    _fige = True
    debut = time.monotonic()
    gc.collect()
    gc.freeze()
    if _seuils is not None:
        gc.set_threshold(*_seuils)
        _seuils = None
    logger.info("heap frozen after start-up: %d objects out of the collector's reach (%.1f s)", gc.get_freeze_count(),
                time.monotonic() - debut)
