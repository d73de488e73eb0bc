"""The portal widget and the agents' console in a real browser (Debian's Chromium via
Playwright), against the real Rasa and action servers: FAQ, hand-over to an agent who
sees the context and replies live, hand back, close with satisfaction, reload,
keyboard-only use, connection loss, injection, and axe-core accessibility audits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re

import aiohttp
import pytest
from playwright.async_api import Page, expect

from guichet.console.api_rasa import ConfigRasa
from guichet.console.application import ConfigConsole, creer_application
from guichet.console.comptes import Comptes
from guichet.widget.service import ConfigWidget
from serveur_rasa.session_socketio import JetonsSession
from tests.connecteurs.serveur_local import servir
from tests.integration.navigateur import RACINE, audit_axe, navigateur
from tests.integration.serveurs import JETON

JETONS = JetonsSession.depuis_env({"GUICHET_API_TOKEN": JETON})

pytestmark = pytest.mark.integration
MOT_DE_PASSE = "mot de passe de test assez long"
DELAI_MS = 30_000
CAPTURES = RACINE / "resultats" / "captures"
LANCEUR = "Une question ? Écrivez-nous – ouvrir l'assistant en ligne de Ville de Démo"


@contextlib.asynccontextmanager
async def console_pour(serveurs, tmp_path, serveur_widget: str | None = None):
    comptes = Comptes(f"sqlite:///{tmp_path / 'comptes.sqlite3'}")
    for nom in ("camille.agent", "paul.agent"):
        if comptes.verifier(nom, MOT_DE_PASSE) is None:
            comptes.creer(nom, MOT_DE_PASSE, "agent")
    config = ConfigConsole(
        url_conversations=f"sqlite:///{serveurs.env['GUICHET_TRACKER_BASE']}",
        url_comptes=f"sqlite:///{tmp_path / 'comptes.sqlite3'}",
        rasa=ConfigRasa(serveurs.url, JETON),
        url_grc=f"sqlite:///{serveurs.dossier / 'grc.sqlite3'}",
        journal_audit=tmp_path / "audit.jsonl",
        widget=ConfigWidget(serveur=serveur_widget or serveurs.url, commune="Ville de Démo"),
    )
    async with servir(creer_application(config)) as url:
        yield url


def journal(page: Page):
    return page.get_by_role("log", name="Conversation avec l'assistant")


def bulles(page: Page, auteur: str):
    return page.locator(f"#guichet-widget .gw-msg--{auteur}")


async def ouvrir_widget(page: Page, url: str) -> None:
    await page.goto(f"{url}/widget/demo")
    await page.get_by_role("button", name=LANCEUR).click()
    await expect(bulles(page, "bot").first).to_be_visible(timeout=DELAI_MS)  # the greeting


async def dire(page: Page, texte: str) -> None:
    await page.get_by_label("Votre message").fill(texte)
    await page.get_by_label("Votre message").press("Enter")


async def escalader(page: Page) -> str:
    references = bulles(page, "bot").filter(has_text=re.compile(r"référence : \d{8}"))
    avant = await references.count()
    await dire(page, "je voudrais parler à un conseiller s'il vous plaît")
    await expect(references).to_have_count(avant + 1, timeout=DELAI_MS)
    texte = await references.last.inner_text()
    reference = re.search(r"référence : (\d{8})", texte)
    assert reference, texte
    return reference.group(1)


async def connecter_agent(page: Page, url: str, nom: str = "camille.agent") -> None:
    await page.goto(f"{url}/connexion")
    await page.get_by_label("Identifiant").fill(nom)
    await page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page.get_by_role("heading", name="File d'attente des conversations")).to_be_visible()


async def tracker(serveurs, sender: str) -> dict:
    async with aiohttp.ClientSession() as s:
        async with s.get(f"{serveurs.url}/conversations/{sender}/tracker", params={"token": JETON}) as r:
            return await r.json()


async def test_faq_handover_agent_reply_hand_back_and_reload(serveurs, tmp_path):
    async with console_pour(serveurs, tmp_path) as url, navigateur() as browser:
        citoyen = await (await browser.new_context(locale="fr-FR")).new_page()
        await ouvrir_widget(citoyen, url)
        await dire(citoyen, "c'est quoi les horaires de la mairie ?")
        await expect(journal(citoyen)).to_contain_text("lundi au vendredi", timeout=DELAI_MS)
        reference = await escalader(citoyen)
        session_id = await citoyen.evaluate("JSON.parse(sessionStorage.getItem('guichet.conversation')).session")
        conversation = JETONS.conversation(session_id)

        agent = await (await browser.new_context(locale="fr-FR")).new_page()
        await connecter_agent(agent, url)
        ligne = agent.get_by_role("row").filter(has_text=reference)
        await expect(ligne).to_contain_text("Chat (portail)", timeout=10_000)
        await expect(ligne).to_contain_text("En attente")
        await ligne.get_by_role("link", name=reference).click()
        # the full context, without asking the citizen anything
        await expect(agent.locator("#transcription")).to_contain_text("c'est quoi les horaires de la mairie ?", timeout=10_000)
        await expect(agent.locator("#transcription")).not_to_contain_text("/saluer")  # the widget's opening trigger
        await expect(agent.locator("#intentions")).to_contain_text("Parler à un conseiller")  # the editors' label
        await expect(agent.locator("#intentions")).to_contain_text(" %")
        await expect(agent.locator("#contexte")).to_contain_text(reference)
        await expect(agent.get_by_role("button", name="Envoyer")).to_be_disabled()
        await agent.get_by_role("button", name="Prendre en charge").click()
        await expect(agent.get_by_role("status")).to_contain_text("pris la conversation en charge")
        await expect(citoyen.get_by_role("status")).to_contain_text("Un conseiller a rejoint la conversation", timeout=DELAI_MS)

        # the agent's reply reaches the widget live, as text (no HTML parsed)
        salut = "Bonjour, je suis Camille, du service Accueil. Je reprends votre demande : un instant."
        await citoyen.get_by_role("button", name="Fermer l'assistant").click()  # the citizen closed the panel meanwhile
        await agent.get_by_label("Votre réponse à l'usager").fill(salut)
        await agent.get_by_role("button", name="Envoyer").click()
        lanceur = citoyen.get_by_role("button", name=LANCEUR)
        await expect(lanceur).to_contain_text("(nouveau message)", timeout=DELAI_MS)
        await lanceur.click()
        await expect(lanceur).to_be_hidden()
        await expect(bulles(citoyen, "conseiller").last).to_contain_text(salut, timeout=DELAI_MS)
        await expect(bulles(citoyen, "conseiller").last).to_contain_text("Conseiller :")
        CAPTURES.mkdir(parents=True, exist_ok=True)  # the README's screenshots (copied to docs/)
        await citoyen.set_viewport_size({"width": 900, "height": 760})
        await citoyen.screenshot(path=str(CAPTURES / "widget.png"))
        await agent.set_viewport_size({"width": 1280, "height": 900})

        # an agent's message is rendered as text (no HTML parsed)
        piege = '<img src=x onerror="window.__pirate=1"><script>window.__pirate=2</script>'
        await agent.get_by_label("Votre réponse à l'usager").fill(piege)
        await agent.get_by_role("button", name="Envoyer").click()
        await expect(bulles(citoyen, "conseiller").last).to_contain_text(piege, timeout=DELAI_MS)
        assert await citoyen.evaluate("window.__pirate") is None
        assert await citoyen.locator("#guichet-widget img, #guichet-widget script").count() == 0

        # the citizen answers; the bot stays silent; the agent reads it live
        bots_avant = await bulles(citoyen, "bot").count()
        await dire(citoyen, "merci, mon dossier de permis de construire est en retard")
        await expect(agent.locator("#transcription")).to_contain_text("mon dossier de permis de construire", timeout=10_000)
        await agent.screenshot(path=str(CAPTURES / "console-conversation.png"), full_page=True)
        await asyncio.sleep(1.5)
        assert await bulles(citoyen, "bot").count() == bots_avant

        # a reload keeps the whole conversation
        await citoyen.reload()
        await expect(bulles(citoyen, "conseiller")).to_have_count(2, timeout=DELAI_MS)
        await expect(journal(citoyen)).to_contain_text("c'est quoi les horaires de la mairie ?")
        await expect(journal(citoyen)).to_be_visible()

        # hand back: the bot answers again, on the same session
        await agent.get_by_role("button", name="Rendre la main à l'assistant").click()
        await expect(journal(citoyen)).to_contain_text("Je suis de nouveau à votre écoute", timeout=DELAI_MS)
        await dire(citoyen, "et la dechetterie elle ouvre quand")
        await expect(journal(citoyen)).to_contain_text("de 14 h à 18 h", timeout=DELAI_MS)
        assert await citoyen.evaluate("JSON.parse(sessionStorage.getItem('guichet.conversation')).session") == session_id

        # the agent's message is in the same tracker, tagged as the agent's
        evenements = (await tracker(serveurs, conversation))["events"]
        conseiller = [e for e in evenements if e["event"] == "bot" and (e.get("metadata") or {}).get("auteur") == "conseiller"]
        assert [e["text"] for e in conseiller if e["text"]] == [salut, piege]
        assert not (await tracker(serveurs, conversation))["paused"]
        # and every access of the agent is in the audit trail
        audit = [json.loads(ligne) for ligne in (tmp_path / "audit.jsonl").read_text().splitlines()]
        assert {(a["operateur"], a["action"]) for a in audit} >= {
            ("camille.agent", "consultation_conversation"), ("camille.agent", "prise_en_charge"),
            ("camille.agent", "message_conseiller"), ("camille.agent", "rendu_assistant")}
        assert piege not in (tmp_path / "audit.jsonl").read_text()


async def test_close_asks_satisfaction_and_a_second_agent_cannot_take_over(serveurs, tmp_path):
    async with console_pour(serveurs, tmp_path) as url, navigateur() as browser:
        citoyen = await (await browser.new_context()).new_page()
        await ouvrir_widget(citoyen, url)
        reference = await escalader(citoyen)
        camille = await (await browser.new_context()).new_page()
        paul = await (await browser.new_context()).new_page()
        await connecter_agent(camille, url)
        await connecter_agent(paul, url, "paul.agent")
        await camille.goto(f"{url}/conversations/{reference}")
        await camille.get_by_role("button", name="Prendre en charge").click()
        await expect(camille.get_by_role("button", name="Clore la conversation")).to_be_enabled(timeout=10_000)
        await paul.goto(f"{url}/conversations/{reference}")
        await expect(paul.get_by_role("button", name="Prendre en charge")).to_be_disabled(timeout=10_000)
        await expect(paul.get_by_role("button", name="Clore la conversation")).to_be_disabled()
        async with aiohttp.ClientSession() as s:  # the API refuses too, not only the buttons
            cookies = {c["name"]: c["value"] for c in await paul.context.cookies()}
            async with s.post(f"{url}/api/conversations/{reference}/clore", cookies=cookies) as r:
                assert r.status == 409 and "Prenez d'abord la conversation en charge" in (await r.json())["erreur"]

        await camille.get_by_role("button", name="Clore la conversation").click()
        groupe = citoyen.get_by_role("group", name="Réponses proposées")
        await expect(groupe).to_be_visible(timeout=DELAI_MS)
        await expect(journal(citoyen)).to_contain_text("Le conseiller a terminé la conversation")
        assert await groupe.get_by_role("button").all_inner_texts() == ["1", "2", "3", "4", "5"]
        await groupe.get_by_role("button", name="5").click()
        await expect(bulles(citoyen, "usager").last).to_have_text(re.compile(r"5$"))
        await expect(journal(citoyen)).to_contain_text("Au revoir", timeout=DELAI_MS)
        await camille.goto(url + "/")
        await expect(camille.get_by_role("row").filter(has_text=reference)).to_have_count(0, timeout=10_000)


async def test_keyboard_only_open_send_quick_reply_and_escape(serveurs, tmp_path):
    async with console_pour(serveurs, tmp_path) as url, navigateur() as browser:
        page = await (await browser.new_context()).new_page()
        await page.goto(f"{url}/widget/demo")
        lanceur = page.get_by_role("button", name=LANCEUR)
        for _ in range(10):
            await page.keyboard.press("Tab")
            if await lanceur.evaluate("b => b === document.activeElement"):
                break
        else:
            pytest.fail("the launcher cannot be reached with Tab")
        await page.keyboard.press("Enter")
        champ = page.get_by_label("Votre message")
        await expect(champ).to_be_focused()
        await expect(bulles(page, "bot").first).to_be_visible(timeout=DELAI_MS)
        await page.keyboard.type("au revoir")
        await page.keyboard.press("Enter")
        groupe = page.get_by_role("group", name="Réponses proposées")
        await expect(groupe).to_be_visible(timeout=DELAI_MS)
        await expect(champ).to_be_focused()
        await page.keyboard.press("Shift+Tab")
        await expect(groupe.get_by_role("button", name="5")).to_be_focused()
        await page.keyboard.press("Shift+Tab")
        await expect(groupe.get_by_role("button", name="4")).to_be_focused()
        await page.keyboard.press("Enter")
        await expect(bulles(page, "usager").last).to_contain_text("4", timeout=DELAI_MS)
        await expect(groupe).to_have_count(0)
        # visible focus: the focused element draws an outline
        await champ.focus()
        assert await champ.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
        await page.keyboard.press("Escape")
        await expect(page.get_by_role("dialog")).to_be_hidden()
        await expect(lanceur).to_be_focused()
        assert await lanceur.get_attribute("aria-expanded") == "false"


async def test_axe_finds_no_serious_violation_in_widget_and_console(serveurs, tmp_path):
    """axe is injected as an inline script: these browser contexts bypass the pages' CSP (the others keep it)."""
    async with console_pour(serveurs, tmp_path) as url, navigateur() as browser:
        page = await (await browser.new_context(bypass_csp=True)).new_page()
        await ouvrir_widget(page, url)
        await dire(page, "au revoir")
        await expect(page.get_by_role("group", name="Réponses proposées")).to_be_visible(timeout=DELAI_MS)
        assert await audit_axe(page) == []
        await page.get_by_role("button", name="Fermer l'assistant").click()
        assert await audit_axe(page) == []

        citoyen = await (await browser.new_context(bypass_csp=True)).new_page()
        await ouvrir_widget(citoyen, url)
        reference = await escalader(citoyen)
        agent = await (await browser.new_context(bypass_csp=True)).new_page()
        await agent.goto(f"{url}/connexion")
        assert await audit_axe(agent) == []
        await connecter_agent(agent, url)
        await expect(agent.get_by_role("row").filter(has_text=reference)).to_have_count(1, timeout=10_000)
        assert await audit_axe(agent) == []
        await agent.goto(f"{url}/conversations/{reference}")
        await expect(agent.locator("#transcription li").first).to_be_visible(timeout=10_000)
        assert await audit_axe(agent) == []


