"""The trained model loaded as the server loads it, in a process of its own that exits at once.

The ResponseSelector's prediction is traced in a thread after loading
(serveur_rasa/chargement_tf.py). A process that ends while that thread is
still inside TensorFlow must wait for it, not abort: CI 2026-12-02 saw
`python -m serveur_rasa test core` end with "terminate called without an
active exception" (SIGABRT) once its stories had all passed.
"""

import subprocess
import sys

import pytest

from configuration.chemins import RACINE
from guichet.construction.projet import Projet

pytestmark = pytest.mark.integration

CHARGER_PUIS_SORTIR = """
import asyncio, logging, sys, time
logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
from serveur_rasa.correctifs import installer
installer()
from rasa.core.agent import load_agent
debut = time.monotonic()
agent = asyncio.run(load_agent(model_path=sys.argv[1]))
assert agent.is_ready()
rs = [t for t in __import__("threading").enumerate() if t.name.startswith("guichet-trace-")]
print("LOADED", len(rs), flush=True)
journal = logging.getLogger("serveur_rasa.chargement_tf")  # Rasa set its own levels while loading
journal.setLevel(logging.INFO)
journal.addHandler(logging.StreamHandler(sys.stdout))
"""  # and the interpreter exits at once, the trace most likely still running


def test_a_process_exiting_right_after_loading_waits_for_the_trace_and_exits_cleanly():
    modele = Projet().modele
    assert modele.is_file(), "make train first"
    for _ in range(2):
        resultat = subprocess.run([sys.executable, "-c", CHARGER_PUIS_SORTIR, str(modele)], cwd=RACINE,
                                  capture_output=True, text=True, timeout=300)
        assert resultat.returncode == 0, resultat.stderr[-3000:]
        assert "terminate called" not in resultat.stderr
        assert "LOADED 1" in resultat.stdout, resultat.stdout  # the trace was indeed running at exit
        assert "prediction traced in" in resultat.stdout, resultat.stdout  # and it finished before the process ended
