"""The console against a real local server: sign-in, roles, the dashboard and its CSV, sessions."""

import asyncio
import json
import re

import aiohttp
import pytest
import sqlalchemy as sa

from guichet.console.application import ConfigConsole, creer_application
from guichet.console.comptes import Comptes
from guichet.console.comptes import main as comptes_main
from guichet.console.sessions import Sessions
from tests.connecteurs.serveur_local import servir
from tests.guichet.pilotage.test_indicateurs import JOUR, historique, message

MOT_DE_PASSE = "un mot de passe assez long"


def remplir(base):
    h = historique()
    h["injection"] = [{"event": "session_started", "timestamp": JOUR + 7000},
                      message(JOUR + 7001, "<script>alert(1)</script>", "nlu_fallback")]
    moteur = sa.create_engine(f"sqlite:///{base}")
    with moteur.begin() as c:
        c.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL, "
                          "intent_name TEXT, action_name TEXT, data TEXT)"))
        for sender, evs in h.items():
            for e in evs:
                c.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                          {"s": sender, "t": e["event"], "ts": e["timestamp"], "d": json.dumps(e)})
    moteur.dispose()


@pytest.fixture
async def console(tmp_path):
    remplir(tmp_path / "conversations.sqlite3")
    comptes = Comptes(f"sqlite:///{tmp_path / 'comptes.sqlite3'}")
    comptes.creer("claire.responsable", MOT_DE_PASSE, "responsable")
    comptes.creer("paul.agent", MOT_DE_PASSE, "agent")
    config = ConfigConsole(f"sqlite:///{tmp_path / 'conversations.sqlite3'}", f"sqlite:///{tmp_path / 'comptes.sqlite3'}")
    async with servir(creer_application(config)) as url:
        yield url


def client():
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=aiohttp.ClientTimeout(total=30))


async def connecter(session, url, identifiant, mot_de_passe=MOT_DE_PASSE):
    return await session.post(f"{url}/connexion", data={"identifiant": identifiant, "mot_de_passe": mot_de_passe})


async def test_dashboard_behind_sign_in_with_figures_and_csv(console):
    async with client() as s:
        r = await s.get(f"{console}/pilotage")
        assert r.url.path == "/connexion" and 'lang="fr"' in await r.text()
        r = await connecter(s, console, "claire.responsable", "mauvais mot de passe")
        assert r.status == 401 and "incorrect" in await r.text()
        r = await connecter(s, console, "claire.responsable")
        assert r.status == 200 and r.url.path == "/pilotage"
        page = await (await s.get(f"{console}/pilotage", params={"du": "2026-11-02", "au": "2026-11-03"})).text()
        assert "<td>Conversations</td><td>15</td>" in page  # 14 of the history + the injection one
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
        assert "<td>Parler à un conseiller</td><td>1</td>" in page and "parler_conseiller" not in page  # the editors' labels
        # charts drawn on the server, each readable without seeing it (title, summary, data table), previous period beside
        assert page.count('role="img"') == 4 and page.count("<desc id=") == 4 and page.count("<details>") == 4
        assert "Du 02/11 au 03/11 : 15 conversations" in page and "Période précédente" in page
        r = await s.get(f"{console}/pilotage.csv", params={"du": "2026-11-02", "au": "2026-11-03"})
        assert r.headers["Content-Type"].startswith("text/csv") and "conversations;;15" in await r.text()
        assert (await r.read()).startswith(b"\xef\xbb\xbfindicateur;cle;valeur;libelle\r\n")  # UTF-8 BOM: French Excel reads the accents
        assert "intentions;parler_conseiller;1;Parler à un conseiller" in await r.text()
        assert (await s.get(f"{console}/pilotage", params={"du": "hier"})).status == 400
        await s.post(f"{console}/deconnexion")
        assert (await s.get(f"{console}/pilotage")).url.path == "/connexion"


async def test_agents_do_not_see_the_dashboard(console):
    async with client() as s:
        await connecter(s, console, "paul.agent")
        assert (await s.get(f"{console}/pilotage")).status == 403


