"""A command's read and its write past psycopg's cursor (issue 35; infra/raw_pq.py): the same rows as the cursor
gives, the same exceptions for the same failures, statements prepared again when the session lost them, and a
connection broken mid-call told and recovered from as under the cursor."""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent
from psycopg import errors, pq
from psycopg.pq import TransactionStatus

from infra import raw_pq
from infra.event_batches import EventBatches
from infra.eventstore import InDoubtRecorder
from infra.held_connection import one_connection
from tests.world import World

pytestmark = pytest.mark.postgres

TOPIC = "tests.raw_pq:Happened"


@pytest.fixture
def store() -> str:
    return "postgres"


@pytest.fixture
def raw_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the reads that went past the cursor."""
    counted: list[int] = []
    real = raw_pq.query

    def query(*args: Any, **kwargs: Any) -> Any:
        counted.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(raw_pq, "query", query)
    return counted


def events(count: int = 3) -> list[StoredEvent]:
    return [StoredEvent(uuid4(), 1, TOPIC, f'{{"n":{n}}}'.encode()) for n in range(count)]


def idle(recorder: InDoubtRecorder) -> bool:
    with recorder.datastore.get_connection() as conn:
        return bool(conn.info.transaction_status == TransactionStatus.IDLE)


def reserved_world(world: World) -> list[UUID]:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    world.reserve("2020001")
    return list(dict.fromkeys(n.originator_id for n in world.notifications()))


def test_a_reads_rows_are_the_cursors_to_the_type(
    world: World, raw_reads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = reserved_world(world)
    batches = EventBatches(world.app.recorder)
    raw_reads.clear()
    past = batches.events_after(dict.fromkeys(ids, 0))
    assert raw_reads == [1]
    monkeypatch.setattr(raw_pq, "usable", lambda conn: False)
    through = batches.events_after(dict.fromkeys(ids, 0))
    assert raw_reads == [1]
    assert past == through and list(past) == list(through)
    for got, want in zip(
        [e for run in past.values() for e in run], [e for run in through.values() for e in run], strict=True
    ):
        assert [type(v) for v in vars(got).values()] == [type(v) for v in vars(want).values()]
    assert {type(e.originator_id) for run in past.values() for e in run} == {UUID}


def test_the_prepared_write_answers_notification_ids_in_the_order_of_the_events(recorder: InDoubtRecorder) -> None:
    stored = events(10)
    ids = recorder.insert_events(stored)
    assert ids is not None and list(ids) == sorted(ids)
    assert recorder.landed(stored) == list(ids)


def test_a_clash_raises_what_the_cursor_raises(recorder: InDoubtRecorder, way: str) -> None:
    first = events(1)[0]
    recorder.insert_events([first])
    before = recorder.max_notification_id()
    with one_connection(), pytest.raises(IntegrityError) as raised:
        recorder.insert_events([*events(1), first])
    assert type(raised.value.__cause__) is errors.UniqueViolation
    assert raised.value.__cause__.sqlstate == "23505"
    assert idle(recorder) and recorder.max_notification_id() == before


@contextmanager
def locked(url: str, recorder: InDoubtRecorder) -> Iterator[None]:
    """The events table locked by another session while the body runs."""
    with psycopg.connect(url) as other:
        other.execute(f"LOCK TABLE {recorder.datastore.schema}.{recorder.events_table_name} IN ACCESS EXCLUSIVE MODE")
        yield
        other.rollback()


def test_a_lock_timeout_raises_what_the_cursor_raises(
    recorder: InDoubtRecorder, way: str, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = f"{recorder.datastore.schema}.{recorder.events_table_name}"
    monkeypatch.setattr(
        recorder, "lock_table_statements", [b"SET LOCAL lock_timeout = '50ms'", f"LOCK TABLE {table} IN EXCLUSIVE MODE"]
    )
    for cached in ("_head", "_text", "_bounds"):  # the statements as rendered before
        monkeypatch.setattr(recorder, cached, None)
    monkeypatch.setattr(recorder, "attempts", 1)
    before = recorder.max_notification_id()
    with locked(postgres_url, recorder), one_connection(), pytest.raises(OperationalError) as raised:
        recorder.insert_events(events())
    assert type(raised.value.__cause__) is errors.LockNotAvailable
    assert idle(recorder) and recorder.max_notification_id() == before


def test_the_errors_are_psycopgs_own_for_the_same_statement(postgres_url: str) -> None:
    """Built from the server's answer as the cursor builds them: the class, the SQLSTATE, the diagnostics."""
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TEMPORARY TABLE t (k int PRIMARY KEY)")
        conn.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(psycopg.Error) as by_cursor:
            conn.execute("INSERT INTO t VALUES (%s)", [1])
        statement = raw_pq.Statement(b"INSERT INTO t VALUES ($1)", [23], binary=True)
        with pytest.raises(psycopg.Error) as past:
            raw_pq.query(conn, statement, [(1).to_bytes(4, "big")])
        with pytest.raises(psycopg.Error) as piped:
            raw_pq.pipeline(conn, [(raw_pq.Statement(b"BEGIN"), None), (statement, [(1).to_bytes(4, "big")])])
        assert conn.info.transaction_status == TransactionStatus.IDLE  # the transaction it began, rolled back
        for raised in (past, piped):
            assert type(raised.value) is type(by_cursor.value) is errors.UniqueViolation
            assert str(raised.value) == str(by_cursor.value)
            assert raised.value.diag.constraint_name == by_cursor.value.diag.constraint_name == "t_pkey"


