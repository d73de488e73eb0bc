"""Rasa's TensorFlow models (here the FAQ ResponseSelector) loaded for answering, without a training step.

To create its variables before reading the saved weights, Rasa 3.6 compiles the
model and *trains it on one example* (``RasaModel.load``: tracing the whole
training step, optimiser included), then traces the prediction: most of the
model's load time at start-up. For a model loaded to answer (not fine-tuned),
the variables are created here by one eager prediction, the weights are read
(every variable the model has must be found in the saved file, else Rasa's own
load runs instead), and the prediction is traced once with them, as Rasa does —
but in a thread of its own, after the model is ready: tracing took 2 s of a 12 s
start (2026-12-02). Until the traced prediction is in place (a few seconds after
start-up), predictions run eagerly, as with Rasa's own ``run_eagerly`` setting:
the same computation, the same rankings, about 15 ms instead of 2 per message.
The optimiser's saved state is not read: nothing trains in the server.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import tensorflow as tf
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel
from rasa.utils.train_utils import create_data_generators

logger = logging.getLogger(__name__)
_RASA = RasaModel.load.__func__  # type: ignore[attr-defined]


def charger(cls: type[RasaModel], model_file_name: str, model_data_example: RasaModelData,
            predict_data_example: RasaModelData | None = None, finetune_mode: bool = False,
            *args: Any, **kwargs: Any) -> RasaModel:
    """Drop-in for ``RasaModel.load``."""
    if finetune_mode or predict_data_example is None:
        return _RASA(cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs)
    config = kwargs.get("config", {})
    model = cls(*args, **kwargs)
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=config.get(RUN_EAGERLY))
    try:
        eager = model._run_eagerly
        model._run_eagerly = True
        try:
            model.run_inference(predict_data_example)  # creates the variables a prediction uses, traces nothing
        finally:
            model._run_eagerly = eager
        model.load_weights(model_file_name).expect_partial().assert_existing_objects_matched()
    except (AssertionError, ValueError, tf.errors.OpError) as exc:
        logger.warning("%s: inference-only load not possible (%s); Rasa's load is used", cls.__name__, type(exc).__name__)
        return _RASA(cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs)
    # what the eager prediction prepared from the initial weights is prepared again from the loaded ones
    model.prepared_for_prediction = False
    model._tf_predict_step = None
    eager = model._run_eagerly
    model._run_eagerly = True
    model.run_inference(predict_data_example)
    if not eager:
        # not a daemon: the interpreter waits for the trace before it exits; a daemon thread still
        # inside TensorFlow when the process exits aborts it ("terminate called without an active
        # exception", seen at the end of `python -m serveur_rasa test core`, CI 2026-12-02)
        threading.Thread(target=tracer, args=(model, predict_data_example), name=f"guichet-trace-{cls.__name__}",
                         daemon=False).start()
    return model


def tracer(model: RasaModel, predict_data_example: RasaModelData) -> None:
    """Traces the model's prediction as Rasa would at its first call, then puts it in place of the eager one."""
    debut = time.monotonic()
    try:
        (generateur, _) = create_data_generators(model_data=predict_data_example, batch_sizes=1, epochs=1, shuffle=False)
        lot = next(iter(generateur))[0]
        fonction = tf.function(model.predict_step, input_signature=model._dynamic_signature(lot))
        fonction(lot)  # the trace
    except Exception:  # the eager prediction stays: slower, never wrong
        logger.exception("%s: the prediction could not be traced; it stays eager", type(model).__name__)
        return
    model._tf_predict_step = fonction
    model._run_eagerly = False
    logger.info("%s: prediction traced in %.1f s", type(model).__name__, time.monotonic() - debut)


def installer() -> None:
    RasaModel.load = classmethod(charger)  # type: ignore[assignment,method-assign]