async def test_reduced_motion_and_200_percent_text(serveurs, tmp_path):
    async with console_pour(serveurs, tmp_path) as url, navigateur() as browser:
        contexte = await browser.new_context(reduced_motion="reduce", viewport={"width": 1280, "height": 800})
        page = await contexte.new_page()
        await ouvrir_widget(page, url)
        await page.evaluate("document.documentElement.style.fontSize = '200%'")
        # the typing dots do not blink under reduced motion (checked on a fixed element: the live one comes and goes)
        animation = """() => { const p = document.createElement('span'); p.className = 'gw-points';
            const d = document.createElement('span'); d.textContent = '.'; p.appendChild(d);
            document.querySelector('#guichet-widget .gw-statut').appendChild(p);
            const nom = getComputedStyle(d).animationName; p.remove(); return nom; }"""
        assert await page.evaluate(animation) == "none"
        await page.emulate_media(reduced_motion="no-preference")
        assert await page.evaluate(animation) == "gw-clignote"
        await page.emulate_media(reduced_motion="reduce")
        await dire(page, "bonjour")
        # at 200 % text everything stays inside the viewport and nothing is cut horizontally
        dialogue = page.get_by_role("dialog")
        boite = await dialogue.bounding_box()
        assert boite and boite["x"] >= 0 and boite["x"] + boite["width"] <= 1280
        assert await page.evaluate("document.querySelector('.gw-journal').scrollWidth <= document.querySelector('.gw-journal').clientWidth")
        await expect(page.get_by_role("button", name="Envoyer")).to_be_visible()