async def test_repeated_failures_are_slowed_down(console):
    async with client() as s:
        for _ in range(5):
            assert (await connecter(s, console, "claire.responsable", "non")).status == 401
        assert (await connecter(s, console, "claire.responsable")).status == 429


def test_passwords_are_hashed_and_checked(url_sql):
    import sqlalchemy as sa

    comptes = Comptes(url_sql)
    comptes.creer("claire", MOT_DE_PASSE, "agent")
    assert comptes.verifier("claire", MOT_DE_PASSE).role == "agent"
    assert comptes.verifier("claire", "autre chose encore") is None and comptes.verifier("inconnu", MOT_DE_PASSE) is None
    with comptes.base.lire() as c:
        stocke = c.execute(sa.text("SELECT mot_de_passe FROM comptes")).scalar_one()
    assert stocke.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and MOT_DE_PASSE not in stocke  # parameters kept with it
    with pytest.raises(ValueError, match="already exists"):
        comptes.creer("claire", MOT_DE_PASSE, "agent")
    with pytest.raises(ValueError, match="at least 12"):
        comptes.creer("paul", "court", "agent")


def test_account_command(tmp_path, monkeypatch, capsys):
    import io

    monkeypatch.setenv("GUICHET_DONNEES", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO(MOT_DE_PASSE + "\n"))
    assert comptes_main(["creer", "claire", "--role", "responsable", "--stdin"]) == 0
    assert Comptes(f"sqlite:///{tmp_path / 'comptes.sqlite3'}").verifier("claire", MOT_DE_PASSE).role == "responsable"


def test_an_earlier_version_s_scrypt_account_signs_in_and_its_hash_becomes_argon2id(tmp_path):
    import hashlib
    import sqlite3

    chemin = tmp_path / "comptes.sqlite3"
    ancienne = sqlite3.connect(chemin)  # the table and hash of the previous version
    ancienne.execute("CREATE TABLE comptes (identifiant TEXT PRIMARY KEY, sel BLOB NOT NULL, hachage BLOB NOT NULL, "
                     "role TEXT NOT NULL, cree_le TEXT NOT NULL)")
    sel = b"0123456789abcdef"
    ancienne.execute("INSERT INTO comptes VALUES ('claire', ?, ?, 'agent', '2026-01-01T00:00:00+00:00')",
                     (sel, hashlib.scrypt(MOT_DE_PASSE.encode(), salt=sel, n=2**14, r=8, p=1, dklen=32)))
    ancienne.commit()
    ancienne.close()
    comptes = Comptes(f"sqlite:///{chemin}")
    assert [(e.identifiant, e.actif, e.hachage) for e in comptes.lister()] == [("claire", True, "scrypt")]
    assert comptes.verifier("claire", "pas le bon mot de passe") is None
    assert comptes.lister()[0].hachage == "scrypt"  # a wrong password changes nothing
    assert comptes.verifier("claire", MOT_DE_PASSE).role == "agent"
    assert comptes.lister()[0].hachage == "argon2id"  # replaced at this sign-in
    assert comptes.verifier("claire", MOT_DE_PASSE).role == "agent"


def test_an_argon2_hash_of_weaker_parameters_is_replaced_at_sign_in(url_sql):
    from argon2 import PasswordHasher

    comptes = Comptes(url_sql)
    comptes.creer("claire", MOT_DE_PASSE, "agent")
    with comptes.base.ecrire() as c:
        c.execute(sa.text("UPDATE comptes SET mot_de_passe = :m"),
                  {"m": PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(MOT_DE_PASSE)})
    assert comptes.verifier("claire", MOT_DE_PASSE) is not None
    with comptes.base.lire() as c:
        assert c.execute(sa.text("SELECT mot_de_passe FROM comptes")).scalar_one().startswith("$argon2id$v=19$m=65536,t=3,p=4$")


