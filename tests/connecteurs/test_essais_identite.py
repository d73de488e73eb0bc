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


async def test_a_burst_of_guesses_gets_no_more_reads_than_the_attempts_left(url_sql, horloge):
    """Twelve guesses at once, the right one among them: at most 3 reads happen; the right one can only win if read."""
    essais = EssaisIdentite(ConfigEssais(url_sql), horloge)
    lectures: list[str] = []

    async def lire(numero: str) -> dict:
        lectures.append(numero)
        await asyncio.sleep(0.05)  # a slow remote back end
        return {"date": "1972-11-21"}

    def devine(date: str):
        return essais.verifier("24578301", lire, lambda brut: brut["date"] == date, lambda n, b: None)

    dates = [f"1970-01-{j:02d}" for j in range(1, 12)] + ["1972-11-21"]  # the right answer comes last
    resultats = await asyncio.gather(*(devine(d) for d in dates))
    assert len(lectures) == 3
    issues = [r.issue for r in resultats]
    assert IssueVerification.CONFIRMEE not in issues and issues.count(IssueVerification.VERROUILLE) >= 10


async def test_other_digit_scripts_share_the_same_counter(url_sql, horloge):
    essais = EssaisIdentite(ConfigEssais(url_sql), horloge)

    async def lire(numero: str) -> dict:
        assert numero == "24578301"
        return {"date": "1972-11-21"}

    for numero in ("24578301", "２４５７８３０１", "٢٤٥٧٨٣٠١"):  # ASCII, full-width, Arabic-Indic
        r = await essais.verifier(numero, lire, lambda brut: False, lambda n, b: None)
    assert r.issue is IssueVerification.VERROUILLE
    assert await essais.verrouille("24578301")


async def test_an_unknown_case_or_a_failing_back_end_gives_its_attempt_back(url_sql, horloge):
    essais = EssaisIdentite(ConfigEssais(url_sql), horloge)

    async def absent(numero: str) -> None:
        return None

    async def panne(numero: str) -> dict:
        raise ConnectionError("down")

    for _ in range(5):
        assert (await essais.verifier("11112222", absent, lambda b: True, lambda n, b: None)).issue is IssueVerification.INCONNU
        with pytest.raises(ConnectionError):
            await essais.verifier("11112222", panne, lambda b: True, lambda n, b: None)
    assert not await essais.verrouille("11112222")
    assert (await essais.echec("11112222")).essais_restants == 2