async def test_connection_lost_then_back_without_losing_the_message(serveurs, tmp_path):
    """The widget reaches Rasa through a TCP relay that the test cuts and restores."""
    relais = Relais("127.0.0.1", serveurs.config.port_rasa)
    await relais.demarrer()
    try:
        async with console_pour(serveurs, tmp_path, serveur_widget=relais.url) as url, navigateur() as browser:
            page = await (await browser.new_context()).new_page()
            await ouvrir_widget(page, url)
            await relais.couper()
            await expect(page.get_by_role("status")).to_contain_text("Connexion perdue", timeout=DELAI_MS)
            await dire(page, "Quels sont les horaires d'ouverture de la mairie ?")  # a training example: this tests the link, not the NLU
            await expect(bulles(page, "usager").last).to_contain_text("en attente d'envoi")
            await relais.demarrer()
            await expect(journal(page)).to_contain_text("lundi au vendredi", timeout=DELAI_MS)
            await expect(page.get_by_role("status")).not_to_contain_text("Connexion perdue")
            await expect(bulles(page, "usager").last).not_to_contain_text("en attente d'envoi")
    finally:
        await relais.couper()


async def test_a_message_sent_while_the_widget_was_away_is_shown_once_back(serveurs, tmp_path):
    """An agent writes while the citizen's network is down: the widget shows it once the connection is back, once."""
    relais = Relais("127.0.0.1", serveurs.config.port_rasa)
    await relais.demarrer()
    try:
        async with console_pour(serveurs, tmp_path, serveur_widget=relais.url) as url, navigateur() as browser:
            page = await (await browser.new_context()).new_page()
            await ouvrir_widget(page, url)
            await dire(page, "Quels sont les horaires d'ouverture de la mairie ?")
            await expect(journal(page)).to_contain_text("lundi au vendredi", timeout=DELAI_MS)
            session_id = await page.evaluate("JSON.parse(sessionStorage.getItem('guichet.conversation')).session")
            await relais.couper()
            await expect(page.get_by_role("status")).to_contain_text("Connexion perdue", timeout=DELAI_MS)
            await asyncio.sleep(1)  # the server has seen the socket go
            async with aiohttp.ClientSession() as s:
                async with s.post(f"{serveurs.url}/conversations/{JETONS.conversation(session_id)}/tracker/events",
                                  params={"token": JETON, "output_channel": "socketio", "execute_side_effects": "true"},
                                  json=[{"event": "bot", "text": "Votre demande est transmise au service urbanisme.",
                                         "metadata": {"auteur": "conseiller"}}]) as r:
                    assert r.status == 200
            await relais.demarrer()
            manque = bulles(page, "bot").filter(has_text="transmise au service urbanisme")
            await expect(manque).to_have_count(1, timeout=DELAI_MS)
            await page.reload()  # the replayed message is counted: a reload shows it once, never twice
            await expect(bulles(page, "bot").filter(has_text="transmise au service urbanisme")).to_have_count(1, timeout=DELAI_MS)
            await asyncio.sleep(2)
            await expect(bulles(page, "bot").filter(has_text="transmise au service urbanisme")).to_have_count(1)
    finally:
        await relais.couper()