async def test_disabling_resetting_and_re_enabling_an_account_end_its_sessions_at_once(url_sql, monkeypatch, capsys):
    import io

    from guichet.console.comptes import Compte

    t = [1000.0]
    comptes = Comptes(url_sql, horloge=lambda: t[0])
    comptes.creer("claire", MOT_DE_PASSE, "agent")
    sessions = Sessions(url_sql, duree_s=600, horloge=lambda: t[0])
    jeton = await sessions.ouvrir(Compte("claire", "agent"))
    t[0] += 1
    assert comptes.desactiver("claire")
    assert await sessions.compte(jeton) is None and comptes.verifier("claire", MOT_DE_PASSE) is None
    t[0] += 1
    assert comptes.reactiver("claire") and comptes.verifier("claire", MOT_DE_PASSE) is not None
    jeton = await sessions.ouvrir(Compte("claire", "agent"))
    assert await sessions.compte(jeton) is not None
    t[0] += 1
    assert comptes.changer_mot_de_passe("claire", "un tout nouveau mot de passe")
    assert await sessions.compte(jeton) is None
    assert comptes.verifier("claire", MOT_DE_PASSE) is None and comptes.verifier("claire", "un tout nouveau mot de passe")
    with pytest.raises(ValueError, match="at least 12"):
        comptes.changer_mot_de_passe("claire", "court")
    assert not comptes.desactiver("personne") and not comptes.changer_mot_de_passe("personne", MOT_DE_PASSE)
    monkeypatch.setenv("GUICHET_GRC_BASE", url_sql)  # the command, on the same store
    assert comptes_main(["desactiver", "claire"]) == 0
    assert comptes_main(["lister"]) == 0
    sortie = capsys.readouterr().out
    assert "account claire disabled; its sessions are ended" in sortie
    assert re.search(r"claire\s+agent\s+no\s+\S+\s+argon2id", sortie) and MOT_DE_PASSE not in sortie
    monkeypatch.setattr("sys.stdin", io.StringIO("encore un autre mot de passe\n"))
    assert comptes_main(["mot-de-passe", "claire", "--stdin"]) == 0 and comptes_main(["reactiver", "claire"]) == 0
    assert comptes.verifier("claire", "encore un autre mot de passe") is not None
    assert comptes_main(["reactiver", "personne"]) == 2
    comptes.base.fermer()


async def test_sessions_expire_after_inactivity_and_are_shared_by_console_processes(url_sql):
    import sqlalchemy as sa

    from guichet.console.comptes import Compte

    t = [1000.0]
    comptes = Comptes(url_sql)
    comptes.creer("claire", MOT_DE_PASSE, "agent")
    comptes.creer("paul", MOT_DE_PASSE, "responsable")
    sessions = Sessions(url_sql, duree_s=60, horloge=lambda: t[0])
    autre_processus = Sessions(url_sql, duree_s=60, horloge=lambda: t[0])
    jeton = await sessions.ouvrir(Compte("claire", "agent"))
    t[0] = 1050
    assert await autre_processus.compte(jeton) == Compte("claire", "agent")  # activity extends it, on any process
    t[0] = 1105
    assert await sessions.compte(jeton) is not None
    t[0] = 1200
    assert await sessions.compte(jeton) is None and await sessions.compte("inconnu") is None and await sessions.compte(None) is None
    jeton = await sessions.ouvrir(Compte("paul", "responsable"))  # also removes the expired one
    with sessions.base.lire() as c:
        stockes = c.execute(sa.text("SELECT empreinte, identifiant FROM sessions_console")).all()
    assert len(stockes) == 1 and stockes[0][1] == "paul" and jeton not in stockes[0][0]  # a digest, not the token
    await autre_processus.fermer(jeton)
    assert await sessions.compte(jeton) is None
    comptes.base.fermer()


