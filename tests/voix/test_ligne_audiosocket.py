"""The AudioSocket line against a peer that stops reading, over a real TCP connection with small buffers."""

from __future__ import annotations

import asyncio
import socket
import time

from voix.ligne_audiosocket import LigneAudioSocket


async def test_a_peer_that_stops_reading_is_dropped_after_the_write_delay(caplog):
    recu = asyncio.Event()
    connexions: list[asyncio.StreamWriter] = []

    async def accepter(lecteur: asyncio.StreamReader, ecrivain: asyncio.StreamWriter) -> None:
        connexions.append(ecrivain)
        recu.set()  # and never reads: a stalled PBX

    ecoute = socket.socket()
    ecoute.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the PBX's side: inherited by the accepted socket
    ecoute.bind(("127.0.0.1", 0))
    serveur = await asyncio.start_server(accepter, sock=ecoute)
    port = serveur.sockets[0].getsockname()[1]
    brut = socket.socket()
    brut.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)  # the gateway's side: small buffers fill at once
    brut.setblocking(False)
    await asyncio.get_running_loop().sock_connect(brut, ("127.0.0.1", port))
    _lecteur, ecrivain = await asyncio.open_connection(sock=brut)
    ecrivain.transport.set_write_buffer_limits(high=8192)
    await asyncio.wait_for(recu.wait(), 5)
    ligne = LigneAudioSocket(ecrivain, "appel-bloque", delai_ecriture_s=1.0)
    debut = time.monotonic()
    await ligne.jouer(b"\x00\x00" * 8000 * 600)  # ten minutes of audio queued, paced at real time
    while not ligne.ferme and time.monotonic() - debut < 60:
        await asyncio.sleep(0.1)
    assert ligne.ferme, "the line still waits for a peer that does not read"
    assert "stopped reading our audio" in caplog.text
    ligne.fermer()
    for c in connexions:
        c.close()
    serveur.close()