class Relais:
    """A TCP relay to the Rasa server that can be cut (as a network failure would)."""

    def __init__(self, hote: str, port_cible: int) -> None:
        self.hote, self.port_cible = hote, port_cible
        self.port = 0
        self._serveur: asyncio.base_events.Server | None = None
        self._connexions: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def demarrer(self) -> None:
        self._serveur = await asyncio.start_server(self._relayer, "127.0.0.1", self.port)
        self.port = self._serveur.sockets[0].getsockname()[1]

    async def couper(self) -> None:
        if self._serveur is not None:
            self._serveur.close()
            self._serveur = None
        for w in list(self._connexions):
            w.transport.abort()
        self._connexions.clear()

    async def _relayer(self, lecteur: asyncio.StreamReader, ecrivain: asyncio.StreamWriter) -> None:
        try:
            l2, e2 = await asyncio.open_connection(self.hote, self.port_cible)
        except OSError:
            ecrivain.close()
            return
        self._connexions.update((ecrivain, e2))

        async def copier(de: asyncio.StreamReader, vers: asyncio.StreamWriter) -> None:
            try:
                while donnees := await de.read(65536):
                    vers.write(donnees)
                    await vers.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                vers.transport.abort()

        await asyncio.gather(copier(lecteur, e2), copier(l2, ecrivain))


