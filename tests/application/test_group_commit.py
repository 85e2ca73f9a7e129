"""Group commit (issue 35, item 2; application/group_commit.py), on SQLite and PostgreSQL.

NINA reservations in five programmes (five sequences, so they do not take turns) are sent together; the first is
held in its transaction until the other four have queued behind it, so that those four share the next one. Each
is still decided alone and answered alone; a conflict of one (another process changed its record meanwhile) is
retried or refused alone while its batch-mates commit; a transaction that fails mid-batch appends nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from application.group_commit import GroupCommit
from domain.diploma.diploma import Diploma
from domain.diploma.nina import NINA
from domain.errors import RuleViolation
from domain.registry.student import Student
from infra.bootstrap import Container, bootstrap
from tests.conftest import settings_for
from tests.world import UNIVERSITY, Clock, World, regular_periods, report

PRODIS = ["55201", "55202", "55203", "55204", "55205"]
NIMS = [f"2020{i:03d}" for i in range(len(PRODIS))]


@pytest.fixture
def cohort(world: World) -> World:
    """One eligible student in each of five programmes."""
    world.university()
    for prodi, nim in zip(PRODIS, NIMS, strict=True):
        world.programme(prodi=prodi)
        world.eligible_s1(nim, prodi=prodi)
    return world


class Held:
    """Records each transaction the application writes (its events), and holds the first one written after
    ``hold()`` until ``waiting`` commands have queued behind it (or a hook has run)."""

    def __init__(self, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
        self.app = world.app
        self.transactions: list[set[UUID]] = []
        self.real = world.app.recorder.insert_events
        self.holding = threading.Event()
        self.held = threading.Event()
        self.waiting = 0
        self.meanwhile: Callable[[], None] = lambda: None
        monkeypatch.setattr(world.app.recorder, "insert_events", self.insert)

    def hold(self, waiting: int, meanwhile: Callable[[], None] = lambda: None) -> None:
        self.waiting, self.meanwhile = waiting, meanwhile
        self.holding.set()

    def insert(self, events: list[StoredEvent], **kw: Any) -> Any:
        self.transactions.append({e.originator_id for e in events})
        if self.holding.is_set() and not self.held.is_set():
            self.held.set()
            deadline = time.monotonic() + 30
            while self.app._group.queued < self.waiting:
                assert time.monotonic() < deadline, "the other commands did not queue"
                time.sleep(0.005)
            self.meanwhile()
        return self.real(events, **kw)

    def with_student(self, nim: str) -> list[int]:
        """The transactions (their indexes) that wrote an event of this student."""
        student = Student.create_id(UNIVERSITY, nim)
        return [i for i, ids in enumerate(self.transactions) if student in ids]


def reserving(world: World, held: Held) -> Iterator[Future[Any]]:
    """The first reservation, held in its transaction, then the four others at once; each one's future."""
    with ThreadPoolExecutor(len(NIMS)) as pool:
        first = pool.submit(world.reserve, NIMS[0])
        assert held.held.wait(30)
        yield first
        yield from [pool.submit(world.reserve, nim) for nim in NIMS[1:]]


def outcome(future: Future[Any]) -> Any:
    try:
        return future.result(timeout=60)
    except Exception as error:
        return error


