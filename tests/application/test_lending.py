"""Aggregates lent from one command to the next (issue 35; application/lending.py), on SQLite and PostgreSQL.

A reservation leaves its sequence, programme, diploma and student on the shelf, and the next reservation takes them
from there instead of reading them. Another process may have changed any of them meanwhile: a stale copy that the
command writes conflicts and the command reruns on fresh state (PIN-1: no NINA twice); a refusal decided on a stale
copy is decided again on fresh state before it is answered (PIN-5: an annulled NINA's student is reserved again).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from application.lending import Attempt, Shelf
from domain.diploma.diploma import Diploma
from domain.diploma.nina import NINA
from domain.diploma.numbering import NINASequence
from domain.registry.programme import Programme
from domain.registry.student import Student
from infra.bootstrap import Container, bootstrap
from tests.conftest import settings_for
from tests.world import UNIVERSITY, Clock, World

PRODI = "55201"


@pytest.fixture
def elsewhere(
    world: World, store: str, tmp_path: Path, request: pytest.FixtureRequest, clock: Clock
) -> Iterator[World]:
    """Another process on the same store."""
    other: Container = bootstrap(settings_for(store, tmp_path, request), clock=clock)
    try:
        yield World(other, clock)
    finally:
        other.close()


@pytest.fixture
def cohort(world: World) -> World:
    world.university()
    world.programme(prodi=PRODI)
    for nim in ("2020001", "2020002", "2020003"):
        world.eligible_s1(nim)
    return world


def sequence_number(nina: str | None) -> int:
    assert nina is not None
    return NINA.parse(nina, prodi_code=PRODI).sequence


def test_the_next_reservation_reads_in_two_queries_and_writes_once(
    cohort: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The student (one this process has not seen lately) and the diploma in one query; the programme and the
    sequence, on the shelf, brought up to date in a second (their events after the copies' versions: none)."""
    cohort.reserve("2020001")
    app: Any = cohort.app
    app._shelf.take(Student.create_id(UNIVERSITY, "2020002"))
    single_reads: list[Any] = []
    batched_reads: list[dict[Any, int]] = []
    real_select, real_batch = app.recorder.select_events, app.event_batches.events_after
    monkeypatch.setattr(app.recorder, "select_events", lambda *a, **kw: single_reads.append(a) or real_select(*a, **kw))
    monkeypatch.setattr(app.event_batches, "events_after", lambda v: batched_reads.append(dict(v)) or real_batch(v))

    assert sequence_number(cohort.reserve("2020002").nina) == 2

    sequence = NINASequence.create_id(UNIVERSITY, PRODI, cohort.app.today().year)
    assert single_reads == [] and len(batched_reads) == 2
    assert set(batched_reads[0].values()) == {0}  # read whole: not on the shelf
    assert set(batched_reads[1]) == {sequence, Programme.create_id(UNIVERSITY, PRODI)}
    assert all(after > 0 for after in batched_reads[1].values())  # brought up from the copies' versions