async def test_sessions_end_at_their_absolute_lifetime_and_when_the_account_changes(url_sql, monkeypatch):
    from guichet.console.comptes import Compte

    t = [1000.0]
    comptes = Comptes(url_sql)
    for nom, role in (("claire", "agent"), ("paul", "agent"), ("lea", "responsable")):
        comptes.creer(nom, MOT_DE_PASSE, role)
    sessions = Sessions(url_sql, duree_s=600, horloge=lambda: t[0], duree_max_s=3600)
    claire = await sessions.ouvrir(Compte("claire", "agent"))
    for _ in range(6):  # active all along: the sliding expiry alone would keep it forever
        t[0] += 500
        assert await sessions.compte(claire) is not None
    t[0] += 700  # past the absolute lifetime (12 h by default, an hour here)
    assert await sessions.compte(claire) is None
    t[0] = 1000.0
    sessions = Sessions(url_sql, duree_s=600, horloge=lambda: t[0], duree_max_s=3600)
    paul = await sessions.ouvrir(Compte("paul", "agent"))
    lea = await sessions.ouvrir(Compte("lea", "responsable"))
    assert comptes.supprimer("paul") and comptes.changer_role("lea", "agent")
    assert await sessions.compte(paul) is None and await sessions.compte(lea) is None  # at once, on every process
    monkeypatch.setenv("GUICHET_GRC_BASE", url_sql)
    assert comptes_main(["role", "personne", "agent"]) == 2
    comptes.base.fermer()


def test_a_sessions_table_of_an_earlier_version_is_migrated(tmp_path):
    import sqlite3

    from guichet.console.comptes import Compte

    chemin = tmp_path / "comptes.sqlite3"
    ancienne = sqlite3.connect(chemin)
    ancienne.execute("CREATE TABLE sessions_console (empreinte TEXT PRIMARY KEY, identifiant TEXT NOT NULL, role TEXT NOT NULL, "
                     "expire DOUBLE PRECISION NOT NULL)")
    ancienne.execute("INSERT INTO sessions_console VALUES ('x', 'claire', 'agent', 1e12)")
    ancienne.commit()
    ancienne.close()
    Comptes(f"sqlite:///{chemin}").creer("claire", MOT_DE_PASSE, "agent")
    sessions = Sessions(f"sqlite:///{chemin}")
    assert asyncio.run(sessions.compte("x")) is None  # an old session has no sign-in time: signed in again
    jeton = asyncio.run(sessions.ouvrir(Compte("claire", "agent")))
    assert asyncio.run(sessions.compte(jeton)) == Compte("claire", "agent")


@pytest.fixture
async def console_agents(tmp_path, url_sql):
    """Agents' routes with the embedded store (and the accounts) in one SQLite file or PostgreSQL database,
    and a Rasa URL where nothing listens."""
    from connecteurs.grc_embarquee.grc import ConfigGrcEmbarquee, GrcEmbarquee
    from connecteurs.modeles import ContexteConversation, CreneauRappel, DemandeRappel

    grc = await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(url_sql, semer_donnees_demo=False))
    reference = (await grc.creer_escalade(ContexteConversation("c1", "socketio", (), (), {}, None))).reference
    await grc.creer_escalade(ContexteConversation("appel-1", "voix", (), (), {}, None, numero_appelant="0612345678"))
    await grc.creer_rappel(DemandeRappel(CreneauRappel.APRES_MIDI, "0698765432", ContexteConversation("c2", "socketio", (), (), {}, None)))
    await grc.fermer()
    comptes, config = console_agents_config(url_sql, tmp_path)
    async with servir(creer_application(config)) as url:
        yield url, reference
    comptes.base.fermer()


def console_agents_config(url_sql, tmp_path):
    """An agent account and the console's config with the queue in `url_sql` and a Rasa URL where nothing listens."""
    from guichet.console.api_rasa import ConfigRasa
    from tests.integration.serveurs import port_libre

    comptes = Comptes(url_sql)
    comptes.creer("paul.agent", MOT_DE_PASSE, "agent")
    return comptes, ConfigConsole(f"sqlite:///{tmp_path / 'conversations.sqlite3'}", url_sql,
                                  rasa=ConfigRasa(f"http://127.0.0.1:{port_libre()}", "jeton-de-test-assez-long"),
                                  url_grc=url_sql, journal_audit=tmp_path / "audit.jsonl")


