"""Every figure checked against a generated history with known counts."""

import datetime as dt
import random

from guichet.pilotage.indicateurs import calculer, decouper

JOUR = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc).timestamp()


def message(t, texte, intention, canal="rest"):
    return {"event": "user", "timestamp": t, "text": texte, "input_channel": canal,
            "parse_data": {"intent": {"name": intention, "confidence": 0.9}, "text": texte}}


def bot(t, texte="ok"):
    return {"event": "bot", "timestamp": t, "text": texte}


def session(t):
    return [{"event": "action", "timestamp": t, "name": "action_session_start"}, {"event": "session_started", "timestamp": t}]


def faq(t, canal="rest"):
    return [*session(t), message(t + 1, "horaires de la mairie", "faq", canal), bot(t + 2)]


def historique():
    """Known counts: see the assertions."""
    h = {}
    # 6 FAQ chat conversations on day 1, 2 phone ones on day 2 — contained
    for i in range(6):
        h[f"chat-{i}"] = faq(JOUR + i * 60)
    for i in range(2):
        h[f"tel-{i}"] = faq(JOUR + 86400 + i * 60, canal="voix")
    # 1 escalated conversation (day 2)
    h["esc"] = [*session(JOUR + 86400), message(JOUR + 86401, "je veux un conseiller", "parler_conseiller"),
                {"event": "action", "timestamp": JOUR + 86402, "name": "action_escalader"}, {"event": "pause", "timestamp": JOUR + 86403}]
    # 1 abandoned form (day 2): the form is still active at the end
    h["abandon"] = [*session(JOUR + 86500), message(JOUR + 86501, "je veux faire une réclamation", "deposer_reclamation"),
                    {"event": "active_loop", "timestamp": JOUR + 86502, "name": "formulaire_reclamation"}, bot(JOUR + 86503, "Quel sujet ?")]
    # 1 sender who comes back 2 hours later (two conversations, the first is not contained)
    h["retour"] = [*faq(JOUR + 3600), *faq(JOUR + 3600 + 7200)]
    # fallbacks: 2 misunderstood messages in a contained conversation, then satisfaction 4 and a confirmed case lookup
    h["repli"] = [*session(JOUR + 5000), message(JOUR + 5001, "blablabla", "nlu_fallback"), bot(JOUR + 5002),
                  message(JOUR + 5003, "blablabla", "nlu_fallback"), bot(JOUR + 5004),
                  {"event": "slot", "timestamp": JOUR + 5005, "name": "verification_identite", "value": "confirmee"},
                  {"event": "slot", "timestamp": JOUR + 5006, "name": "note_satisfaction", "value": "4"}]
    # a report of category voirie, satisfaction 2
    h["signal"] = [*session(JOUR + 6000), message(JOUR + 6001, "nid de poule", "signaler_probleme"),
                   {"event": "slot", "timestamp": JOUR + 6002, "name": "categorie_signalement", "value": "voirie"},
                   {"event": "action", "timestamp": JOUR + 6003, "name": "action_creer_signalement"}, bot(JOUR + 6004),
                   {"event": "slot", "timestamp": JOUR + 6005, "name": "note_satisfaction", "value": "2"}]
    # outside the range (day 10): ignored
    h["hors"] = faq(JOUR + 8 * 86400)
    return h


def test_every_figure_of_a_known_history():
    i = calculer(historique(), dt.date(2026, 11, 2), dt.date(2026, 11, 3))
    assert i.conversations == 6 + 2 + 1 + 1 + 2 + 1 + 1 == 14
    assert i.par_jour == {"2026-11-02": {"chat": 10}, "2026-11-03": {"chat": 2, "telephone": 2}}
    # contained: all but the escalated, the abandoned and the first "retour" conversation = 11
    assert i.taux_contenues == round(11 / 14, 4)
    assert i.taux_escalade == round(1 / 14, 4) and i.taux_abandon == round(1 / 14, 4)
    # citizen messages: 8 FAQ + 2 retour + 1 + 1 + 2 + 1 = 15, of which 2 fallbacks
    assert i.taux_repli == round(2 / 15, 4)
    assert i.intentions[0] == ("faq", 10)
    assert i.questions_sans_reponse == [("blablabla", 2)]
    assert i.satisfaction == {"2": 1, "4": 1} and i.satisfaction_moyenne == 3.0
    assert i.consultations_dossier == 1
    assert i.signalements_par_categorie == {"voirie": 1}
    assert i.appels == 2 and i.taux_appels_repondus == 1.0


def test_sessions_split_one_sender_into_conversations():
    assert len(decouper("retour", historique()["retour"])) == 2