def test_a_copy_on_the_shelf_sees_what_another_process_wrote(
    cohort: World, elsewhere: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PIN-1: this process's copy of the sequence is one NINA behind; it is brought up to date before the decision,
    so the reservation takes the next number in one write, not after a conflict."""
    assert sequence_number(cohort.reserve("2020001").nina) == 1
    assert sequence_number(elsewhere.reserve("2020002").nina) == 2  # the shelf here still holds the sequence at 1
    app: Any = cohort.app
    writes: list[int] = []
    real = app.recorder.insert_events
    monkeypatch.setattr(app.recorder, "insert_events", lambda events, **kw: writes.append(1) or real(events, **kw))

    assert sequence_number(cohort.reserve("2020003").nina) == 3
    assert len(writes) == 1
    ninas = [str(e.nina) for e in cohort.events() if type(e).__name__ == "NINAReserved"]
    assert len(ninas) == len(set(ninas)) == 3


def test_a_stale_lent_copy_conflicts_and_the_rerun_reads_afresh(
    cohort: World, elsewhere: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PIN-1: were a stale copy lent without being brought up to date, its write conflicts and the rerun decides on
    fresh state (the write, not the read, is what keeps a NINA from being issued twice)."""
    cohort.reserve("2020001")
    elsewhere.reserve("2020002")
    app: Any = cohort.app
    monkeypatch.setattr(app, "prefetch", lambda *ids, **kw: None)  # the copies come off the shelf as they are

    assert sequence_number(cohort.reserve("2020003").nina) == 3
    ninas = [str(e.nina) for e in cohort.events() if type(e).__name__ == "NINAReserved"]
    assert len(ninas) == len(set(ninas)) == 3


def test_a_refusal_on_a_stale_lent_copy_is_decided_again_on_fresh_state(cohort: World, elsewhere: World) -> None:
    """PIN-5: another process annulled, on the university's proposal, the NINA this process's shelf still holds as
    reserved; reserving again is not refused as PIN-2.once but gives a new number."""
    first = cohort.reserve("2020001").nina
    elsewhere.propose_annulment("2020001")
    elsewhere.decide_annulment("2020001", accept=True)

    again = cohort.reserve("2020001")

    assert again.nina != first and sequence_number(again.nina) == 2


def test_a_refused_command_gives_nothing_back(cohort: World) -> None:
    """PIN-2.once refused on fresh state: what the command read is not lent to the next one (it is read again)."""
    cohort.reserve("2020001")
    app: Any = cohort.app
    app._shelf.clear()
    with pytest.raises(Exception, match="PIN-2"):
        cohort.reserve("2020001")
    assert app._shelf.take(Student.create_id(UNIVERSITY, "2020001")) is None
    assert app._shelf.take(Diploma.create_id(UNIVERSITY, "2020001")) is None


def test_a_graduate_s_reservation_reads_the_programme_fresh(world: World, elsewhere: World) -> None:
    """PIN-2, PIN-8: once the student graduated, the programme's accreditation on the yudisium date is an input the
    reservation records, so it is never taken from the shelf (another process accredited the programme meanwhile)."""
    world.university()
    world.programme(prodi=PRODI, accredited=None)
    for nim in ("2020001", "2020002"):
        world.eligible_s1(nim)
        world.graduate(nim)
    world.reserve("2020001")  # leaves the programme, not accredited, on this process's shelf
    elsewhere.programme(prodi=PRODI)  # registered again, now accredited

    world.reserve("2020002")

    [reserved] = [e for e in world.events() if type(e).__name__ == "NINAReserved" and e.nim == "2020002"]
    assert reserved.decision.inputs["accredited_at_graduation"] == "true"


class _Aggregate:
    def __init__(self, pending: int, version: int = 1) -> None:
        self.id = object()
        self.version = version
        self.pending_events = [object()] * pending


def test_an_aggregate_with_uncommitted_events_is_not_given_back() -> None:
    clean, dirty = _Aggregate(0), _Aggregate(1)
    attempt = Attempt(owner=None, fresh=False, held={1: clean, 2: dirty, 3: None})  # type: ignore[dict-item]
    assert attempt.given_back() == [clean]


def test_the_shelf_keeps_the_most_recently_given_back() -> None:
    shelf = Shelf(size=2)
    a, b, c = _Aggregate(0), _Aggregate(0), _Aggregate(0)
    shelf.give_back([a, b])
    shelf.give_back([c])
    assert shelf.take(a.id) is None and shelf.take(b.id) is b and shelf.take(c.id) is c
    assert shelf.take(c.id) is None  # taken: no two commands hold one object


def test_the_shelf_keeps_the_later_version_of_an_aggregate() -> None:
    """Two threads give back one aggregate: an older copy never replaces a newer one."""
    shelf = Shelf()
    newer, older = _Aggregate(0, version=5), _Aggregate(0, version=4)
    older.id = newer.id
    shelf.give_back([newer])
    shelf.give_back([older])
    assert shelf.take(newer.id) is newer


def test_a_write_of_more_rows_than_one_insert_takes_is_written_whole(store: str, world: World) -> None:
    """The one-round-trip write puts up to ``MAX_ROWS`` events in one statement; more go the library's way, in one
    transaction all the same, each answered its position."""
    if store != "postgres":
        pytest.skip("the multi-row INSERT is PostgreSQL's")
    from eventsourcing.persistence import StoredEvent

    from infra.eventstore import MAX_ROWS

    recorder: Any = world.app.recorder
    before = world.position()
    for count in (3, MAX_ROWS, MAX_ROWS + 1, 65_535 // 4 + 1):  # the last: more parameters than a statement takes
        events = [StoredEvent(uuid4(), 1, "tests.lending:Nothing", b"{}") for _ in range(count)]
        ids = recorder.insert_events(events)
        assert len(ids) == count and ids == sorted(ids) and ids[0] > before
        before = ids[-1]
    assert world.position() == before
