"""`python -m serveur_rasa run …`: Rasa's own command line, with Guichet's fixes to Rasa installed first.

The launcher, docker-compose.yml and the tests start the Rasa server this way;
the arguments are those of `rasa run`. The fixes change no behaviour, only cost
(docs/performances.md): see serveur_rasa/correctifs.py; `python -m serveur_rasa
test core …` (the conversation tests) runs with them too. `make train` runs
`python -m serveur_rasa train …`, which only adds the stores of compiled large
regular expressions (serveur_rasa/regex_compilees.py) and of skops's trusted
type names (serveur_rasa/types_skops.py): training fills them, the server's
start reads them. On `run`, the garbage collector waits until the model is
loaded (serveur_rasa/memoire.py).
"""

from __future__ import annotations

import sys

from serveur_rasa import memoire, regex_compilees, types_skops
from serveur_rasa.correctifs import installer


def main() -> None:
    if sys.argv[1:2] == ["run"]:
        memoire.suspendre_collecte()  # until the model is loaded (serveur_rasa/memoire.py)
    regex_compilees.installer()
    types_skops.installer()
    if sys.argv[1:2] in (["run"], ["test"]):  # the stories are tested as the server runs them
        installer()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
