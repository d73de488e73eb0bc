"""The masking tracker store on a real SQLite database, through Rasa's own save/retrieve."""

import json
import sqlite3

from serveur_rasa.tracker_masque import TrackerStoreMasque


async def test_stored_events_are_masked_and_memory_is_not(tmp_path):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    base = tmp_path / "conversations.sqlite3"
    magasin = TrackerStoreMasque(Domain.empty(), dialect="sqlite", db=str(base))
    parse = {"intent": {"name": "deposer_reclamation", "confidence": 0.9}, "entities": [], "text": "réclamation, joignez-moi au 06 12 34 56 78"}
    evenements = [
        UserUttered("réclamation, joignez-moi au 06 12 34 56 78", parse_data=parse),
        SlotSet("requested_slot", "date_naissance"),
        UserUttered("12/03/1985", parse_data={"intent": {"name": "informer", "confidence": 0.9}, "entities": [], "text": "12/03/1985"}),
        SlotSet("date_naissance", "1985-03-12"),
        SlotSet("requested_slot", "contact_reclamation"),
        UserUttered("claire@example.org"),
        SlotSet("contact_reclamation", "claire@example.org"),
        SlotSet("numero_dossier", "24578301"),
        BotUttered("Votre réclamation est enregistrée."),
        ActionExecuted("action_listen"),
    ]
    tracker = DialogueStateTracker.from_events("s1", evenements, slots=Domain.empty().slots)
    await magasin.save(tracker)
    assert tracker.events[0].text == "réclamation, joignez-moi au 06 12 34 56 78"  # memory untouched

    c = sqlite3.connect(base)
    stockes = [json.loads(d) for (d,) in c.execute("SELECT data FROM events WHERE sender_id = 's1' ORDER BY id")]
    c.close()
    textes = [e.get("text") for e in stockes if e["event"] == "user"]
    assert textes == ["réclamation, joignez-moi au [téléphone]", "***", "[courriel]"]
    assert stockes[0]["parse_data"]["text"] == "réclamation, joignez-moi au [téléphone]"
    slots = {e["name"]: e["value"] for e in stockes if e["event"] == "slot"}
    assert slots["date_naissance"] == "***" and slots["contact_reclamation"] == "[courriel]"
    assert slots["numero_dossier"] == "24578301"  # what the adviser needs stays
    brut = base.read_bytes()
    assert b"06 12 34 56 78" not in brut and b"claire@example.org" not in brut and b"1985" not in brut

    # later saves append only the new events, masked too
    tracker.update(UserUttered("mon iban FR7630006000011234567890189"))
    await magasin.save(tracker)
    relu = await magasin.retrieve("s1")
    assert relu.events[-1].text == "mon iban [IBAN]" and len(relu.events) == len(tracker.events)


def _conversation(domaine):
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, SlotSet, UserUttered

    return [
        ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=1.0),
        UserUttered("bonjour", parse_data={"intent": {"name": "saluer", "confidence": 1.0}, "entities": []}, timestamp=2.0),
        BotUttered("Bonjour !", timestamp=3.0), ActionExecuted("action_listen", timestamp=3.0),
        ActionExecuted("action_session_start", timestamp=10.0), SessionStarted(timestamp=10.0),
        UserUttered("où en est mon dossier", timestamp=11.0), ActiveLoop("formulaire_suivi_dossier", timestamp=11.0),
        SlotSet("requested_slot", "date_naissance", timestamp=11.0), ActionExecuted("action_listen", timestamp=11.0),
    ]


async def test_reads_the_current_session_as_rasa_does_on_sqlite_and_postgresql(url_sql):
    """The direct statements return what Rasa's own SQL tracker store returns, on both databases."""
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    url = sa.engine.make_url(url_sql)
    options = {"dialect": url.drivername.split("+")[0], "db": url.database}
    if url.host:
        options.update(host=url.host, port=url.port, username=url.username)
    domaine = Domain.empty()
    magasin = TrackerStoreMasque(domaine, **options)
    assert magasin._rapide() is not None  # the direct path is the one tested
    tracker = DialogueStateTracker.from_events("c1", _conversation(domaine)[:5], slots=domaine.slots)
    await magasin.save(tracker)
    for evenement in _conversation(domaine)[5:]:  # a new session starts in the next turn
        tracker.update(evenement)
    await magasin.save(tracker)
    suite = await magasin.retrieve("c1")  # the next turn works on the current session only, as in Rasa
    await magasin.save(suite)  # nothing new: nothing added
    suite.update(BotUttered("Quelle est votre date de naissance ?", timestamp=12.0))
    await magasin.save(suite)
    rasa = SQLTrackerStore(domaine, **options)
    for lire in ("retrieve", "retrieve_full_tracker"):
        nous, eux = await getattr(magasin, lire)("c1"), await getattr(rasa, lire)("c1")
        assert [e.as_dict() for e in nous.events] == [e.as_dict() for e in eux.events]
    assert len((await magasin.retrieve("c1")).events) == 7 and len((await magasin.retrieve_full_tracker("c1")).events) == 12
    assert await magasin.retrieve("inconnu") is None


