"""A student loads from its typed snapshot exactly as from its events (issue 35): a reservation reads the student
whole, from its latest snapshot and the events after it, in one query on either store. Snapshots change nothing a
past version, an audit or a read model shows, and a store without them loads as before."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.utils import get_topic
from hypothesis import given, settings
from hypothesis import strategies as st

from application.service import replay
from domain.audit.record import state_of
from domain.personal import Sealed
from domain.registry.period import Period
from domain.registry.record import Graduation, SemesterReport, SemesterStatus
from domain.registry.student import Student
from infra.event_batches import EventBatches
from infra.transcoder import TYPED, EventMapper, OrjsonTranscoder
from tests.world import UNIVERSITY, World, cause, report

MAPPER = EventMapper(OrjsonTranscoder())
TODAY = date(2031, 1, 1)
ENTRY = Period(2020, 1)


def state(aggregate: Any) -> dict[str, Any]:
    assert aggregate is not None
    return {"class": type(aggregate), **{k: v for k, v in vars(aggregate).items() if k != "_pending_events"}}


def through_store(snapshot: Student.Snapshot) -> Any:
    stored = MAPPER.to_stored_event(snapshot)
    assert stored.state.startswith(TYPED)  # every field as its hint says: the fast format, not the tagged one
    return MAPPER.to_domain_event(stored)


# Any history of a student, on the aggregate alone ------------------------------------------------------------

gpas = st.integers(0, 400).map(lambda n: Decimal(n) / 100)
reports = st.builds(
    SemesterReport,
    period=st.integers(0, 11).map(lambda n: Period.from_ordinal(ENTRY.ordinal + n)),
    status=st.sampled_from(SemesterStatus),
    sks_taken=st.integers(0, 60),
    ips=gpas,
    ipk=gpas,
    sks_passed=st.integers(0, 500),
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("report"), reports),
        st.tuples(st.just("withdraw"), st.integers(0, 11)),
        st.tuples(st.just("graduate"), st.dates(date(2021, 1, 1), TODAY)),
        st.tuples(st.just("erase"), st.none()),
        st.tuples(st.just("rely"), st.none()),
    ),
    max_size=20,
)


def history(identity_kind: str | None, moves: list[tuple[str, Any]]) -> list[Any]:
    """The student's events, as stored and read back by the mapper."""
    by, why = cause(), cause(reason="typed in error")
    sid = Student.create_id(UNIVERSITY, "2020001")
    student = Student(
        university_code=UNIVERSITY,
        nim="2020001",
        prodi_code="55201",
        entry_period=ENTRY,
        identity_kind=identity_kind,
        personal=Sealed(sid, "c2VhbGVk"),
        cause=by,
    )
    for kind, value in moves:
        if kind == "report":
            student.report_semester(value, TODAY, by)
        elif kind == "withdraw" and (period := Period.from_ordinal(ENTRY.ordinal + value)) in student.reports:
            student.withdraw_semester_report(period, why)
        elif kind == "graduate":
            student.record_graduation(Graduation(f"SK/{value.isoformat()}", value), TODAY, by)
        elif kind == "erase":
            student.erase_personal_data(why)
        elif kind == "rely":
            student.rely_on_record(decision="Diploma.NINAReserved", diploma_id=sid, nina="x", cause=by)
    return [MAPPER.to_domain_event(MAPPER.to_stored_event(e)) for e in student.collect_events()]


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(identity_kind=st.sampled_from(["NIK", "PASSPORT", None]), moves=steps)
def test_a_student_from_a_snapshot_at_any_version_and_the_later_events_is_the_student_of_all_its_events(
    identity_kind: str | None, moves: list[tuple[str, Any]]
) -> None:
    events = history(identity_kind, moves)
    whole = replay(None, events)
    for version in range(1, len(events) + 1):
        then = replay(None, events[:version])
        restored = through_store(Student.Snapshot.take(then)).mutate(None)
        assert state(restored) == state(then)
        assert list(restored.reports) == list(then.reports)  # the record's order too
        assert list(vars(restored)) == list(vars(then))
        later = replay(restored, events[version:])
        assert state(later) == state(whole)


# On the stores: the one query, the repository, the audit -------------------------------------------------------


def student_id(nim: str) -> UUID:
    return Student.create_id(UNIVERSITY, nim)


def replayed(world: World, nim: str) -> Any:
    return replay(None, world.app.events.get(student_id(nim)))


