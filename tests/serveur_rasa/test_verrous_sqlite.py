import asyncio
import multiprocessing

from serveur_rasa.verrous_sqlite import VerrousSqlite


def test_tickets_are_issued_in_order_and_released(tmp_path):
    store = VerrousSqlite(db=str(tmp_path / "v.sqlite3"))
    assert store.issue_ticket("c1") == 0
    assert store.issue_ticket("c1") == 1
    lock = store.get_lock("c1")
    assert lock.is_locked(1) and not lock.is_locked(0)
    store.cleanup("c1", 0)
    assert not store.get_lock("c1").is_locked(1)
    store.cleanup("c1", 1)
    assert store.get_lock("c1") is None


def _emettre(chemin: str, n: int, sortie) -> None:
    store = VerrousSqlite(db=chemin)
    sortie.put([store.issue_ticket("partagee", lock_lifetime=60) for _ in range(n)])


def test_two_processes_never_get_the_same_ticket(tmp_path):
    chemin = str(tmp_path / "v.sqlite3")
    VerrousSqlite(db=chemin)
    contexte = multiprocessing.get_context("spawn")
    sortie = contexte.Queue()
    processus = [contexte.Process(target=_emettre, args=(chemin, 50, sortie)) for _ in range(2)]
    for p in processus:
        p.start()
    tickets = sortie.get(timeout=60) + sortie.get(timeout=60)
    for p in processus:
        p.join(timeout=30)
    assert sorted(tickets) == list(range(100))


async def test_the_lock_serialises_a_conversation(tmp_path):
    store = VerrousSqlite(db=str(tmp_path / "v.sqlite3"))
    ordre: list[str] = []

    async def traiter(nom: str) -> None:
        async with store.lock("c", wait_time_in_seconds=0.01):
            ordre.append(f"{nom}-debut")
            await asyncio.sleep(0.05)
            ordre.append(f"{nom}-fin")

    await asyncio.gather(traiter("a"), traiter("b"))
    assert ordre in (["a-debut", "a-fin", "b-debut", "b-fin"], ["b-debut", "b-fin", "a-debut", "a-fin"])
