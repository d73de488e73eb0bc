"""Daily summaries: same figures as the events, stored once a day is final, texts forgotten with the retention."""

import datetime as dt
import json
import random

import sqlalchemy as sa

from guichet.pilotage.indicateurs import calculer
from guichet.pilotage.resumes import TABLE, indicateurs, oublier_textes
from tests.guichet.pilotage.test_indicateurs import JOUR, faq, historique, message


def base(tmp_path, h):
    url = f"sqlite:///{tmp_path / 'conversations.sqlite3'}"
    moteur = sa.create_engine(url)
    with moteur.begin() as c:
        c.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL, data TEXT)"))
        for sender, evs in h.items():
            for e in evs:
                c.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                          {"s": sender, "t": e["event"], "ts": e["timestamp"], "d": json.dumps(e)})
    moteur.dispose()
    return url


def annee():
    g = random.Random(3)
    h = historique()
    for n in range(400):
        t = JOUR + g.randrange(-200, 20) * 86400 + g.randrange(0, 30000)
        evs = faq(t, canal=g.choice(["rest", "socketio", "voix"]))
        if g.random() < 0.2:
            evs.append(message(t + 5, f"question inconnue {n % 7}", "nlu_fallback"))
        if g.random() < 0.1:
            evs.append({"event": "pause", "timestamp": t + 6})
        h[f"a{n}"] = evs
    return h


def test_same_figures_as_from_the_events_and_only_final_days_stored(tmp_path):
    h = annee()
    url = base(tmp_path, h)
    du, au = dt.date(2026, 4, 1), dt.date(2026, 11, 30)
    aujourd_hui = dt.date(2026, 11, 15)
    attendu = calculer(h, du, au)
    assert indicateurs(url, du, au, dt.timezone.utc, aujourd_hui) == attendu
    moteur = sa.create_engine(url)
    with moteur.connect() as c:
        jours = [r[0] for r in c.execute(sa.text(f"SELECT jour FROM {TABLE} ORDER BY jour"))]
    assert jours[0] == "2026-04-01" and jours[-1] == "2026-11-13"  # two days back from today: final
    with moteur.begin() as c:  # stored days are read from the summaries, not from the events any more
        c.execute(sa.text("DELETE FROM events WHERE timestamp < :t"), {"t": dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc).timestamp()})
    moteur.dispose()
    relu = indicateurs(url, du, au, dt.timezone.utc, aujourd_hui)
    assert relu.conversations == attendu.conversations and relu.taux_escalade == attendu.taux_escalade
    assert relu.questions_sans_reponse == attendu.questions_sans_reponse


def test_retention_forgets_question_texts_not_counts(tmp_path):
    h = annee()
    url = base(tmp_path, h)
    du, au = dt.date(2026, 4, 1), dt.date(2026, 10, 31)
    avant = indicateurs(url, du, au, dt.timezone.utc, dt.date(2026, 11, 15))
    assert avant.questions_sans_reponse
    assert oublier_textes(url, dt.date(2026, 11, 1)) > 0
    apres = indicateurs(url, du, au, dt.timezone.utc, dt.date(2026, 11, 15))
    assert apres.questions_sans_reponse == [] and apres.taux_repli == avant.taux_repli and apres.conversations == avant.conversations
    assert oublier_textes(f"sqlite:///{tmp_path / 'vide.sqlite3'}", dt.date(2026, 11, 1)) == 0


def test_summaries_counted_under_older_rules_are_counted_again_while_their_events_are_kept(tmp_path):
    h = annee()
    url = base(tmp_path, h)
    du, au, aujourd_hui = dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 11, 15)
    attendu = indicateurs(url, du, au, dt.timezone.utc, aujourd_hui)
    moteur = sa.create_engine(url)
    with moteur.begin() as c:  # as an earlier version stored them: no rules version, a form answer among the questions
        for jour, comptes in c.execute(sa.text(f"SELECT jour, comptes FROM {TABLE}")).all():
            donnees = json.loads(comptes)
            donnees.pop("_regles")
            donnees["questions"] = {**donnees.get("questions", {}), "***": 3}
            c.execute(sa.text(f"UPDATE {TABLE} SET comptes = :c WHERE jour = :j"), {"c": json.dumps(donnees), "j": jour})
        # the events of October 1–10 are gone (retention): those days keep their older summary
        c.execute(sa.text("DELETE FROM events WHERE timestamp < :t"), {"t": dt.datetime(2026, 10, 11, tzinfo=dt.timezone.utc).timestamp()})
    relu = indicateurs(url, du, au, dt.timezone.utc, aujourd_hui)
    assert relu.conversations == attendu.conversations
    questions = dict(relu.questions_sans_reponse)
    anciens = sum(1 for j in range(1, 11) if dt.date(2026, 10, j) in _jours_actifs(h))
    assert anciens and questions.get("***", 0) == 3 * anciens  # only the days whose events are gone keep it
    with moteur.connect() as c:
        versions = {json.loads(k).get("_regles") for (k,) in c.execute(sa.text(f"SELECT comptes FROM {TABLE} WHERE jour > '2026-10-10'"))}
    assert versions == {2}  # counted again and stored with the current rules
    moteur.dispose()


def _jours_actifs(h):
    return {dt.datetime.fromtimestamp(e["timestamp"], dt.timezone.utc).date() for evs in h.values() for e in evs
            if e["event"] == "user"}