def snapshot_versions(world: World, nim: str) -> list[int]:
    assert world.app.snapshots is not None
    return [s.originator_version for s in world.app.snapshots.get(student_id(nim))]


def varied(world: World) -> list[str]:
    """Students with other histories: eligible (a snapshot at version 8), later reports and a graduation after it,
    a withdrawn report, and one too short to be snapshotted."""
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    world.eligible_s1("2020002")
    world.report("2020002", report("20241", passed=170))
    world.graduate("2020002")
    world.eligible_s1("2020003")
    world.app.withdraw_semester_report(
        university_code=UNIVERSITY, nim="2020003", period="20222", reason="typed in error", cause=cause()
    )
    world.student("2020004")
    world.semesters("2020004", 3)
    return ["2020001", "2020002", "2020003", "2020004"]


def test_students_load_from_snapshots_and_later_events_as_from_all_their_events(world: World) -> None:
    nims = varied(world)
    assert snapshot_versions(world, "2020001") == [8]
    assert snapshot_versions(world, "2020004") == []
    for nim in nims:
        expected = state(replayed(world, nim))
        assert state(world.app.find(Student, student_id(nim))) == expected  # one query: snapshot and events
        assert state(world.app.repository.get(student_id(nim))) == expected  # the library's two


def test_the_snapshot_topic_is_pinned() -> None:
    """Stored snapshots name their class: it never moves without its old topic kept resolving."""
    assert get_topic(Student.Snapshot) == "domain.registry.student:Student.Snapshot"
    assert Student.Snapshot.take(replay(None, history("NIK", []))).topic == get_topic(Student)


def test_events_after_with_and_without_snapshots_gives_the_same_aggregates(world: World) -> None:
    nims = varied(world)
    world.reserve("2020001")  # a reliance after the snapshot, and a diploma, a claim and a sequence without one
    app = world.app
    assert app.snapshots is not None
    ids = [student_id(n) for n in nims] + [n.originator_id for n in world.notifications()]
    plain, snapshotted = EventBatches(app.recorder), EventBatches(app.recorder, app.snapshots.recorder)
    without, with_snapshots = plain.events_after(dict.fromkeys(ids, 0)), snapshotted.events_after(dict.fromkeys(ids, 0))
    assert with_snapshots.keys() == without.keys()
    first = with_snapshots[student_id("2020001")][0]
    assert (first.topic, first.originator_version) == ("domain.registry.student:Student.Snapshot", 8)
    for aggregate_id, stored in without.items():
        expected = state(replay(None, map(app.mapper.to_domain_event, stored)))
        assert state(replay(None, map(app.mapper.to_domain_event, with_snapshots[aggregate_id]))) == expected
    # A copy is brought up to date from its own version, never from a snapshot.
    assert snapshotted.events_after({student_id("2020001"): 1}) == {student_id("2020001"): without[ids[0]][1:]}


def test_a_reservation_reads_the_student_from_its_snapshot_and_writes_the_same_decision(world: World) -> None:
    varied(world)
    receipt = world.reserve("2020001")
    assert receipt.changed
    student = world.app.find(Student, student_id("2020001"))
    assert state(student) == state(replayed(world, "2020001"))
    assert student is not None and student.version == 10


def test_past_versions_and_the_audit_are_the_events_alone(world: World) -> None:
    nims = varied(world)
    app, trail = world.app, world.container.services.audit.trail
    for nim in nims:
        stream = list(app.events.get(student_id(nim)))
        for version in range(1, len(stream) + 1):
            then = replay(None, stream[:version])
            assert state(app.repository.get(student_id(nim), version=version)) == state(then)
            past = trail.as_of(student_id(nim), version=version)
            assert past is not None
            assert (past.state, past.at, past.version) == (state_of(then), then.modified_on, version)
            assert list(past.state) == list(state_of(then))  # as the auditors read it, in the same order


def test_a_store_without_student_snapshots_loads_them_from_their_events(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from application.diploma.diplomas import Diplomas
    from domain.diploma.numbering import NINASequence

    monkeypatch.setattr(Diplomas, "snapshot_every", {NINASequence: 20})  # as the store was before issue 35
    nims = varied(world)
    assert all(snapshot_versions(world, nim) == [] for nim in nims)
    monkeypatch.undo()
    for nim in nims:
        assert state(world.app.find(Student, student_id(nim))) == state(replayed(world, nim))
    assert world.reserve("2020001").changed
