"""One connection for one command (issue 35; infra/held_connection.py): a command's reads and its write draw one
connection from the pool, not one each; it goes back when the command ends, however it ends; one that broke is
given back at once and the retry draws a fresh one; a thread never holds more connections than it did before."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from domain.errors import DomainError
from infra.bootstrap import bootstrap
from infra.database import connection_pool
from infra.held_connection import CommandPool, one_connection
from tests.application.test_concurrency import all_at_once, eligible_students
from tests.conftest import settings_for
from tests.world import Clock, World

pytestmark = pytest.mark.postgres


@pytest.fixture
def store() -> str:
    return "postgres"


@pytest.fixture
def pool(world: World) -> CommandPool:
    pool = world.app.recorder.datastore.pool  # type: ignore[attr-defined]
    assert isinstance(pool, CommandPool)
    return pool


@pytest.fixture
def draws(pool: CommandPool, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pool's checkouts, by thread."""
    drawn: list[int] = []
    real = pool.getconn

    def getconn(timeout: float | None = None) -> Any:
        drawn.append(threading.get_ident())
        return real(timeout)

    monkeypatch.setattr(pool, "getconn", getconn)
    return drawn


def out_of_pool(pool: CommandPool) -> int:
    stats = pool.get_stats()
    return int(stats.get("pool_size", 0) - stats.get("pool_available", 0))


def test_a_reservation_reads_and_writes_on_one_connection_and_gives_it_back(
    world: World, pool: CommandPool, draws: list[int]
) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    draws.clear()

    world.reserve("2020001")

    assert len(draws) == 1
    assert out_of_pool(pool) == 0


def test_a_refused_command_gives_its_connection_back(world: World, pool: CommandPool, draws: list[int]) -> None:
    world.university()
    draws.clear()
    with pytest.raises(DomainError):
        world.reserve("no-such-student")
    assert len(draws) == 1
    assert out_of_pool(pool) == 0


def test_a_connection_that_broke_is_given_back_and_the_retry_draws_a_fresh_one(
    world: World, pool: CommandPool, postgres_url: str
) -> None:
    world.university()
    recorder: Any = world.app.recorder
    with one_connection() as held:
        with recorder.datastore.get_connection() as conn:
            dead = conn.info.backend_pid
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (dead,))
            while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (dead,)).fetchone():
                time.sleep(0.01)

        assert recorder.max_notification_id()  # the library's retry, on a fresh connection
        with recorder.datastore.get_connection() as conn:
            assert conn.info.backend_pid != dead and not conn.broken
            assert held.conn is conn
    assert held.conn is None and out_of_pool(pool) == 0


def test_a_checkout_while_the_held_connection_is_in_use_draws_another_as_before(pool: CommandPool) -> None:
    """A read store's transaction around an event store's call held two connections before: it still does, and
    the inner one does not run inside the outer's transaction."""
    with one_connection(), pool.connection() as outer, outer.transaction():
        with pool.connection() as inner:
            assert inner is not outer
        with pool.connection() as again:
            assert again is not outer
    assert out_of_pool(pool) == 0


def test_another_thread_and_another_pool_are_not_lent_the_held_connection(pool: CommandPool, postgres_url: str) -> None:
    seen: list[Any] = []
    other = connection_pool(postgres_url, max_size=1)
    try:
        with one_connection():
            with pool.connection() as held:
                thread = threading.Thread(target=lambda: seen.append(_checkout(pool)))
                thread.start()
                thread.join()
            with other.connection() as elsewhere:
                assert elsewhere is not held
            with pool.connection() as again:
                assert again is held
    finally:
        other.close()
    assert seen and seen[0] is not held
    assert out_of_pool(pool) == 0


def _checkout(pool: CommandPool) -> Any:
    with pool.connection() as conn:
        return conn


def test_a_transaction_left_open_is_committed_as_leaving_the_pools_block_would(pool: CommandPool) -> None:
    with one_connection():
        with pool.connection() as conn:
            conn.execute("BEGIN")
            conn.execute("CREATE TEMPORARY TABLE held_left_open (x int)")
        with pool.connection() as same:
            assert same is conn and same.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
            assert same.execute("SELECT count(*) FROM held_left_open").fetchone() is not None
            same.execute("DROP TABLE held_left_open")


def test_more_commands_at_once_than_the_pool_has_connections_all_complete(
    tmp_path: Path, request: pytest.FixtureRequest, clock: Clock
) -> None:
    """Each command holds its connection from its first read to its end (and while the group commit's leader writes
    its events): sixteen reservations in four sequences on a pool of two still all complete, none waiting on another
    for a connection."""
    settings = settings_for("postgres", tmp_path, request).model_copy(update={"database_pool_size": 2})
    container = bootstrap(settings, clock=clock)
    try:
        world = World(container, clock)
        pool = world.app.recorder.datastore.pool  # type: ignore[attr-defined]
        assert pool.max_size == 2
        prodis = ["55201", "55202", "55203", "55204"]
        nims = [nim for i, prodi in enumerate(prodis) for nim in eligible_students(world, 4, prodi, 1 + 4 * i)]
        started = time.monotonic()
        outcomes = all_at_once([lambda nim=nim: world.reserve(nim) for nim in nims])
        assert [type(o).__name__ for o in outcomes] == ["NinaReceipt"] * len(nims)
        assert time.monotonic() - started < 30
        assert out_of_pool(pool) == 0
    finally:
        container.close()
