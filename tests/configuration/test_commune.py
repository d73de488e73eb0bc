import datetime as dt
from pathlib import Path

import pytest

from configuration.commune import Plage, charger_commune
from configuration.erreurs import ErreurConfiguration

RACINE = Path(__file__).resolve().parents[2]
PARIS = dt.timezone(dt.timedelta(hours=1))  # winter time


def test_office_hours_of_the_demo_commune():
    horaires = charger_commune(RACINE / "contenu" / "commune.yml").horaires_conseillers
    lundi = dt.datetime(2026, 11, 23, tzinfo=PARIS)
    assert horaires.est_ouvert(lundi.replace(hour=9))
    assert not horaires.est_ouvert(lundi.replace(hour=12, minute=30))
    assert horaires.est_ouvert(lundi.replace(hour=17, minute=29))
    assert not horaires.est_ouvert(lundi.replace(hour=17, minute=30))
    assert horaires.est_ouvert(dt.datetime(2026, 11, 28, 10, tzinfo=PARIS))  # Saturday morning
    assert not horaires.est_ouvert(dt.datetime(2026, 11, 22, 10, tzinfo=PARIS))  # Sunday
    # 9:00 UTC on a July Monday is 11:00 in Paris (summer time)
    assert horaires.est_ouvert(dt.datetime(2026, 7, 6, 9, 0, tzinfo=dt.timezone.utc))
    with pytest.raises(ValueError):
        horaires.est_ouvert(dt.datetime(2026, 7, 6, 9, 0))


def test_whole_day():
    plage = Plage.depuis_texte("00:00-24:00")
    assert plage.contient(dt.time(0, 0)) and plage.contient(dt.time(23, 59, 59))


@pytest.mark.parametrize(
    "horaires, message",
    [("  lundi: ['8h-12h']", "HH:MM-HH:MM"), ("  funday: []", "unknown day"), ("  lundi: ['12:00-08:00']", "ends before")],
)
def test_bad_office_hours_are_explained(tmp_path, horaires, message):
    chemin = tmp_path / "commune.yml"
    chemin.write_text(f"nom: X\nhoraires_conseillers:\n{horaires}\n", encoding="utf-8")
    with pytest.raises(ErreurConfiguration, match=message):
        charger_commune(chemin)


def test_missing_file(tmp_path):
    with pytest.raises(ErreurConfiguration, match="not found"):
        charger_commune(tmp_path / "absent.yml")
