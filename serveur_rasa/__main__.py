"""`python -m serveur_rasa run …`: Rasa's own command line, with Guichet's fixes to Rasa installed first.

The launcher, docker-compose.yml and the tests start the Rasa server this way;
the arguments are those of `rasa run`. The fixes change no behaviour, only cost
(docs/performances.md): see serveur_rasa/correctifs.py.
"""

from __future__ import annotations

from serveur_rasa.correctifs import installer


def main() -> None:
    installer()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