async def test_bot_answers_render_links_but_never_html(serveurs, tmp_path):
    """A bot answer (as an editor could write one) with HTML is shown as text; links stay links."""
    async with console_pour(serveurs, tmp_path) as url, navigateur() as browser:
        page = await (await browser.new_context()).new_page()
        await ouvrir_widget(page, url)
        session_id = await page.evaluate("JSON.parse(sessionStorage.getItem('guichet.conversation')).session")
        conversation = JETONS.conversation(session_id)
        texte = ('Voir [la fiche officielle](https://www.service-public.fr/particuliers/vosdroits/F1341) '
                 '<img src=x onerror="window.__pirate=1"> [piège](javascript:window.__pirate=2) **important**')
        async with aiohttp.ClientSession() as s:
            async with s.post(f"{serveurs.url}/conversations/{conversation}/tracker/events",
                              params={"token": JETON, "output_channel": "latest", "execute_side_effects": "true"},
                              json=[{"event": "bot", "text": texte}]) as r:
                assert r.status == 200
        bulle = bulles(page, "bot").last
        await expect(bulle).to_contain_text('<img src=x onerror="window.__pirate=1">', timeout=DELAI_MS)
        lien = bulle.get_by_role("link", name="la fiche officielle")
        assert await lien.get_attribute("href") == "https://www.service-public.fr/particuliers/vosdroits/F1341"
        assert await lien.get_attribute("rel") == "noopener noreferrer"
        await expect(lien).to_contain_text("(nouvelle fenêtre)")
        assert await bulle.get_by_role("link").count() == 1  # javascript: is never a link
        await expect(bulle.locator("strong")).to_have_text("important")
        assert await page.evaluate("window.__pirate") is None and await bulle.locator("img").count() == 0


