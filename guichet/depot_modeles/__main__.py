"""``python -m guichet.depot_modeles``: the model server on GUICHET_DEPOT_MODELES_PORT (default 5090).

Takes the shipped model into its store if it has none or an older one, then
serves the current model to the Rasa replicas and takes editors' publications.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from configuration.erreurs import ErreurConfiguration
from connecteurs.serveur_http import limites_depuis_env, servir_jusqu_a_l_arret
from guichet.depot_modeles.config import ConfigServeurModeles
from guichet.depot_modeles.depot import DepotModeles
from guichet.depot_modeles.serveur import creer_application
from serveur_rasa.archive_modele import ArchiveInvalide

logger = logging.getLogger("guichet.depot_modeles")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        config = ConfigServeurModeles.depuis_env(os.environ)
        limites = limites_depuis_env(os.environ)
        depot = DepotModeles(config.dossier, config.versions_conservees)
        actuel = depot.semer(config.livre)
    except ErreurConfiguration as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ArchiveInvalide as exc:
        print(f"error: the shipped model {config.livre}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: model store {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if actuel is None:
        logger.warning("no model yet in %s and none shipped at %s: replicas wait for a publication", config.dossier, config.livre)
    else:
        logger.info("serving model %s (trained %s)", actuel.model_id, actuel.entraine_le.isoformat(timespec="seconds"))
    asyncio.run(servir_jusqu_a_l_arret(creer_application(depot, config.jeton, config.taille_max), config.hote, config.port,
                                       limites, "depot-modeles"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