def test_a_connections_kept_transformer_loads_each_result_as_a_fresh_one_and_goes_with_the_connection(
    postgres_url: str,
) -> None:
    """One transformer per connection serves its reads one after another (``raw_pq._loaded``): results of other
    column types, in either format, load as the cursor loads them; no result is held between reads; the connection and
    it are freed together."""
    conn = psycopg.connect(postgres_url, autocommit=True)
    with_types = raw_pq.Statement(b"SELECT $1::text::uuid, 7::int8, 'a'::text, '\\x00ff'::bytea, NULL::int4")
    other = raw_pq.Statement(b"SELECT 2.5::numeric, true, '2026-01-02'::date")
    kept = None
    for statement, params in [(with_types, [str(uuid4()).encode()]), (other, []), (with_types, [b"%032x" % 5])]:
        for binary in (True, False):
            rows = raw_pq.query(conn, statement, params, binary=binary)
            fresh = conn.execute(statement.text.replace(b"$1", b"%s"), [p.decode() for p in params], binary=binary)
            expected = fresh.fetchall()
            assert rows == expected and [type(v) for v in rows[0]] == [type(v) for v in expected[0]]
            kept = kept or getattr(conn, raw_pq._TRANSFORMER)
            assert getattr(conn, raw_pq._TRANSFORMER) is kept
            assert kept.pgresult is None  # the result is not held after its rows are made
    gone = weakref.ref(conn)
    conn.close()
    del conn, kept, fresh  # the cursor refers to its connection too
    gc.collect()
    assert gone() is None