async def test_agents_api_needs_a_session_and_refuses_cross_site_posts(console_agents):
    url, reference = console_agents
    async with client() as s:
        r = await s.get(f"{url}/api/file")
        assert r.status == 401 and "reconnectez-vous" in (await r.json())["erreur"]
        r = await s.get(f"{url}/", allow_redirects=False)
        assert r.status == 303 and r.headers["Location"] == "/connexion"
        await connecter(s, url, "paul.agent")
        r = await s.post(f"{url}/api/conversations/{reference}/prendre", headers={"Origin": "https://pirate.example"})
        assert r.status == 403
        r = await s.get(f"{url}/api/file")
        chat, appel, rappel = (await r.json())["escalades"]  # oldest first
        assert chat["reference"] == reference and chat["etat"] == "en_attente" and chat["canal"] == "socketio"
        assert (appel["canal"], appel["numero_appelant"], appel["type"]) == ("voix", "0612345678", "conversation")
        assert (rappel["type"], rappel["telephone"], rappel["creneau"]) == ("rappel", "0698765432", "apres_midi")
        assert all(isinstance(e["attente_s"], int) and e["attente_s"] >= 0 for e in (chat, appel, rappel))


async def test_rasa_down_the_agent_still_reads_the_context_and_gets_a_clear_error(console_agents):
    url, reference = console_agents
    async with client() as s:
        await connecter(s, url, "paul.agent")
        r = await s.get(f"{url}/api/conversations/{reference}")
        assert r.status == 200 and (await r.json())["source"] == "enregistrement"
        r = await s.post(f"{url}/api/conversations/{reference}/prendre")
        assert r.status == 503 and "réessayez" in (await r.json())["erreur"]
        for chemin in ("/api/conversations/99999999", "/api/conversations/abc/prendre", f"/api/conversations/{reference}/effacer"):
            r = await (s.get if "prendre" not in chemin and "effacer" not in chemin else s.post)(f"{url}{chemin}")
            assert r.status == 404, chemin
        r = await s.get(f"{url}/conversations/99999999")
        assert r.status == 404 and "introuvable" in await r.text()
        r = await s.post(f"{url}/api/conversations/99999999/prendre")  # no such escalation: not found, not a conflict
        assert r.status == 404 and "n'existe pas" in (await r.json())["erreur"]
        r = await s.post(f"{url}/api/conversations/{reference}/repondre", data=b"pas du json",
                         headers={"Content-Type": "application/json"})
        assert r.status == 400


async def test_sign_in_failures_are_counted_across_console_processes(url_sql):
    from guichet.console.tentatives import Tentatives

    t = [1000.0]
    a = Tentatives(url_sql, essais_max=3, fenetre_s=60, horloge=lambda: t[0])
    b = Tentatives(url_sql, essais_max=3, fenetre_s=60, horloge=lambda: t[0])  # another console process
    for tentatives in (a, b, a):
        assert await tentatives.reserver("claire", "10.0.0.9")  # each counted as a failure until proven right
    assert not await b.reserver("claire", "10.0.0.9") and await b.bloque("claire", "10.0.0.9")
    assert not await b.bloque("paul", "10.0.0.9")
    assert not await b.bloque("claire", "192.0.2.7")  # nobody locks an agent out from everywhere
    t[0] = 1061  # the window has passed
    assert not await a.bloque("claire", "10.0.0.9")
    assert await a.reserver("claire", "10.0.0.9")
    await b.reussite("claire", "10.0.0.9")
    assert not await a.bloque("claire", "10.0.0.9")


