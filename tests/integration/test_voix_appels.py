"""Phone calls end to end: the voice gateway with real engines (Vosk with the Korean
model, Piper with the joe voice: the packaged models) and the real Rasa and action
servers, over real sockets (AudioSocket TCP and WebSocket media streams). The
dialogue is driven by the keypad (the French model is not available here)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import socket
import time
import uuid
from pathlib import Path

import aiohttp
import pytest

from connecteurs.grc_embarquee.grc import ConfigGrcEmbarquee, GrcEmbarquee
from tests.integration.serveurs import JETON
from tests.voix.modeles_test import NOM_PIPER, NOM_VOSK, dossier_modeles
from voix.appel import ReglagesAppel
from voix.audiosocket import GenreTrame, Trame, lire_trame
from voix.codec import pcm_vers_ulaw
from voix.config import ConfigVoix
from voix.flux_media import message_test
from voix.limites import LimitesLigne
from voix.passerelle import charger, servir

pytestmark = pytest.mark.integration
FORT = b"".join(int(9000 * math.sin(2 * math.pi * 440 * i / 8000)).to_bytes(2, "little", signed=True) for i in range(160))
SILENCE = b"\x00\x00" * 160
SECRET_PBX = "secret-du-pbx-Qm7rT2vX9kLp"
PBX = {"X-Guichet-Secret": SECRET_PBX}


@contextlib.asynccontextmanager
async def passerelle(serveurs, tmp_path, pre_synthese=False, limites=LimitesLigne(), **reglages):
    """The gateway; the background pre-synthesis of the domain's answers only where a test is about it
    (it keeps a core busy for about 40 s with the test voice)."""
    config = ConfigVoix(url_rasa=serveurs.url, jeton=JETON, dossier_modeles=dossier_modeles(tmp_path / "modeles"),
                        modele_vosk=NOM_VOSK, voix_piper=NOM_PIPER, port_audiosocket=0, port_http=0,
                        reglages=ReglagesAppel(**reglages), dossier_cache=tmp_path / "cache-voix", pre_synthese=pre_synthese,
                        limites=limites, secret_pbx=SECRET_PBX)
    p = await charger(config)
    async with servir(p) as ports:
        yield p, ports


class AppelAudioSocket:
    """What Asterisk does: connect, send the call UUID, then audio/DTMF; records what comes back."""

    def __init__(self, port: int) -> None:
        self.port, self.ident = port, uuid.uuid4()
        self.audio: list[tuple[float, bytes]] = []
        self.raccroche = asyncio.Event()

    async def __aenter__(self) -> AppelAudioSocket:
        self.lecteur, self.ecrivain = await asyncio.open_connection("127.0.0.1", self.port)
        self.ecrivain.write(Trame(GenreTrame.UUID, self.ident.bytes).en_octets())
        self._lecture = asyncio.ensure_future(self._lire())
        return self

    async def __aexit__(self, *exc) -> None:
        self._lecture.cancel()
        self.ecrivain.close()

    async def _lire(self) -> None:
        try:
            while True:
                trame = await lire_trame(self.lecteur)
                if trame.genre == GenreTrame.AUDIO:
                    self.audio.append((time.monotonic(), trame.charge))
                elif trame.genre == GenreTrame.RACCROCHE:
                    self.raccroche.set()
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            self.raccroche.set()

    async def envoyer(self, trame: Trame) -> None:
        self.ecrivain.write(trame.en_octets())
        await self.ecrivain.drain()

    async def touches(self, chiffres: str) -> None:
        for c in chiffres:
            await self.envoyer(Trame(GenreTrame.DTMF, c.encode()))

    async def attendre_audio(self, n: int = 10, delai: float = 30.0) -> None:
        fin = time.monotonic() + delai
        while len(self.audio) < n:
            assert time.monotonic() < fin, f"only {len(self.audio)} audio frames after {delai} s"
            await asyncio.sleep(0.02)


async def test_audiosocket_call_greets_escalates_on_0_and_transfers_with_the_reference(serveurs, tmp_path):
    async with passerelle(serveurs, tmp_path) as (p, (port_tcp, port_http)):
        appel = AppelAudioSocket(port_tcp)
        async with aiohttp.ClientSession() as s:  # the dialplan announces the caller's number (AudioSocket has no metadata)
            async with s.post(f"http://127.0.0.1:{port_http}/appels/{appel.ident}", data={"numero_appelant": "0612345678"},
                              headers=PBX) as r:
                assert r.status == 200
            async with s.post(f"http://127.0.0.1:{port_http}/appels/x", data={"numero_appelant": "06; DROP"}, headers=PBX) as r:
                assert r.status == 400
        async with appel:
            await derouler_escalade(p, appel, port_http, serveurs)


async def test_calls_are_answered_while_the_domain_answers_are_pre_synthesised(serveurs, tmp_path):
    """The gateway starts with its prompts ready and synthesises the domain's fixed answers behind the calls,
    keeping them on disk; stopping it mid-way is clean."""
    async with passerelle(serveurs, tmp_path, pre_synthese=True) as (p, (port_tcp, port_http)):
        invites = p.voix.phrases_figees
        assert invites >= 4 and len(p.textes_fixes) > 50
        assert not any("{" in t for t in p.textes_fixes)
        async with AppelAudioSocket(port_tcp) as appel:
            await derouler_escalade(p, appel, port_http, serveurs, numero=None)
        assert p.voix.phrases_figees > invites  # the background went on during the call
        fichiers = list((tmp_path / "cache-voix").rglob("*.pcm"))
        assert len(fichiers) >= p.voix.phrases_figees - 1  # written as they are made (one may be in flight)


async def derouler_escalade(p, appel, port_http, serveurs, numero="0612345678"):
    await appel.attendre_audio(25)  # the greeting, paced at 20 ms per 320-byte frame
    assert all(len(a) == 320 for _, a in appel.audio)
    instants = [t for t, _ in appel.audio[:25]]
    assert instants[-1] - instants[0] >= 0.3  # real-time pacing, not a burst
    await appel.touches("0")
    await asyncio.wait_for(appel.raccroche.wait(), 60)  # the reference is said, then the gateway hangs up
    async with aiohttp.ClientSession() as s:
        async with s.get(f"http://127.0.0.1:{port_http}/transferts/{appel.ident}", headers=PBX) as r:
            transfert = await r.json()
        async with s.get(f"http://127.0.0.1:{port_http}/transferts/{appel.ident}/cible", params={"secret": SECRET_PBX}) as r:
            assert await r.text() == "conseillers"
        async with s.get(f"http://127.0.0.1:{port_http}/transferts/{uuid.uuid4()}", headers=PBX) as r:
            assert r.status == 404
    assert transfert["cible"] == "conseillers" and len(transfert["reference"]) == 8
    grc = GrcEmbarquee(ConfigGrcEmbarquee(f"sqlite:///{serveurs.dossier / 'grc.sqlite3'}", semer_donnees_demo=False))
    escalade = await grc.lire_escalade(transfert["reference"])
    assert escalade is not None and escalade.canal == "voix" and escalade.sender_id == str(appel.ident)
    assert escalade.contexte.get("numero_appelant") == numero
    assert not p.appels  # the call is over on the gateway's side


async def test_the_agent_who_picks_up_a_transferred_call_sees_it_in_the_console_with_the_transcript(serveurs, tmp_path):
    """The caller checks a case by keypad (identity confirmed), then presses 0: the PBX gets the reference,
    and the agent opening that reference in the console reads the call: channel, caller number, what was
    said on both sides, the case (identity checked), the birth date never in clear."""
    from tests.integration.test_widget_console import MOT_DE_PASSE, console_pour

    async with passerelle(serveurs, tmp_path) as (p, (port_tcp, port_http)):
        appel = AppelAudioSocket(port_tcp)
        async with aiohttp.ClientSession() as s:
            async with s.post(f"http://127.0.0.1:{port_http}/appels/{appel.ident}", data={"numero_appelant": "0612345678"},
                              headers=PBX) as r:
                assert r.status == 200
        async with appel:
            for touches in ("", "24578301#", "12031985#", "0"):
                await appel.touches(touches)
                if touches != "0":
                    avant = len(appel.audio)
                    await appel.attendre_audio(avant + 25)
                    await asyncio.sleep(1.0)
            await asyncio.wait_for(appel.raccroche.wait(), 60)
            async with aiohttp.ClientSession() as s:
                async with s.get(f"http://127.0.0.1:{port_http}/transferts/{appel.ident}", headers=PBX) as r:
                    transfert = await r.json()
    assert transfert["motif"] == "escalade" and len(transfert["reference"]) == 8
    async with console_pour(serveurs, tmp_path) as console, \
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
        await s.post(f"{console}/connexion", data={"identifiant": "camille.agent", "mot_de_passe": MOT_DE_PASSE})
        async with s.get(f"{console}/api/conversations/{transfert['reference']}") as r:
            assert r.status == 200
            vue = await r.json()
    assert (vue["canal"], vue["numero_appelant"], vue["source"]) == ("voix", "0612345678", "direct")
    assert vue["verification_identite"] == "confirmee" and vue["dossier"]["numero"] == "24578301"
    auteurs = [t["auteur"] for t in vue["transcription"]]
    assert "bot" in auteurs and "usager" in auteurs
    assert any("24578301" in (t.get("texte") or "") for t in vue["transcription"] if t["auteur"] == "usager")
    assert "1985" not in json.dumps(vue)  # the identity proof is never shown


async def test_rasa_lost_mid_call_the_caller_is_transferred_with_what_was_said(serveurs, tmp_path):
    """The greeting comes from the real Rasa; then Rasa stops answering (its address now refuses connections):
    the caller hears that an agent takes over, the gateway ends its leg, and the dialplan finds the fallback
    target and the transcript."""
    async with passerelle(serveurs, tmp_path) as (p, (port_tcp, port_http)), AppelAudioSocket(port_tcp) as appel:
        await appel.attendre_audio(25)
        with contextlib.closing(socket.socket()) as ferme:
            ferme.bind(("127.0.0.1", 0))
            p.dialogue.url = f"http://127.0.0.1:{ferme.getsockname()[1]}"  # bound, not listening: refused
            silence_avant = len(appel.audio)
            await appel.touches("24578301#")
            await asyncio.wait_for(appel.raccroche.wait(), 60)
        assert len(appel.audio) > silence_avant + 25  # the fallback prompt was played before the leg ended
        async with aiohttp.ClientSession() as s:
            async with s.get(f"http://127.0.0.1:{port_http}/transferts/{appel.ident}", headers=PBX) as r:
                transfert = await r.json()
    assert transfert["motif"] == "secours" and transfert["cible"] == "conseillers" and transfert["reference"] == ""
    assert transfert["transcription"][0]["qui"] == "assistant" and "assistant vocal" in transfert["transcription"][0]["texte"]
    assert transfert["transcription"][-1] == {"qui": "appelant", "texte": "(clavier) 24578301"}


async def test_barge_in_stops_playback_within_200_ms(serveurs, tmp_path):
    async with passerelle(serveurs, tmp_path) as (p, (port_tcp, _)), AppelAudioSocket(port_tcp) as appel:
        await appel.attendre_audio(10)
        await asyncio.sleep(0.3)
        debut = time.monotonic()
        for _ in range(15):  # the caller starts speaking (300 ms)
            await appel.envoyer(Trame(GenreTrame.AUDIO, FORT))
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)
        apres = [t for t, _ in appel.audio if t > debut]
        derniere = max(apres) if apres else debut
        assert derniere - debut <= 0.2, f"playback went on {1000 * (derniere - debut):.0f} ms after the caller spoke"
        mesures = p.appels[str(appel.ident)].mesures
        assert mesures.barge_in_ms and mesures.barge_in_ms[0] <= 200


async def test_keypad_drives_case_status_with_identity_check_over_media_stream(serveurs, tmp_path):
    async with passerelle(serveurs, tmp_path) as (p, (_, port_http)), aiohttp.ClientSession() as s:
        async with s.ws_connect(f"http://127.0.0.1:{port_http}/flux") as ws:
            appel = f"CA{uuid.uuid4().hex[:12]}"
            await ws.send_str(message_test("connected", protocol="Call", version="1.0.0"))
            await ws.send_str(message_test("start", streamSid="MZ1", start={
                "streamSid": "MZ1", "callSid": appel, "customParameters": {"numero_appelant": "0612345678", "secret": SECRET_PBX},
                "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}))

            async def recevoir_jusqu_au_repere(delai: float = 30.0) -> list[dict]:
                recus = []
                while True:
                    m = json.loads((await asyncio.wait_for(ws.receive(), delai)).data)
                    recus.append(m)
                    if m["event"] == "mark":  # played: echo the mark as the remote side would
                        await ws.send_str(message_test("mark", streamSid="MZ1", mark=m["mark"]))
                        return recus

            accueil = await recevoir_jusqu_au_repere()
            assert accueil[0]["event"] == "media" and accueil[0]["streamSid"] == "MZ1"
            for chiffre in "24578301#":  # "où en est mon dossier" typed as the case number
                await ws.send_str(message_test("dtmf", streamSid="MZ1", dtmf={"digit": chiffre}))
            await recevoir_jusqu_au_repere()
            etat = await tracker(s, serveurs, appel)
            assert etat["slots"]["requested_slot"] == "date_naissance" and etat["slots"]["numero_dossier"] == "24578301"
            assert p.appels[appel]._reconnaisseur.grammaire  # restricted grammar while a date is expected
            for chiffre in "12031985#":  # the birth date on the keypad, DDMMYYYY
                await ws.send_str(message_test("dtmf", streamSid="MZ1", dtmf={"digit": chiffre}))
            await recevoir_jusqu_au_repere()
            etat = await tracker(s, serveurs, appel)
            assert etat["slots"]["verification_identite"] == "confirmee"
            assert etat["latest_input_channel"] == "voix"
            premier = next(e for e in etat["events"] if e["event"] == "user")
            assert premier["metadata"]["numero_appelant"] == "[téléphone]"  # stored masked: the number lives in the GRC
            await ws.send_str(message_test("stop", streamSid="MZ1"))


async def tracker(s: aiohttp.ClientSession, serveurs, appel: str) -> dict:
    async with s.get(f"{serveurs.url}/conversations/{appel}/tracker", params={"token": JETON}) as r:
        return await r.json()


async def test_silence_reprompts_then_polite_hang_up(serveurs, tmp_path):
    async with passerelle(serveurs, tmp_path, silence_s=0.8, silences_max=3) as (p, (port_tcp, _)), AppelAudioSocket(port_tcp) as appel:
        await appel.attendre_audio(5)
        await appel.touches("*")  # a key stops the greeting; then the caller says nothing
        await asyncio.wait_for(appel.raccroche.wait(), 90)
        assert not p.appels


async def test_malformed_input_and_abrupt_disconnects_end_only_that_call(serveurs, tmp_path):
    async with passerelle(serveurs, tmp_path) as (p, (port_tcp, port_http)):
        lecteur, ecrivain = await asyncio.open_connection("127.0.0.1", port_tcp)
        ecrivain.write(b"\x42\x00\x00")  # not AudioSocket
        assert await asyncio.wait_for(lecteur.read(), 5) == b""  # closed by the gateway
        async with AppelAudioSocket(port_tcp) as appel:
            await appel.attendre_audio(3)
            appel.ecrivain.transport.abort()  # the PBX vanishes mid-call
        async with aiohttp.ClientSession() as s:
            async with s.ws_connect(f"http://127.0.0.1:{port_http}/flux") as ws:
                await ws.send_str("pas du json")
                assert (await asyncio.wait_for(ws.receive(), 5)).type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            for _ in range(50):
                if not p.appels:
                    break
                await asyncio.sleep(0.1)
            assert not p.appels
            async with s.get(f"http://127.0.0.1:{port_http}/sante") as r:
                assert (await r.json()) == {"status": "ok", "appels": 0}
        async with AppelAudioSocket(port_tcp) as appel:  # the gateway still takes calls
            await appel.attendre_audio(3)
            await appel.envoyer(Trame(GenreTrame.AUDIO, pcm_vers_ulaw(SILENCE)[:3]))  # odd length: refused
            await asyncio.wait_for(appel.raccroche.wait(), 10)


async def test_sip_call_from_sipp_hears_the_greeting_presses_0_and_is_transferred_by_refer(serveurs, tmp_path):
    """A real SIP peer (SIPp): INVITE with PCMU, the greeting over RTP, the 0 key as RFC 2833, REFER with the reference."""
    from tests.integration.serveurs import ports_libres
    from voix.ligne_sip import ConfigSip, TelephonieSip

    port_sip, port_sipp, port_media = ports_libres(3)
    scenario = Path(__file__).parent / "sipp" / "appel_dtmf_refer.xml"
    async with passerelle(serveurs, tmp_path) as (p, _):
        telephonie = TelephonieSip(ConfigSip("127.0.0.1", port_sip, "sip:conseillers@127.0.0.1"), asyncio.get_running_loop(),
                                   p.demarrer_appel)
        await asyncio.to_thread(telephonie.demarrer_fil)
        try:
            sipp = await asyncio.create_subprocess_exec(
                "sipp", f"127.0.0.1:{port_sip}", "-sf", str(scenario), "-m", "1", "-i", "127.0.0.1", "-p", str(port_sipp),
                "-mi", "127.0.0.1", "-mp", str(port_media), "-nostdin", "-timeout", "90s", "-timeout_error",
                "-trace_logs", "-log_file", str(tmp_path / "sipp.log"), "-trace_err", "-error_file", str(tmp_path / "sipp_err.log"),
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=tmp_path)
            sortie, _ = await asyncio.wait_for(sipp.communicate(), 120)
            journal = (tmp_path / "sipp.log").read_text() if (tmp_path / "sipp.log").exists() else ""
            erreurs = (tmp_path / "sipp_err.log").read_text() if (tmp_path / "sipp_err.log").exists() else ""
            assert sipp.returncode == 0, f"{sortie.decode(errors='replace')[-2000:]}\n{erreurs[-2000:]}"
        finally:
            await asyncio.to_thread(telephonie.arreter)
        reference = re.search(r"REFERENCE=(\d{8})", journal).group(1)
        assert max(telephonie.trames_par_appel.values()) > 50  # the greeting went out over RTP (> 1 s)
        grc = GrcEmbarquee(ConfigGrcEmbarquee(f"sqlite:///{serveurs.dossier / 'grc.sqlite3'}", semer_donnees_demo=False))
        escalade = await grc.lire_escalade(reference)
        assert escalade.canal == "voix" and escalade.contexte["numero_appelant"] == "0612345678"


async def attendre_tracker(s: aiohttp.ClientSession, serveurs, appel: str, condition, delai: float = 30.0) -> dict:
    fin = time.monotonic() + delai
    while True:
        etat = await tracker(s, serveurs, appel)
        if condition(etat):
            return etat
        assert time.monotonic() < fin, f"tracker never reached the expected state: {etat.get('slots')}"
        await asyncio.sleep(0.2)


async def test_outside_office_hours_the_caller_books_a_callback_with_the_keypad(serveurs, tmp_path, actions_avec):
    """`0` out of hours → callback form; the slot is chosen with one key ("tapez deux pour l'après-midi"), a key
    with no choice says the choices again, the number is typed; the request lands in the GRC, channel voix."""
    from tests.integration.conftest import TOUJOURS_FERME, commune_avec_horaires

    actions_avec(GUICHET_COMMUNE=str(commune_avec_horaires(tmp_path, TOUJOURS_FERME)))
    async with passerelle(serveurs, tmp_path) as (p, (port_tcp, _)), aiohttp.ClientSession() as s:
        async with AppelAudioSocket(port_tcp) as appel:
            ident = str(appel.ident)
            await appel.attendre_audio(25)
            await appel.touches("0")
            etat = await attendre_tracker(s, serveurs, ident, lambda e: e["slots"].get("requested_slot") == "creneau_rappel")
            assert p.appels[ident]._choix == ["matin", "après-midi", "indifférent"]  # the voice variant's buttons
            messages = len([e for e in etat["events"] if e["event"] == "user"])
            avant = len(appel.audio)
            await appel.touches("7")  # no seventh choice: the question again, nothing sent to Rasa
            await appel.attendre_audio(avant + 25)
            etat = await tracker(s, serveurs, ident)
            assert len([e for e in etat["events"] if e["event"] == "user"]) == messages
            await appel.touches("2")
            etat = await attendre_tracker(s, serveurs, ident, lambda e: e["slots"].get("requested_slot") == "telephone_rappel")
            assert [e for e in etat["events"] if e["event"] == "user"][-1]["text"] == "après-midi"
            await appel.touches("0698765432#")  # 0 types a digit here: a number is expected
            await asyncio.sleep(1.0)  # read back in pairs by the gateway, not sent yet
            assert p.appels[ident]._a_confirmer == "0698765432"
            assert not (await tracker(s, serveurs, ident))["slots"].get("telephone_rappel")
            await appel.touches("1")  # yes
            await attendre_tracker(s, serveurs, ident, lambda e: e["slots"].get("reference_escalade"))
    grc = GrcEmbarquee(ConfigGrcEmbarquee(f"sqlite:///{serveurs.dossier / 'grc.sqlite3'}", semer_donnees_demo=False))
    rappels = [e for e in await grc.escalades_ouvertes() if e.sender_id == ident]
    await grc.fermer()
    assert len(rappels) == 1 and rappels[0].type.value == "rappel" and rappels[0].canal == "voix"
    assert (rappels[0].creneau, rappels[0].telephone) == ("apres_midi", "0698765432")