def test_concurrent_commands_share_a_transaction_and_each_is_answered_its_own_position(
    cohort: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = Held(cohort, monkeypatch)
    held.hold(waiting=len(NIMS) - 1)
    receipts = [f.result(timeout=60) for f in list(reserving(cohort, held))]

    assert [held.with_student(nim) for nim in NIMS] == [[0], [1], [1], [1], [1]]  # two transactions for five
    assert len(held.transactions) == 2
    log = {n.id: n for n in cohort.notifications()}
    for nim, prodi, receipt in zip(NIMS, PRODIS, receipts, strict=True):
        assert NINA.parse(receipt.nina, prodi_code=prodi).sequence == 1
        # its own position: the last event it wrote (the student's, saved last), not its batch's last
        assert log[receipt.position].originator_id == Student.create_id(UNIVERSITY, nim)
    assert len({r.position for r in receipts}) == len(NIMS)


def test_a_member_in_conflict_is_retried_or_refused_alone_while_its_batch_mates_commit(
    cohort: World,
    monkeypatch: pytest.MonkeyPatch,
    store: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    clock: Clock,
) -> None:
    """While the four wait, another process reserves NIMS[2]'s NINA itself (a uniqueness clash: PIN-2.once on
    the rerun) and reports a semester of NIMS[3] (its record changed: the rerun decides on the new one)."""
    other: Container = bootstrap(settings_for(store, tmp_path, request), clock=clock)
    try:
        elsewhere = World(other, clock)

        def meanwhile() -> None:
            elsewhere.reserve(NIMS[2])
            ninth = regular_periods("20201", 9)[-1]
            elsewhere.report(NIMS[3], report(ninth, passed=180))

        held = Held(cohort, monkeypatch)
        held.hold(waiting=len(NIMS) - 1, meanwhile=meanwhile)
        results = [outcome(f) for f in list(reserving(cohort, held))]
    finally:
        other.close()

    refused = results[2]
    assert isinstance(refused, RuleViolation) and refused.rule_ids == ("PIN-2.once",)
    assert all(not isinstance(r, Exception) for i, r in enumerate(results) if i != 2), results
    # the batch of four failed as a whole; each was then written alone, and only the two in conflict reran
    written = [held.with_student(nim) for nim in NIMS[1:]]
    batch = written[0][0]
    assert [w[0] for w in written] == [batch] * 4 and [len(w) for w in written] == [2, 2, 3, 2]
    assert sorted(w[1] for w in written) == [batch + 1, batch + 2, batch + 3, batch + 4]  # alone, in queue order
    assert written[2][2] == batch + 5  # and NIMS[3]'s rerun, on its new record
    reserved = [e for e in cohort.events() if isinstance(e, Diploma.NINAReserved)]
    assert sorted(str(e.nina)[:5] for e in reserved) == PRODIS  # one NINA each: NIMS[2]'s from the other process


@contextmanager
def failing_batches(recorder: Any) -> Iterator[None]:
    """While inside, a statement inserting more than ten rows (a batch's: a reservation alone writes five events)
    fails once its rows are in, so its transaction fails before the commit, however the rows were sent."""
    table = recorder.events_table_name
    with recorder.datastore.get_connection() as conn:
        conn.execute(
            "CREATE OR REPLACE FUNCTION fail_batches() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " IF (SELECT count(*) FROM inserted) > 10 THEN RAISE EXCEPTION 'the batch fails after its rows'; END IF;"
            " RETURN NULL; END $$"
        )
        conn.execute(
            f"CREATE TRIGGER fail_batches AFTER INSERT ON {table} REFERENCING NEW TABLE AS inserted"
            " FOR EACH STATEMENT EXECUTE FUNCTION fail_batches()"
        )
    try:
        yield
    finally:
        with recorder.datastore.get_connection() as conn:
            conn.execute(f"DROP TRIGGER IF EXISTS fail_batches ON {table}")
            conn.execute("DROP FUNCTION IF EXISTS fail_batches()")


def test_a_transaction_failing_mid_batch_appends_nothing_and_every_member_is_answered_the_failure(
    cohort: World, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    """The batch's rows are in, then its transaction fails before the commit (a crash, as the database sees it):
    none of the four is written, each hears of it, and each sent again commits as if it never ran."""
    recorder: Any = cohort.app.recorder
    failing = threading.Event()
    with ExitStack() as stack:
        if store == "postgres":  # in the database: the rows are in when it fails, whichever way they were sent
            stack.enter_context(failing_batches(recorder))
        else:
            rows = recorder._insert_events

            def then_fail(cursor: Any, events: Any, **kw: Any) -> Any:
                inserted = rows(cursor, events, **kw)
                if failing.is_set() and len(events) > 10:  # the batch's (a reservation alone writes five events)
                    cursor.execute("SELECT * FROM no_such_table")  # its transaction fails after its rows were in
                return inserted

            monkeypatch.setattr(recorder, "_insert_events", then_fail)
        held = Held(cohort, monkeypatch)
        held.hold(waiting=len(NIMS) - 1, meanwhile=failing.set)
        futures = list(reserving(cohort, held))
        first = futures[0].result(timeout=60)
        before = cohort.position()
        failed = [outcome(f) for f in futures[1:]]

        assert all(isinstance(f, Exception) and not isinstance(f, RuleViolation) for f in failed), failed
        assert cohort.position() == before == first.position  # nothing of the batch, not even a part
        failing.clear()
    again = [cohort.reserve(nim) for nim in NIMS[1:]]
    assert [NINA.parse(r.nina, prodi_code=p).sequence for r, p in zip(again, PRODIS[1:], strict=True)] == [1] * 4


def test_a_lone_command_is_written_at_once_on_its_own_thread_and_alone() -> None:
    """No batching window: with nothing else committing, the caller writes its own transaction straight away."""
    writers: list[tuple[int, int]] = []

    def insert(events: Any) -> list[int]:
        writers.append((threading.get_ident(), len(events)))
        return list(range(1, len(events) + 1))

    group = GroupCommit(insert)
    event = StoredEvent(uuid4(), 1, "topic", b"{}")
    started = time.perf_counter()
    assert group.insert([event]) == [1]
    assert time.perf_counter() - started < 0.05
    assert writers == [(threading.get_ident(), 1)] and group.queued == 0


def test_an_interrupt_mid_batch_answers_every_member_not_written_with_an_error() -> None:
    """A member written alone after a failed batch is interrupted: the ones after it are not told they succeeded."""
    calls = 0
    gate = threading.Event()

    def insert(events: Any) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            gate.wait(10)  # the first, alone, while the others queue
            return [1]
        if calls == 2:
            raise IntegrityError("a member's aggregate changed meanwhile")
        raise KeyboardInterrupt

    group = GroupCommit(insert)
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(group.insert, [StoredEvent(uuid4(), 1, "topic", b"{}")])
        while calls == 0:
            time.sleep(0.001)
        others = [pool.submit(group.insert, [StoredEvent(uuid4(), 1, "topic", b"{}")]) for _ in range(2)]
        while group.queued < 2:
            time.sleep(0.001)
        gate.set()
        assert first.result(10) == [1]
        errors = [f.exception(10) for f in others]
    assert sorted(type(e).__name__ for e in errors) == ["KeyboardInterrupt", "RuntimeError"]


def test_a_member_gives_back_what_it_holds_before_waiting_for_another_to_write() -> None:
    """A command waiting for the leader gives back its connection first (``before_waiting``): the leader may need
    one, when the pool's others are all held by waiting members; the leader itself holds on to its own."""
    gate, released = threading.Event(), []

    def insert(events: Any) -> list[int]:
        gate.wait(10)
        return list(range(1, len(events) + 1))

    group = GroupCommit(insert)
    with ThreadPoolExecutor(3) as pool:
        leader = pool.submit(
            group.insert, [StoredEvent(uuid4(), 1, "t", b"{}")], before_waiting=lambda: released.append(0)
        )
        while not group._writing:
            time.sleep(0.001)
        followers = [
            pool.submit(
                group.insert, [StoredEvent(uuid4(), 1, "t", b"{}")], before_waiting=lambda i=i: released.append(i)
            )
            for i in (1, 2)
        ]
        while group.queued < 2:
            time.sleep(0.001)
        assert sorted(released) == [1, 2]  # before they waited, while the leader writes
        gate.set()
        assert leader.result(10) == [1] and [f.result(10) for f in followers] == [[1], [2]]  # one batch after it
    assert 0 not in released


def test_a_member_woken_twice_or_before_it_waits_wakes_once_and_never_fails() -> None:
    """The turn handed to the next member, then its own batch answered: two wakes, one wait (application/group_commit.py
    ``_Wake``); a wake before the wait is not lost."""
    from application.group_commit import _Wake

    early = _Wake()
    early.set()
    early.set()
    early.wait()  # returns at once: woken before it waited
    waiting = _Wake()
    with ThreadPoolExecutor(3) as pool:
        waited = pool.submit(waiting.wait)
        for wake in [pool.submit(waiting.set) for _ in range(2)]:
            wake.result(10)
        assert waited.result(10) is None