@contextmanager
def counted(monkeypatch: pytest.MonkeyPatch, name: str) -> Iterator[list[int]]:
    """Counts the calls of raw_pq's ``name`` while the body runs."""
    calls: list[int] = []
    real = getattr(raw_pq, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(raw_pq, name, spy)
        yield calls


def our_statements(conn: psycopg.Connection[Any]) -> int:
    return len(conn.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'kred\\_%'").fetchall())


@pytest.mark.parametrize("dropping", ["DEALLOCATE ALL", "DISCARD ALL"])
def test_statements_the_session_lost_are_prepared_again(
    world: World, recorder: InDoubtRecorder, dropping: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = reserved_world(world)
    batches = EventBatches(recorder)
    whole = batches.events_after(dict.fromkeys(ids, 0))
    with one_connection():
        batches.events_after(dict.fromkeys(ids, 0))
        recorder.insert_events(events())
        with recorder.datastore.get_connection() as conn:
            assert our_statements(conn) >= 6  # the read; BEGIN, SET, LOCK, the INSERT of three rows, COMMIT
            conn.execute(dropping)
            assert our_statements(conn) == 0
        stored = events()  # first the write: it meets "does not exist" inside its transaction
        assert recorder.landed(stored) is None
        with counted(monkeypatch, "_run") as runs:
            ids_written = recorder.insert_events(stored)
        assert runs == [1, 1]  # the pipeline that met it, then the one that prepared them again
        assert recorder.landed(stored) == ids_written
        batches.events_after(dict.fromkeys(ids, 0))  # prepared again (the write's recovery forgot it)
        with recorder.datastore.get_connection() as conn:
            conn.execute(dropping)
        with counted(monkeypatch, "execute") as round_trips:
            assert batches.events_after(dict.fromkeys(ids, 0)) == whole  # then the read
        assert round_trips == [1, 1, 1]  # the statement that met it, its preparation, the statement again
        with recorder.datastore.get_connection() as conn:
            assert our_statements(conn) == 1
            assert conn.info.transaction_status == TransactionStatus.IDLE


def test_statements_forgotten_here_but_held_by_the_session_are_used(world: World, recorder: InDoubtRecorder) -> None:
    ids = reserved_world(world)
    batches = EventBatches(recorder)
    whole = batches.events_after(dict.fromkeys(ids, 0))
    with one_connection():
        recorder.insert_events(events())
        with recorder.datastore.get_connection() as conn:
            raw_pq._prepared.pop(conn)
        stored = events()
        assert recorder.landed(stored) is None and recorder.insert_events(stored) == recorder.landed(stored)
        with recorder.datastore.get_connection() as conn:
            raw_pq._prepared.pop(conn)
        assert batches.events_after(dict.fromkeys(ids, 0)) == whole


def terminate(url: str, pid: int) -> None:
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
            time.sleep(0.01)


@contextmanager
def breaking(url: str, recorder: Any, monkeypatch: pytest.MonkeyPatch, name: str) -> Iterator[list[Any]]:
    """The first statement sent past the cursor waits for the events table, which another session holds, and its
    session is terminated meanwhile (``name``: raw_pq's generator of psycopg's that reads the answer): the statement
    was sent, its answer never comes. Yields the connections so broken."""
    broken: list[Any] = []
    real = getattr(raw_pq, name)
    with psycopg.connect(url) as other:
        table = f"{recorder.datastore.schema}.{recorder.events_table_name}"
        other.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")

        def gen(pgconn: Any) -> Any:
            if not broken:
                broken.append(pgconn)
                while not other.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock'", (pgconn.backend_pid,)
                ).fetchone():
                    time.sleep(0.01)
                terminate(url, pgconn.backend_pid)
                other.rollback()
            return real(pgconn)

        monkeypatch.setattr(raw_pq, name, gen)
        yield broken
        other.rollback()


def test_a_connection_broken_between_statements_fails_as_under_the_cursor(postgres_url: str) -> None:
    statement = raw_pq.Statement(b"SELECT $1::int8", [20], binary=True)
    failures = []
    for past in (True, False):
        with psycopg.connect(postgres_url, autocommit=True) as conn:

            def select(past: bool = past) -> Any:
                if past:
                    return raw_pq.query(conn, statement, [(7).to_bytes(8, "big")])
                return conn.execute("SELECT %s::int8", [7], prepare=True).fetchall()

            assert select() == [(7,)]
            terminate(postgres_url, conn.info.backend_pid)
            with pytest.raises(psycopg.Error) as raised:
                select()
            assert conn.broken
            failures.append(raised.value)
    assert type(failures[0]) is type(failures[1]) is errors.AdminShutdown  # an OperationalError
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.close()
        with pytest.raises(psycopg.OperationalError, match="the connection is closed"):
            raw_pq.query(conn, statement, [(7).to_bytes(8, "big")])


def test_a_read_whose_connection_breaks_mid_way_is_retried_on_a_fresh_one(
    world: World, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = reserved_world(world)
    batches = EventBatches(world.app.recorder)
    whole = batches.events_after(dict.fromkeys(ids, 0))
    with breaking(postgres_url, world.app.recorder, monkeypatch, "execute") as broken, one_connection() as held:
        assert batches.events_after(dict.fromkeys(ids, 0)) == whole
        assert broken and held.conn is not None and held.conn.pgconn is not broken[0]
        assert not held.conn.broken and broken[0].status == psycopg.pq.ConnStatus.BAD


def test_a_write_whose_connection_breaks_mid_way_lands_once(
    recorder: InDoubtRecorder, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder.insert_events(events())  # prepared on the connection
    monkeypatch.setattr(recorder, "wait", 0.0)
    stored = events()
    with breaking(postgres_url, recorder, monkeypatch, "send") as broken, one_connection():
        ids = recorder.insert_events(stored)
    assert broken and broken[0].status == psycopg.pq.ConnStatus.BAD
    assert ids is not None and recorder.landed(stored) == list(ids)
    assert idle(recorder)


def test_a_result_of_a_status_no_command_answers_is_an_internal_error_as_under_the_cursor(
    recorder: InDoubtRecorder,
) -> None:
    """A protocol out of step (libpq's BAD_RESPONSE) is never read as rows or as a write's success."""

    class OutOfStep:
        status = pq.ExecStatus.BAD_RESPONSE

    with recorder.datastore.get_connection() as conn:
        error = raw_pq._error(conn, OutOfStep())  # type: ignore[arg-type]
    assert isinstance(error, psycopg.InternalError) and "BAD_RESPONSE" in str(error)
