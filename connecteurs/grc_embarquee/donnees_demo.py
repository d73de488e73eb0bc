"""Demo data seeded on first start (documented in docs/grc-embarquee.md)."""

from __future__ import annotations

import sqlalchemy as sa

from connecteurs.adresse import normaliser_adresse

DOSSIERS = (
    # numero, intitule, etat, depot, derniere etape, decision annoncee, motif, piece manquante, naissance
    ("24578301", "Permis de construire — extension", "en_instruction", "2026-09-14", "2026-09-21", "2026-12-14", None, None, "1985-03-12"),
    ("10293847", "Inscription scolaire", "accepte", "2026-05-02", "2026-06-10", None, None, None, "1990-07-03"),
    ("55512090", "Demande de logement social", "en_construction", "2026-10-28", "2026-10-28", None, None, "avis d'imposition", "1972-11-21"),
    ("27182818", "Carte de stationnement résident", "refuse", "2026-08-19", "2026-09-02", None, "justificatif de domicile de plus de trois mois", None, "2000-01-05"),
    ("31415926", "Demande de subvention associative", "sans_suite", "2026-03-01", "2026-06-30", None, "dossier non complété dans le délai de trois mois", None, "1968-02-29"),
)

SIGNALEMENTS = (
    # categorie, adresse, description, etat, cree_le
    ("voirie", "12 rue Victor Hugo", "nid de poule", "ouvert", "2026-11-02T08:15:00+00:00"),
)


def semer(c: sa.engine.Connection) -> bool:
    """Insert the demo data into an empty store (inside the caller's write transaction); return whether it did."""
    if c.exec_driver_sql("SELECT count(*) FROM dossiers").scalar_one():
        return False
    colonnes = ("numero", "intitule", "etat", "date_depot", "date_derniere_etape", "date_decision_annoncee", "motif",
                "piece_manquante", "date_naissance_demandeur")
    c.execute(sa.text(f"INSERT INTO dossiers ({', '.join(colonnes)}) VALUES ({', '.join(':' + n for n in colonnes)})"),
              [dict(zip(colonnes, ligne, strict=True)) for ligne in DOSSIERS])
    c.execute(
        sa.text("INSERT INTO signalements (categorie, adresse, adresse_normalisee, description, etat, cree_le) "
                "VALUES (:c, :a, :n, :d, :e, :t)"),
        [{"c": c_, "a": a, "n": normaliser_adresse(a), "d": d, "e": e, "t": t} for c_, a, d, e, t in SIGNALEMENTS],
    )
    return True
