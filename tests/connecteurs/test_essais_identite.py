"""The one lockout rule for identity checks, on SQLite and PostgreSQL."""

import asyncio
import datetime as dt

import pytest

from connecteurs.essais_identite import ConfigEssais, EssaisIdentite
from connecteurs.modeles import IssueVerification

DATE = "1972-11-21"


async def lire(numero: str) -> dict | None:
    return {"date": DATE} if numero == "24578301" else None


def essayer(essais: EssaisIdentite, numero: str, date: str, source: str = "s1", lecteur=lire):
    return essais.verifier(numero, lecteur, lambda brut: brut["date"] == date, lambda n, b: n, source)


async def test_three_failures_lock_the_source_out_of_the_case_until_the_lock_expires(url_sql, horloge):
    essais = EssaisIdentite(ConfigEssais(url_sql), horloge)
    assert (await essayer(essais, "24578301", "2000-01-01")).essais_restants == 2
    assert (await essayer(essais, "24578301", "2000-01-02")).essais_restants == 1
    assert (await essayer(essais, "24578301", "2000-01-03")).issue is IssueVerification.VERROUILLE
    assert (await essayer(essais, "24578301", DATE)).issue is IssueVerification.VERROUILLE  # even the right answer, meanwhile
    assert await essais.verrouille("24578301", "s1") and not await essais.verrouille("24578301", "s2")
    # another source (the applicant at home) is not locked out by a stranger
    assert (await essayer(essais, "24578301", DATE, source="s2")).issue is IssueVerification.CONFIRMEE
    horloge.instant += dt.timedelta(minutes=15, seconds=1)
    assert (await essayer(essais, "24578301", "2000-01-04")).essais_restants == 2  # a fresh set of attempts


async def test_success_clears_the_count(url_sql, horloge):
    essais = EssaisIdentite(ConfigEssais(url_sql), horloge)
    await essayer(essais, "24578301", "2000-01-01")
    await essayer(essais, "24578301", "2000-01-02")
    assert (await essayer(essais, "24578301", DATE)).issue is IssueVerification.CONFIRMEE
    assert (await essayer(essais, "24578301", "2000-01-03")).essais_restants == 2


async def test_an_unknown_number_is_answered_like_a_wrong_date(url_sql, horloge):
    """No existence oracle: the same answer, the same count, the same lock."""
    essais = EssaisIdentite(ConfigEssais(url_sql), horloge)
    inconnu = [await essayer(essais, "99999999", DATE) for _ in range(3)]
    connu = [await essayer(essais, "24578301", "2000-01-01", source="s2") for _ in range(3)]
    assert [(r.issue, r.essais_restants) for r in inconnu] == [(r.issue, r.essais_restants) for r in connu]


async def test_one_source_trying_many_cases_is_stopped(url_sql, horloge):
    essais = EssaisIdentite(ConfigEssais(url_sql, essais_source=5), horloge)
    issues = [(await essayer(essais, f"1000000{i}", DATE)).issue for i in range(7)]
    assert issues[:4] == [IssueVerification.REFUSEE] * 4 and issues[4:] == [IssueVerification.VERROUILLE] * 3
    assert (await essayer(essais, "24578301", DATE, source="s2")).issue is IssueVerification.CONFIRMEE


async def test_many_sources_lock_the_case_for_everyone_for_longer(url_sql, horloge):
    """Only wrong answers from several sources lock a case for everyone (then an agent is the way through)."""
    essais = EssaisIdentite(ConfigEssais(url_sql, essais_dossier=6), horloge)
    for source in ("a", "b"):
        for j in range(3):
            await essayer(essais, "24578301", f"2000-01-0{j + 1}", source=source)
    assert (await essayer(essais, "24578301", DATE, source="applicant")).issue is IssueVerification.VERROUILLE
    horloge.instant += dt.timedelta(minutes=16)
    assert (await essayer(essais, "24578301", DATE, source="applicant")).issue is IssueVerification.VERROUILLE
    horloge.instant += dt.timedelta(minutes=45)
    assert (await essayer(essais, "24578301", DATE, source="applicant")).issue is IssueVerification.CONFIRMEE


async def test_concurrent_failures_are_all_counted(url_sql, horloge):
    """Twelve wrong answers at once from one source (several processes share the store): at most the 3 attempts are
    compared (2 refused at most, the third locks; one concluding after the lock says locked), the rest locked at once."""
    essais = [EssaisIdentite(ConfigEssais(url_sql), horloge) for _ in range(3)]  # three "processes"
    resultats = await asyncio.gather(*(essayer(essais[i % 3], "24578301", f"2000-01-{i + 1:02d}") for i in range(12)))
    issues = [r.issue for r in resultats]
    assert issues.count(IssueVerification.REFUSEE) <= 2 and issues.count(IssueVerification.VERROUILLE) >= 10
    assert issues.count(IssueVerification.REFUSEE) + issues.count(IssueVerification.VERROUILLE) == 12
    assert await essais[0].verrouille("24578301", "s1")


async def test_a_burst_of_guesses_gets_no_more_reads_than_the_attempts_left(url_sql, horloge):
    """Twelve guesses at once, the right one among them: at most 3 reads happen; the right one can only win if read."""
    essais = EssaisIdentite(ConfigEssais(url_sql), horloge)
    lectures: list[str] = []

    async def lent(numero: str) -> dict:
        lectures.append(numero)
        await asyncio.sleep(0.05)  # a slow remote back end
        return {"date": DATE}

    dates = [f"1970-01-{j:02d}" for j in range(1, 12)] + [DATE]  # the right answer comes last
    resultats = await asyncio.gather(*(essayer(essais, "24578301", d, lecteur=lent) for d in dates))
    assert len(lectures) == 3
    issues = [r.issue for r in resultats]
    assert IssueVerification.CONFIRMEE not in issues and issues.count(IssueVerification.VERROUILLE) >= 9


async def test_other_digit_scripts_share_the_same_counter(url_sql, horloge):
    essais = EssaisIdentite(ConfigEssais(url_sql), horloge)
    for numero in ("24578301", "２４５７８３０１", "٢٤٥٧٨٣٠١"):  # ASCII, full-width, Arabic-Indic
        r = await essayer(essais, numero, "2000-01-01")
    assert r.issue is IssueVerification.VERROUILLE
    assert await essais.verrouille("24578301", "s1")


async def test_a_failing_back_end_gives_its_attempt_back(url_sql, horloge):
    essais = EssaisIdentite(ConfigEssais(url_sql), horloge)

    async def panne(numero: str) -> dict:
        raise ConnectionError("down")

    for _ in range(5):
        with pytest.raises(ConnectionError):
            await essayer(essais, "24578301", DATE, lecteur=panne)
    assert not await essais.verrouille("24578301", "s1")
    assert (await essayer(essais, "24578301", "2000-01-01")).essais_restants == 2


def test_configuration_is_checked():
    with pytest.raises(ValueError):
        ConfigEssais("sqlite:///x.sqlite3", essais=0)
    with pytest.raises(ValueError):
        ConfigEssais("sqlite:///x.sqlite3", duree_verrou_dossier=dt.timedelta(0))
