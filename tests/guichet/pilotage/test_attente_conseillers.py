"""Agents' waiting time, from the embedded escalation store."""

import datetime as dt
from zoneinfo import ZoneInfo

from connecteurs.grc_embarquee.grc import ConfigGrcEmbarquee, GrcEmbarquee
from connecteurs.modeles import ContexteConversation, CreneauRappel, DemandeRappel
from guichet.pilotage.attente_conseillers import mesurer

PARIS = ZoneInfo("Europe/Paris")


async def test_median_and_90th_percentile_of_the_wait_before_take_over(tmp_path, url_sql):
    instants = iter([dt.datetime(2026, 11, 20, 9, 0, i, tzinfo=dt.timezone.utc) for i in range(60)])
    horloge = {"t": dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)}
    grc = await GrcEmbarquee.ouvrir(ConfigGrcEmbarquee(url_sql, semer_donnees_demo=False), lambda: horloge["t"])
    contexte = ContexteConversation("c", "socketio", (), (), {}, None)
    attentes = [10, 20, 30, 40, 50, 60, 70, 80, 90, 600]
    for attente in attentes:
        horloge["t"] = next(instants)
        reference = (await grc.creer_escalade(contexte)).reference
        horloge["t"] += dt.timedelta(seconds=attente)
        await grc.prendre_escalade(reference, "camille")
    await grc.creer_escalade(contexte)  # still waiting
    await grc.creer_rappel(DemandeRappel(CreneauRappel.MATIN, "0612345678", contexte))
    await grc.fermer()
    a = mesurer(url_sql, dt.date(2026, 11, 20), dt.date(2026, 11, 20), PARIS)
    assert (a.demandes, a.prises, a.en_attente, a.rappels) == (11, 10, 1, 1)
    assert a.mediane_s == 55 and a.p90_s == 90  # median of 10 values; nearest-rank 90th percentile
    autre_jour = mesurer(url_sql, dt.date(2026, 11, 21), dt.date(2026, 11, 22), PARIS)
    assert (autre_jour.demandes, autre_jour.mediane_s) == (0, None)
    absente = tmp_path / "absente.sqlite3"
    assert mesurer(f"sqlite:///{absente}", dt.date(2026, 11, 20), dt.date(2026, 11, 20), PARIS).demandes == 0
    assert not absente.exists()  # reading the figures does not create an empty base