async def test_the_proof_answer_is_masked_when_the_question_was_asked_in_an_earlier_turn(tmp_path):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    base = tmp_path / "t.sqlite3"
    magasin = TrackerStoreMasque(Domain.empty(), dialect="sqlite", db=str(base))
    tracker = DialogueStateTracker.from_events("c2", _conversation(Domain.empty()), slots=Domain.empty().slots)
    await magasin.save(tracker)  # the turn ends on "requested_slot: date_naissance"
    tracker.update(UserUttered("12/03/1985", parse_data={"intent": {"name": "informer"}, "entities": [
        {"entity": "date", "value": "12/03/1985", "start": 0, "end": 10}]}))
    await magasin.save(tracker)
    assert tracker.events[-1].text == "12/03/1985" and tracker.events[-1].parse_data["entities"][0]["value"] == "12/03/1985"
    c = sqlite3.connect(base)
    dernier = json.loads(c.execute("SELECT data FROM events ORDER BY id DESC LIMIT 1").fetchone()[0])
    c.close()
    assert dernier["text"] == "***" and dernier["parse_data"]["text"] == "***" and dernier["parse_data"]["entities"][0]["value"] == "***"
    assert b"1985" not in base.read_bytes()


async def test_the_caller_s_number_in_metadata_is_masked_and_the_event_broker_gets_masked_events_only(tmp_path):
    """Rasa's own SQL event broker on a real SQLite file, as endpoints.yml would configure it."""
    from rasa.core.brokers.sql import SQLEventBroker
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    courtier = SQLEventBroker(dialect="sqlite", db=str(tmp_path / "evenements.sqlite3"))
    magasin = TrackerStoreMasque(Domain.empty(), dialect="sqlite", db=str(tmp_path / "conversations.sqlite3"),
                                 event_broker=courtier)
    tracker = DialogueStateTracker.from_events("appel-1", [
        UserUttered("mon mail claire point martin arobase exemple point fr", metadata={"numero_appelant": "0612345678"}),
        SlotSet("requested_slot", "date_naissance"),
        UserUttered("douze mars mille neuf cent quatre-vingt-cinq", metadata={"numero_appelant": "0612345678"}),
        SlotSet("date_naissance", "1985-03-12"),
        SlotSet("requested_slot", None),
        BotUttered("Merci."),
    ], slots=Domain.empty().slots)
    await magasin.save(tracker)
    tracker.update(UserUttered("rappelez-moi au +33 (0)7 11 22 33 44", metadata={"numero_appelant": "0612345678"}))
    await magasin.save(tracker)  # only the new event is published
    assert tracker.latest_message.metadata["numero_appelant"] == "0612345678"  # the running dialogue keeps it

    publies = [json.loads(d) for (d,) in sqlite3.connect(tmp_path / "evenements.sqlite3").execute(
        "SELECT data FROM events ORDER BY id")]
    assert [e["event"] for e in publies] == ["user", "slot", "user", "slot", "slot", "bot", "user"]
    assert all(e["sender_id"] == "appel-1" for e in publies)
    utilisateurs = [e for e in publies if e["event"] == "user"]
    assert [e["text"] for e in utilisateurs] == ["mon mail [courriel]", "***", "rappelez-moi au [téléphone]"]
    assert {e["metadata"]["numero_appelant"] for e in utilisateurs} == {"[téléphone]"}
    for base in ("evenements.sqlite3", "conversations.sqlite3"):
        brut = (tmp_path / base).read_bytes()
        assert b"0612345678" not in brut and b"1985" not in brut and b"martin" not in brut and b"11 22 33" not in brut, base
