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
