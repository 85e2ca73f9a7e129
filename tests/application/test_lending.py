"""Aggregates lent from one command to the next (issue 35; application/lending.py), on SQLite and PostgreSQL.

A reservation leaves its sequence, programme, diploma and student on the shelf, and the next reservation takes them
from there instead of reading them. Another process may have changed any of them meanwhile: a stale copy that the
command writes conflicts and the command reruns on fresh state (PIN-1: no NINA twice); a refusal decided on a stale
copy is decided again on fresh state before it is answered (PIN-5: an annulled NINA's student is reserved again).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from application.lending import CONTESTED_FOR, Attempt, Shelf
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


class Reads:
    """The queries of an application's commands: single aggregates' (``select_events``) and batches'."""

    def __init__(self, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.single: list[Any] = []
        self.batched: list[dict[Any, int]] = []
        self.writes: list[int] = []
        recorder, batches = app.recorder, app.event_batches
        select, after, insert = recorder.select_events, batches.events_after, recorder.insert_events
        monkeypatch.setattr(recorder, "select_events", lambda *a, **kw: self.single.append(a) or select(*a, **kw))
        monkeypatch.setattr(batches, "events_after", lambda v: self.batched.append(dict(v)) or after(v))
        monkeypatch.setattr(recorder, "insert_events", lambda e, **kw: self.writes.append(len(e)) or insert(e, **kw))

    def clear(self) -> None:
        self.single.clear(), self.batched.clear(), self.writes.clear()


def sequence_id(world: World) -> Any:
    return NINASequence.create_id(UNIVERSITY, PRODI, world.app.today().year)


def ninas_reserved(world: World) -> list[str]:
    return [str(e.nina) for e in world.events() if type(e).__name__ == "NINAReserved"]


def test_the_next_reservation_reads_once_and_writes_once(cohort: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The student (one this process has not seen lately) and the diploma in one query; the programme and the
    sequence, on the shelf and written by no other process lately, as this process left them: no query."""
    cohort.reserve("2020001")
    reads = Reads(cohort.app, monkeypatch)

    assert sequence_number(cohort.reserve("2020002").nina) == 2

    assert reads.single == [] and len(reads.batched) == 1 and len(reads.writes) == 1
    assert set(reads.batched[0]) == {Student.create_id(UNIVERSITY, "2020002"), Diploma.create_id(UNIVERSITY, "2020002")}
    assert set(reads.batched[0].values()) == {0}  # read whole: not on the shelf


def test_a_contested_sequence_is_brought_up_to_date_in_a_second_query(
    cohort: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer elsewhere was seen lately: the programme and the sequence, on the shelf, are brought up to date in a
    second query (their events after the copies' versions: none), before the decision."""
    cohort.reserve("2020001")
    app: Any = cohort.app
    app._shelf.contest([sequence_id(cohort)])
    reads = Reads(app, monkeypatch)

    assert sequence_number(cohort.reserve("2020002").nina) == 2

    assert reads.single == [] and len(reads.batched) == 2 and len(reads.writes) == 1
    assert set(reads.batched[0].values()) == {0}
    assert set(reads.batched[1]) == {sequence_id(cohort), Programme.create_id(UNIVERSITY, PRODI)}
    assert all(after > 0 for after in reads.batched[1].values())  # brought up from the copies' versions
    assert not app._shelf.calm(sequence_id(cohort))  # still contested, for a while


def test_a_write_elsewhere_conflicts_once_then_copies_are_brought_up_to_date_first(
    cohort: World, elsewhere: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PIN-1: this process's calm copy of the sequence is one NINA behind: its write conflicts, which marks the
    sequence contested, and the rerun takes the next number on fresh state. While contested, the next reservation
    brings the copy up to date before the decision (another NINA taken elsewhere meanwhile), in one write."""
    for nim in ("2020004", "2020005"):
        cohort.eligible_s1(nim)
    assert sequence_number(cohort.reserve("2020001").nina) == 1
    assert sequence_number(elsewhere.reserve("2020002").nina) == 2  # the shelf here still holds the sequence at 1
    app: Any = cohort.app
    reads = Reads(app, monkeypatch)

    assert sequence_number(cohort.reserve("2020003").nina) == 3
    assert len(reads.writes) == 2  # one conflicted, the rerun's committed
    assert not app._shelf.calm(sequence_id(cohort))

    left = app.repository.get(sequence_id(cohort)).version
    assert sequence_number(elsewhere.reserve("2020004").nina) == 4
    reads.clear()
    assert sequence_number(cohort.reserve("2020005").nina) == 5
    assert len(reads.writes) == 1  # no conflict: the copy was brought up to date first
    assert reads.batched[1][sequence_id(cohort)] == left  # from the rerun's version: the other's NINA read after it
    ninas = ninas_reserved(cohort)
    assert len(ninas) == len(set(ninas)) == 5


def test_a_contest_ends_after_a_while_and_copies_are_taken_as_left_again(
    cohort: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cohort.reserve("2020001")
    app: Any = cohort.app
    now = [0.0]
    app._shelf = Shelf(clock=lambda: now[0])
    cohort.reserve("2020002")  # puts the sequence and the programme back on the new shelf
    app._shelf.contest([sequence_id(cohort)])
    now[0] += CONTESTED_FOR
    reads = Reads(app, monkeypatch)

    assert sequence_number(cohort.reserve("2020003").nina) == 3

    assert len(reads.batched) == 1 and reads.single == []


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


def test_PIN_1_two_processes_racing_on_one_sequence_lose_and_repeat_no_nina(cohort: World, elsewhere: World) -> None:
    """Two processes (each with its own shelf) reserve in one sequence at once, in rounds, so that each takes its
    copies as left, meets the other's writes as conflicts and brings contested copies up to date: every student gets
    one NINA, and the sequence's numbers are 1 to N, none twice, none skipped."""
    nims = [f"2021{i:03d}" for i in range(1, 25)]
    for nim in nims:
        cohort.eligible_s1(nim)
    here, there = nims[::2], nims[1::2]
    start = threading.Barrier(4)

    def reserving(world: World, mine: list[str]) -> list[str]:
        start.wait(timeout=30)
        return [str(world.reserve(nim).nina) for nim in mine]

    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = [pool.submit(reserving, w, m) for w, m in ((cohort, here[::2]), (cohort, here[1::2]))]
        runs += [pool.submit(reserving, w, m) for w, m in ((elsewhere, there[::2]), (elsewhere, there[1::2]))]
        answered = [nina for run in runs for nina in run.result(timeout=120)]

    assert sorted(sequence_number(n) for n in answered) == list(range(1, len(nims) + 1))
    assert sorted(ninas_reserved(cohort)) == sorted(answered)
    claimed = [e.number for e in cohort.events() if type(e).__name__ == "NumberClaimed"]
    assert sorted(claimed) == list(range(1, len(nims) + 1))


def test_a_graduate_s_reservation_reads_the_programme_once(
    world: World, elsewhere: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PIN-2, PIN-8: the programme read fresh for a graduate is the copy the second query brought up to date (with the
    sequence's), not read a third time."""
    world.university()
    world.programme(prodi=PRODI)
    for nim in ("2020001", "2020002"):
        world.eligible_s1(nim)
        world.graduate(nim)
    world.reserve("2020001")
    reads = Reads(world.app, monkeypatch)

    world.reserve("2020002")

    assert reads.single == [] and len(reads.batched) == 2
    assert set(reads.batched[1]) == {sequence_id(world), Programme.create_id(UNIVERSITY, PRODI)}


def test_a_pairing_brings_a_contested_programme_up_to_date(
    world: World, elsewhere: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PIN-3: the programme a pairing lends is brought up to date when contested (here: accredited elsewhere since
    this process's copy), so the pairing is decided once, on current state, not refused and run again."""
    world.university()
    world.programme(prodi=PRODI, accredited=None)
    world.eligible_s1("2020001")
    world.graduate("2020001")
    nina = world.reserve("2020001").nina  # leaves the programme, not accredited, on this process's shelf
    elsewhere.programme(prodi=PRODI)  # registered again, now accredited
    app: Any = world.app
    programme = Programme.create_id(UNIVERSITY, PRODI)
    app._shelf.contest([programme])
    reads = Reads(app, monkeypatch)

    world.pair("2020001", nina)

    assert [set(batch) for batch in reads.batched][-1] == {programme}  # its events after the copy's version
    assert len(reads.batched) == 2 and len(reads.writes) == 1


def test_a_contest_is_kept_for_a_while_and_for_a_bounded_number_of_aggregates() -> None:
    now = [0.0]
    shelf = Shelf(size=2, contested_for=10.0, clock=lambda: now[0])
    a, b, c = uuid4(), uuid4(), uuid4()
    shelf.contest([a])
    now[0] = 5.0
    shelf.contest([b, c])  # over the bound: the soonest to end, a's, is dropped
    assert shelf.calm(a) and not shelf.calm(b) and not shelf.calm(c)
    now[0] = 15.0
    assert shelf.calm(b)
    shelf.contest([b])  # renewed by a new sign
    now[0] = 24.9
    assert not shelf.calm(b)


def test_a_refusal_that_may_rest_on_a_calm_sequence_is_decided_again_on_fresh_state(
    cohort: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PIN-2: a student short of semesters is refused on the sequence as this process left it; a stale sequence need
    not refuse as a fresh one would (PIN-1 and PIN-5.reuse come first, the two tests below), so the refusal is decided
    again on fresh state, reading the sequence, before it is answered; nothing is written."""
    cohort.reserve("2020001")
    cohort.student("2020009", prodi=PRODI)
    cohort.semesters("2020009", 2, passed=40)
    reads = Reads(cohort.app, monkeypatch)

    with pytest.raises(Exception, match="PIN-2"):
        cohort.reserve("2020009")

    first, *rerun = reads.batched
    assert sequence_id(cohort) not in first  # taken as left
    # The rerun: student and diploma, programme, the sequence whole (its latest snapshot and the events after it, in
    # one query: issue 35).
    assert len(rerun) == 3 and reads.single == [] and rerun[-1] == {sequence_id(cohort): 0}
    assert reads.writes == []


def test_PIN_5_a_stale_calm_sequence_does_not_refuse_a_new_nina_as_the_annulled_one(
    cohort: World, elsewhere: World
) -> None:
    """PIN-5: another process reserved a NINA and had it cancelled in error while this process's calm copy of the
    sequence stood one number behind. Reserving again here must give a new number (3), not take the stale copy's
    next number, the annulled one, and answer PIN-5.reuse: that refusal rests on the stale sequence, which then does
    not refuse as a fresh one would (only "full", PIN-1, is alike)."""
    cohort.reserve("2020001")  # this process's shelf: the sequence at 1
    annulled = elsewhere.reserve("2020002").nina  # 2, elsewhere
    elsewhere.propose_annulment("2020002")
    elsewhere.decide_annulment("2020002", accept=True)

    again = cohort.reserve("2020002")

    assert again.nina != annulled and sequence_number(again.nina) == 3


def test_PIN_1_a_full_sequence_refuses_first_even_when_this_process_s_calm_copy_is_not_full(
    cohort: World, elsewhere: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PIN-1 before PIN-2: the sequence is claimed before the ruleset is asked, so on current state a full sequence
    refuses a student (PIN-1) whatever their record. This process's calm copy is one number short of full (another
    process took the last): a student short of semesters must be refused PIN-1, as on fresh state (and as before
    lending adapted to contention), not PIN-2 on the stale copy."""
    from domain.diploma import numbering

    monkeypatch.setattr(numbering, "MAX_SEQUENCE", 2)
    cohort.reserve("2020001")  # this process's shelf: the sequence at 1
    elsewhere.reserve("2020002")  # 2: full
    cohort.student("2020009", prodi=PRODI)
    cohort.semesters("2020009", 2, passed=40)

    with pytest.raises(Exception, match="PIN-1"):
        cohort.reserve("2020009")