async def test_sign_in_limit_is_atomic_and_per_address(tmp_path):
    """Thirty wrong passwords at once: only the allowed ones are checked (scrypt runs 5 times, not 30); the agent's
    own address is not locked out; one address trying many accounts is stopped too."""
    from guichet.console.tentatives import Tentatives

    url = f"sqlite:///{tmp_path / 'comptes.sqlite3'}"
    processus = [Tentatives(url, essais_adresse=8) for _ in range(3)]
    resultats = await asyncio.gather(*(processus[i % 3].reserver("paul.agent", "203.0.113.5") for i in range(30)))
    assert resultats.count(True) == 5
    assert await processus[0].reserver("paul.agent", "198.51.100.1")  # the agent at the town hall
    autres = [await processus[1].reserver(f"compte{i}", "203.0.113.5") for i in range(5)]
    assert autres == [True, True, True, False, False]  # 5 + 3 = the address's 8


async def test_pages_carry_security_headers(console):
    async with client() as s:
        for chemin in ("/connexion", "/pilotage"):
            r = await s.get(f"{console}{chemin}")
            assert r.headers["X-Frame-Options"] == "DENY" and r.headers["X-Content-Type-Options"] == "nosniff"
            assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
            assert r.headers["Referrer-Policy"] == "same-origin"


async def test_sign_in_works_behind_a_tls_reverse_proxy(tmp_path):
    """GUICHET_CONSOLE_HTTPS=1: the browser's Origin is https while the proxy speaks http to the console."""
    comptes = Comptes(f"sqlite:///{tmp_path / 'comptes.sqlite3'}")
    comptes.creer("paul.agent", MOT_DE_PASSE, "agent")
    remplir(tmp_path / "conversations.sqlite3")
    config = ConfigConsole(f"sqlite:///{tmp_path / 'conversations.sqlite3'}", f"sqlite:///{tmp_path / 'comptes.sqlite3'}",
                           cookie_securise=True)
    async with servir(creer_application(config)) as url, client() as s:
        hote = url.split("//", 1)[1]
        donnees = {"identifiant": "paul.agent", "mot_de_passe": MOT_DE_PASSE}
        r = await s.post(f"{url}/connexion", data=donnees, headers={"Origin": f"https://{hote}"}, allow_redirects=False)
        assert r.status == 303
        assert "Secure" in r.headers["Set-Cookie"]
        r = await s.post(f"{url}/connexion", data=donnees, headers={"Origin": "https://pirate.example"}, allow_redirects=False)
        assert r.status == 403


def test_csv_cells_never_start_a_formula():
    from guichet.affichage import cellule_tableur, csv_tableur

    assert [cellule_tableur(v) for v in ("=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "bonjour", 3, 0.125)] == [
        "'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "bonjour", 3, "0,125"]
    # what French Excel opens in columns: a BOM, semicolons, CRLF, decimal commas
    assert csv_tableur([["taux", 0.5], ["note", "=1+1"]]) == "\ufefftaux;0,5\r\nnote;'=1+1\r\n"


async def test_the_queue_api_is_paginated(url_sql, tmp_path):
    """A flood of escalations does not make every agent's refresh read them all: 50 a page, oldest first."""
    from connecteurs.grc_embarquee.grc import ConfigGrcEmbarquee, GrcEmbarquee
    from connecteurs.modeles import ContexteConversation

    grc = await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(url_sql, semer_donnees_demo=False))
    references = [(await grc.creer_escalade(ContexteConversation(f"c{i}", "rest", (), (), {}, None))).reference
                  for i in range(120)]
    await grc.fermer()
    comptes, config = console_agents_config(url_sql, tmp_path)
    async with servir(creer_application(config)) as url, client() as s:
        await connecter(s, url, "paul.agent")
        pages = []
        for numero in (1, 2, 3):
            d = await (await s.get(f"{url}/api/file", params={"page": str(numero)})).json()
            assert (d["total"], d["pages"], d["page"]) == (120, 3, numero)
            pages.extend(e["reference"] for e in d["escalades"])
        assert pages == references  # each once, oldest first
        assert len((await (await s.get(f"{url}/api/file")).json())["escalades"]) == 50
        for mauvaise in ("0", "-1", "abc", "9" * 12):
            assert (await s.get(f"{url}/api/file", params={"page": mauvaise})).status == 400
    comptes.base.fermer()