async def test_the_queue_is_pushed_to_agents_with_a_sound_and_the_title_and_the_sound_can_be_turned_off(serveurs, tmp_path):
    """No polling: the page holds one server-sent-events stream; a new escalation appears by itself, rings once
    and shows in the tab's title; the sound switch is remembered."""
    import uuid

    async with console_pour(serveurs, tmp_path) as url, navigateur() as browser:
        agent = await (await browser.new_context(locale="fr-FR")).new_page()
        requetes: list[str] = []
        agent.on("request", lambda r: requetes.append(r.url))
        await connecter_agent(agent, url)
        son = agent.get_by_role("button", name=re.compile("Son des nouvelles demandes"))
        await expect(son).to_have_attribute("aria-pressed", "false")
        await expect(agent.locator("#etat-file")).to_contain_text("demande(s) en attente", timeout=DELAI_MS)
        titre = await agent.title()
        async with aiohttp.ClientSession() as s:  # a citizen asks for an agent (REST channel)
            async with s.post(f"{serveurs.url}/webhooks/rest/webhook", json={
                    "sender": f"flux-{uuid.uuid4().hex[:8]}", "message": "je veux parler à un conseiller"}) as r:
                texte = " ".join(m.get("text", "") for m in await r.json())
        reference = re.search(r"\d{8}", texte).group(0)
        await expect(agent.get_by_role("link", name=reference)).to_be_visible(timeout=10_000)
        await expect(agent).to_have_title(re.compile(r"^\(1 nouvelle\) "), timeout=5_000)
        assert await agent.evaluate("document.body.dataset.alertes") == "1"
        assert titre in await agent.title()
        assert not any(u.split("?")[0].endswith("/api/file") for u in requetes)  # pushed, not polled
        assert sum(u.endswith("/api/file/flux") for u in requetes) == 1
        await son.click()  # the agent turns the sound off; coming back to the page clears the title
        await expect(son).to_have_attribute("aria-pressed", "true")
        assert await agent.title() == titre
        await agent.reload()
        await expect(agent.get_by_role("button", name=re.compile("Son des nouvelles demandes"))).to_have_attribute("aria-pressed", "true")
