"""The identity-check counter kept for remote back ends, on SQLite and PostgreSQL."""

import asyncio
import datetime as dt

import pytest

from connecteurs.essais_identite import ConfigEssais, EssaisIdentite
from connecteurs.modeles import IssueVerification


async def test_three_failures_lock_the_number_until_the_lock_expires(url_sql, horloge):
    essais = EssaisIdentite(ConfigEssais(url_sql), horloge)
    assert (await essais.echec("12345678")).essais_restants == 2
    assert (await essais.echec("12345678")).essais_restants == 1
    assert (await essais.echec("12345678")).issue is IssueVerification.VERROUILLE
    assert await essais.verrouille("12345678") and not await essais.verrouille("87654321")
    assert (await essais.echec("12345678")).issue is IssueVerification.VERROUILLE  # no new count while locked
    horloge.instant += dt.timedelta(minutes=15, seconds=1)
    assert not await essais.verrouille("12345678")
    assert (await essais.echec("12345678")).essais_restants == 2  # a fresh set of attempts


async def test_success_clears_the_count(url_sql, horloge):
    essais = EssaisIdentite(ConfigEssais(url_sql), horloge)
    await essais.echec("12345678")
    await essais.echec("12345678")
    await essais.reussite("12345678")
    assert (await essais.echec("12345678")).essais_restants == 2


async def test_concurrent_failures_are_all_counted(url_sql, horloge):
    """Twelve wrong answers at once on one number (several processes share the store): only two are refused, the rest locked."""
    essais = [EssaisIdentite(ConfigEssais(url_sql), horloge) for _ in range(3)]  # three "processes"
    resultats = await asyncio.gather(*(essais[i % 3].echec("24578301") for i in range(12)))
    issues = [r.issue for r in resultats]
    assert issues.count(IssueVerification.REFUSEE) == 2 and issues.count(IssueVerification.VERROUILLE) == 10


def test_configuration_is_checked():
    with pytest.raises(ValueError):
        ConfigEssais("sqlite:////tmp/e.sqlite3", essais=0)
    with pytest.raises(ValueError, match="sqlite or postgresql"):
        ConfigEssais("oracle://db/x")
