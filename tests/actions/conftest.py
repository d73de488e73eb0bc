import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.config import ConfigActions
from configuration.commune import charger_commune
from connecteurs.grc_embarquee.grc import ConfigGrcEmbarquee, GrcEmbarquee
from tests.horloge import Horloge

RACINE = Path(__file__).resolve().parents[2]
OUVERT = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)  # Monday 11:00 in Paris
FERME = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)  # Sunday


@pytest.fixture(scope="session")
def domaine() -> dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(RACINE / "bot" / "domain")).as_dict()


@pytest.fixture
def horloge() -> Horloge:
    return Horloge(OUVERT)


@pytest.fixture
def config(tmp_path) -> ConfigActions:
    return ConfigActions(dossier_donnees=tmp_path, chemin_commune=RACINE / "contenu" / "commune.yml")


@pytest.fixture
async def grc(config, horloge) -> GrcEmbarquee:
    return await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(config.url_grc), horloge)


@pytest.fixture
def installer_services(config, horloge):
    def installer(grc: Any, delai: float | None = None, quotas: Any = None) -> services.Services:
        cfg = config if delai is None else ConfigActions(config.dossier_donnees, config.chemin_commune, delai_connecteur=delai)
        s = services.Services(config=cfg, grc=grc, commune=charger_commune(cfg.chemin_commune), horloge=horloge, quotas=quotas)
        services.installer(s)
        return s

    yield installer
    services.installer(None)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def tracker(
    slots: dict[str, Any] | None = None,
    texte: str = "",
    intention: str = "",
    confiance: float = 1.0,
    evenements: list[dict[str, Any]] | None = None,
    canal: str = "rest",
    sender: str = "citoyen-1",
    active_loop: str | None = None,
    extra_message: dict[str, Any] | None = None,
) -> Tracker:
    message = {"text": texte, "intent": {"name": intention, "confidence": confiance}, "entities": [], **(extra_message or {})}
    evenements = evenements if evenements is not None else [
        {"event": "user", "text": texte, "parse_data": message, "input_channel": canal, "timestamp": 1.0}
    ]
    return Tracker(
        sender_id=sender,
        slots=slots or {},
        latest_message=message,
        events=evenements,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def reponses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages]
