import asyncio
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from tests.integration.serveurs import JETON, Serveurs, lancer
from voix.entetes import ENTETE_SECRET_VOIX, secret_canal_voix

RACINE = Path(__file__).resolve().parents[2]
DELAI = 30.0


def commune_avec_horaires(dossier: Path, horaires: dict[str, list[str]]) -> Path:
    brut = yaml.safe_load((RACINE / "contenu" / "commune.yml").read_text(encoding="utf-8"))
    brut["horaires_conseillers"] = horaires
    chemin = dossier / f"commune-{uuid.uuid4().hex[:6]}.yml"
    chemin.write_text(yaml.safe_dump(brut, allow_unicode=True), encoding="utf-8")
    return chemin


TOUJOURS_OUVERT = {j: ["00:00-24:00"] for j in ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")}
TOUJOURS_FERME = {j: [] for j in ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")}


@pytest.fixture(scope="session")
def serveurs(tmp_path_factory) -> Serveurs:
    dossier = tmp_path_factory.mktemp("guichet")
    s = lancer(dossier, commune_avec_horaires(dossier, TOUJOURS_OUVERT))
    yield s
    s.arreter()


@pytest.fixture
def actions_avec(serveurs):
    """Restart the action server with other settings for one test, then restore it."""

    def redemarrer(**env: str) -> None:
        serveurs.demarrer_actions(**env)

    yield redemarrer
    serveurs.demarrer_actions()


class Conversation:
    def __init__(self, session: aiohttp.ClientSession, url: str, canal: str = "rest") -> None:
        self.session = session
        self.url = f"{url}/webhooks/{canal}/webhook"
        self.sender = f"test-{uuid.uuid4().hex[:10]}"
        # the voice channel only answers the phone gateway, which proves itself with this header
        self.entetes = {ENTETE_SECRET_VOIX: secret_canal_voix(JETON)} if canal == "voix" else {}

    async def dire(self, texte: str, **metadata: Any) -> list[dict[str, Any]]:
        corps = {"sender": self.sender, "message": texte}
        if metadata:
            corps["metadata"] = metadata
        async with self.session.post(self.url, json=corps, headers=self.entetes) as r:
            assert r.status == 200, await r.text()
            return await asyncio.wait_for(r.json(), DELAI)

    async def textes(self, texte: str, **metadata: Any) -> str:
        return "\n".join(m.get("text", "") for m in await self.dire(texte, **metadata))


@pytest.fixture
async def session():
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=DELAI)) as s:
        yield s


@pytest.fixture
def conversation(session, serveurs):
    def nouvelle(canal: str = "rest") -> Conversation:
        return Conversation(session, serveurs.url, canal)

    return nouvelle
