"""`python -m serveur_rasa run …`: Rasa's own command line, with Guichet's fixes to Rasa installed first.

The launcher, docker-compose.yml and the tests start the Rasa server this way;
the arguments are those of `rasa run`. The fixes change no behaviour, only cost
(docs/performances.md): see serveur_rasa/correctifs.py; `python -m serveur_rasa
test core …` (the conversation tests) runs with them too. `make train` runs
`python -m serveur_rasa train …`, which only adds the store of compiled large
regular expressions (serveur_rasa/regex_compilees.py): training fills it, the
server's start reads it.
"""

from __future__ import annotations

import sys

from serveur_rasa import regex_compilees
from serveur_rasa.correctifs import installer


def main() -> None:
    regex_compilees.installer()
    if sys.argv[1:2] in (["run"], ["test"]):  # the stories are tested as the server runs them
        installer()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
