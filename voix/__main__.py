"""``python -m voix``: the phone gateway (AudioSocket on GUICHET_AUDIOSOCKET_PORT, media streams on GUICHET_VOIX_PORT)."""

from __future__ import annotations

import asyncio
import logging
import sys

from configuration.erreurs import ErreurConfiguration
from voix.config import ConfigVoix
from voix.erreurs import DialogueIndisponible
from voix.passerelle import charger, servir


async def principal() -> None:
    config = ConfigVoix.depuis_env()
    passerelle = await charger(config)
    async with servir(passerelle) as (port_tcp, port_http):
        telephonie = None
        if config.port_sip is not None:
            from voix.ligne_sip import ConfigSip, TelephonieSip

            telephonie = TelephonieSip(ConfigSip(config.hote, config.port_sip, config.cible_sip, config.cible_sip_secours), asyncio.get_running_loop(),
                                       passerelle.demarrer_appel)
            await asyncio.to_thread(telephonie.demarrer_fil)
        sip = f", SIP udp://{config.hote}:{config.port_sip}" if telephonie else ""
        print(f"Guichet voice gateway ready: AudioSocket tcp://{config.hote}:{port_tcp}, "
              f"media streams ws://{config.hote}:{port_http}/flux{sip}, transfers http://{config.hote}:{port_http}/transferts/<call>",
              flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            if telephonie is not None:
                await asyncio.to_thread(telephonie.arreter)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        asyncio.run(principal())
    except (ErreurConfiguration, DialogueIndisponible) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
