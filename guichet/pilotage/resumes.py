"""Daily summaries of the steering figures, so that a year is read in well under a second.

Each finished day's counts (`indicateurs.ComptesJour`) are stored once in the
tracker store's database (table `guichet_resumes_journaliers`, SQLite or
PostgreSQL through SQLAlchemy); a period's figures are the sum of its days.
Days are only stored once they can no longer change (two days old: the
24-hour return rule and late events); recent days are computed from the
events each time. Retention: the unanswered questions' texts are removed from
the summaries of days older than the conversations' retention limit
(`oublier_textes`), the counts stay (they are anonymous).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import sqlalchemy as sa

from guichet.pilotage.indicateurs import ComptesJour, Indicateurs, assembler, compter_par_jour
from guichet.pilotage.lecture import lire_evenements

TABLE = "guichet_resumes_journaliers"
DELAI_STABLE = dt.timedelta(days=2)
# the counting rules' version, stored with each summary: a summary of older rules is counted again from the
# events while they are kept (2: form answers, buttons and triggers are no longer « questions »; FAQ per entry)
REGLES_COMPTAGE = 2


def _table(meta: sa.MetaData) -> sa.Table:
    return sa.Table(TABLE, meta, sa.Column("jour", sa.String(10), primary_key=True),
                    sa.Column("comptes", sa.Text, nullable=False), sa.Column("calcule_le", sa.String(32), nullable=False))


def _plages(jours: list[dt.date]) -> Iterator[tuple[dt.date, dt.date]]:
    """Consecutive runs of days."""
    debut = precedent = None
    for j in sorted(jours):
        if precedent is not None and j - precedent == dt.timedelta(days=1):
            precedent = j
            continue
        if debut is not None and precedent is not None:
            yield debut, precedent
        debut = precedent = j
    if debut is not None and precedent is not None:
        yield debut, precedent


def indicateurs(url: str, debut: dt.date, fin: dt.date, fuseau: dt.tzinfo, aujourd_hui: dt.date) -> Indicateurs:
    stable = aujourd_hui - DELAI_STABLE
    meta = sa.MetaData()
    table = _table(meta)
    moteur = sa.create_engine(url)
    try:
        meta.create_all(moteur)
        with moteur.connect() as c:
            lignes = c.execute(sa.select(table.c.jour, table.c.comptes).where(
                table.c.jour >= debut.isoformat(), table.c.jour <= fin.isoformat())).all()
        jours: dict[dt.date, ComptesJour] = {}
        perimes: set[dt.date] = set()  # counted under older rules
        for j, k in lignes:
            donnees = json.loads(k)
            jours[dt.date.fromisoformat(j)] = ComptesJour.depuis_dict(donnees)
            if donnees.get("_regles") != REGLES_COMPTAGE:
                perimes.add(dt.date.fromisoformat(j))
        manquants = [debut + dt.timedelta(days=i) for i in range((fin - debut).days + 1)]
        manquants = [j for j in manquants if j not in jours or j in perimes]
        nouveaux: list[dict[str, str]] = []
        recomptes: list[dict[str, str]] = []
        for d, f in _plages(manquants):
            calcules = compter_par_jour(lire_evenements(url, d, f), d, f, fuseau)
            for i in range((f - d).days + 1):
                j = d + dt.timedelta(days=i)
                if j in perimes and j not in calcules and jours[j].conversations:
                    continue  # its events are gone (retention): the older summary is all there is
                jours[j] = calcules.get(j, ComptesJour())
                if j <= stable:
                    ligne = {"jour": j.isoformat(), "comptes": json.dumps({**jours[j].en_dict(), "_regles": REGLES_COMPTAGE},
                                                                          ensure_ascii=False),
                             "calcule_le": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
                    (recomptes if j in perimes else nouveaux).append(ligne)
        if nouveaux or recomptes:
            with moteur.begin() as c:
                deja = {r[0] for r in c.execute(sa.select(table.c.jour).where(table.c.jour.in_([n["jour"] for n in nouveaux])))}
                a_inserer = [n for n in nouveaux if n["jour"] not in deja]  # another request may have stored them
                if a_inserer:
                    c.execute(table.insert(), a_inserer)
                for ligne in recomptes:
                    c.execute(table.update().where(table.c.jour == ligne["jour"]).values(
                        comptes=ligne["comptes"], calcule_le=ligne["calcule_le"]))
    finally:
        moteur.dispose()
    return assembler(jours, debut, fin)


def oublier_textes(url: str, avant: dt.date) -> int:
    """Remove the unanswered questions' texts from the summaries of days before ``avant``; the number of days touched."""
    meta = sa.MetaData()
    table = _table(meta)
    moteur = sa.create_engine(url)
    touches = 0
    try:
        if not sa.inspect(moteur).has_table(TABLE):
            return 0
        with moteur.begin() as c:
            for jour, comptes in c.execute(sa.select(table.c.jour, table.c.comptes).where(table.c.jour < avant.isoformat())).all():
                donnees = json.loads(comptes)
                if donnees.get("questions"):
                    donnees["questions"] = {}
                    c.execute(table.update().where(table.c.jour == jour).values(comptes=json.dumps(donnees, ensure_ascii=False)))
                    touches += 1
    finally:
        moteur.dispose()
    return touches