def test_a_generated_year_is_counted_exactly():
    """A year of random FAQ / escalated conversations: the counts match what was generated."""
    graine = random.Random(7)
    h, attendu_esc, total = {}, 0, 0
    for n in range(3000):
        t = JOUR + graine.randrange(0, 365) * 86400 + graine.randrange(0, 30000)
        evs = faq(t, canal=graine.choice(["rest", "socketio", "voix"]))
        if graine.random() < 0.1:
            evs.append({"event": "pause", "timestamp": t + 3})
            attendu_esc += 1
        h[f"s{n}"] = evs
        total += 1
    i = calculer(h, dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    assert i.conversations == total and sum(sum(v.values()) for v in i.par_jour.values()) == total
    assert i.taux_escalade == round(attendu_esc / total, 4)


def test_command_reads_the_tracker_store_and_writes_csv(tmp_path, monkeypatch, capsys):
    import json as json_

    import sqlalchemy as sa

    from guichet.pilotage.__main__ import main

    base = tmp_path / "conversations.sqlite3"
    moteur = sa.create_engine(f"sqlite:///{base}")
    with moteur.begin() as c:
        c.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL, "
                          "intent_name TEXT, action_name TEXT, data TEXT)"))
        for sender, evs in historique().items():
            for e in evs:
                c.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                          {"s": sender, "t": e["event"], "ts": e["timestamp"], "d": json_.dumps(e)})
    moteur.dispose()
    monkeypatch.setenv("GUICHET_DONNEES", str(tmp_path))
    monkeypatch.setenv("GUICHET_TRACKER_DIALECTE", "sqlite")
    monkeypatch.setenv("GUICHET_TRACKER_BASE", str(base))
    assert main(["--du", "2026-11-02", "--au", "2026-11-03", "--fuseau", "UTC", "--csv"]) == 0
    lignes = capsys.readouterr().out.splitlines()
    assert "conversations;;14" in lignes and "signalements_par_categorie;voirie;1" in lignes
    assert main(["--du", "2026-11-03", "--au", "2026-11-02"]) == 2


def test_form_answers_buttons_and_triggers_are_never_unanswered_questions_and_faq_counts_per_entry():
    """Tried on a fresh instance: all five « unanswered questions » were form answers. Only what the citizen
    asked on their own counts; a FAQ answer counts for its entry; what is shown is masked."""
    demande = lambda t, v: {"event": "slot", "timestamp": t, "name": "requested_slot", "value": v}  # noqa: E731
    reponse_faq = message(JOUR + 4, "c'est quand que la mairie ouvre", "faq")
    reponse_faq["parse_data"]["response_selector"] = {"faq": {"response": {"intent_response_key": "faq/horaires_mairie"}}}
    h = {"reclamation": [
        *session(JOUR), {**message(JOUR + 1, "/saluer", "saluer"), "metadata": {"declencheur": True}},
        message(JOUR + 2, "je veux faire une réclamation", "deposer_reclamation"),
        {"event": "active_loop", "timestamp": JOUR + 3, "name": "formulaire_reclamation"}, demande(JOUR + 3, "sujet_reclamation"),
        message(JOUR + 3.5, "la cantine", "nlu_fallback"), demande(JOUR + 3.6, "description_reclamation"),
        message(JOUR + 3.7, "mon fils Léo a été puni sans raison, appelez-moi au 06 12 34 56 78", "nlu_fallback"),
        demande(JOUR + 3.8, "date_naissance"), message(JOUR + 3.9, "***", "nlu_fallback"),
        demande(JOUR + 3.95, "contact_reclamation"), message(JOUR + 3.97, "[courriel]", "nlu_fallback"),
        demande(JOUR + 3.98, None), {"event": "active_loop", "timestamp": JOUR + 3.99, "name": None},
        reponse_faq, bot(JOUR + 5),
        message(JOUR + 6, "/choisir_sujet{\"sujet\": \"collecte_dechets\"}", "choisir_sujet"),
        message(JOUR + 7, "est-ce que mon voisin au 07 11 22 33 44 peut tondre le dimanche", "nlu_fallback"), bot(JOUR + 8),
    ]}
    i = calculer(h, dt.date(2026, 11, 2), dt.date(2026, 11, 2))
    assert i.questions_sans_reponse == [("est-ce que mon voisin au [téléphone] peut tondre le dimanche", 1)]
    assert dict(i.intentions) == {"deposer_reclamation": 1, "faq/horaires_mairie": 1}
    assert i.taux_repli == round(1 / 3, 4)  # three free messages, one not understood
