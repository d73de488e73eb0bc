"""`python -m actions --port 5055`: rasa-sdk's action server, guarded (actions/serveur.py)."""

from __future__ import annotations

import logging
import sys

from configuration.erreurs import ErreurConfiguration


def main(argv: list[str] | None = None) -> int:
    from rasa_sdk import utils
    from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
    from rasa_sdk.endpoint import create_app, create_argument_parser

    from actions.serveur import ConfigServeurActions, proteger

    args = create_argument_parser().parse_args(argv)
    try:
        config = ConfigServeurActions.depuis_env(port=args.port)
    except ErreurConfiguration as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel,
                                 args.logging_config_file)
    utils.update_sanic_log_level()
    app = create_app("actions", cors_origins=None)
    proteger(app, config)
    app.run(config.hote, config.port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
