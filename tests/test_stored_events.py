"""Old data still loads (issue 16, item 7): a log stored by an earlier version, on both stores.

``tests/fixtures/event_log_v1.*`` was written before any event class moved (see its module). Moving an
event or aggregate class changes the topic new events are stored under, never the stored ones: the old
topic must stay resolvable (``eventsourcing.utils.register_topic``), every aggregate must load, and every
read model must be rebuilt from the old log to exactly the rows it had.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import json
import math
import pkgutil
import types
import typing
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import orjson
import pytest
from eventsourcing.domain import Aggregate, CanSnapshotAggregate, DomainEvent
from eventsourcing.persistence import MapperDeserialisationError, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic
from hypothesis import given, settings
from hypothesis import strategies as st

import domain
from application.service import replay
from domain.audit import Role
from domain.diploma.diploma import Diploma
from domain.diploma.numbering import NINASequence
from domain.moved import topics_of
from domain.personal import PersonalData, Sealed
from domain.registry.accreditation import Accreditation
from domain.registry.level import Level, Orientation
from domain.registry.pddikti_import import PddiktiImport
from domain.registry.period import Period
from domain.registry.student import Student
from domain.registry.university import University
from infra import transcoder as transcoder_module
from infra import typed_state
from infra.bootstrap import Container
from infra.transcoder import TYPED, EventMapper, OrjsonTranscoder, _to_json
from tests.application.test_student_snapshots import history
from tests.fixtures import event_log
from tests.world import OPERATOR, PRODI, UNIVERSITY


def event_classes() -> set[type]:
    """Every event class the domain defines today, found by walking its modules."""
    found: set[type] = set()
    for info in pkgutil.walk_packages(domain.__path__, "domain."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Aggregate) and cls.__module__ == module.__name__:
                found.update(
                    member
                    for name, member in inspect.getmembers(cls, inspect.isclass)
                    if issubclass(member, DomainEvent)
                    and member.__qualname__.startswith(cls.__qualname__ + ".")
                    and name not in ("Event", "Created")  # the bases eventsourcing defines on every aggregate
                    # A snapshot (Student.Snapshot) is kept apart from the log, caused by no one: not an event. Its
                    # topic is pinned by tests/application/test_student_snapshots.py.
                    and not issubclass(member, CanSnapshotAggregate)
                )
    return found


# Event classes first written after the v1 fixture: they have no older topic to keep resolving. A class
# listed here must never move without a fixture that holds it (issue 16, item 7).
ADDED_AFTER_V1 = {Student.RecordReliedOn, PddiktiImport.Recorded} | {
    cls
    for cls in event_classes()
    if cls.__module__.startswith(
        (
            "domain.submission.",
            "domain.assessment.",
            "domain.equivalency.",
            "domain.credentials.",
            "domain.idempotency",
            "domain.sharing.",  # issue 34: no stored fixture yet (tests/sharing make every event)
        )
    )
}


def test_the_fixture_names_every_event_class_of_today_under_a_topic_that_still_resolves() -> None:
    topics = {e.topic for e in event_log.stored_events()}
    resolved = {resolve_topic(topic) for topic in topics}
    missing = {get_topic(cls) for cls in event_classes() - resolved - ADDED_AFTER_V1}
    assert not missing, f"event classes with no event in the fixture log (add them to a new fixture): {missing}"


def test_the_v1_log_loads_every_aggregate_and_rebuilds_every_read_model(container: Container) -> None:
    app = container.services.diploma.commands
    started = app.recorder.max_notification_id() or 0  # whatever the installation recorded before
    events = event_log.load_into(container)
    assert app.recorder.max_notification_id() == started + len(events)

    versions = {e.originator_id: e.originator_version for e in events}
    for originator_id, version in versions.items():
        aggregate = app.repository.get(originator_id)
        assert aggregate.version == version
    erased = {e.originator_id for e in events if e.topic.endswith("Student.PersonalDataErased")}
    students = [app.repository.get(i) for i, _ in versions.items()]
    students = [s for s in students if isinstance(s, Student)]
    assert len(students) == 4 and len(erased) == 1
    for student in students:  # sealed personal data reads with the fixture's keys, except the erased one's
        assert (app.sealer.unseal(student.personal) is None) == (student.id in erased)

    expected = json.loads(event_log.READ_MODELS.read_text(encoding="utf-8"))
    container.worker.catch_up()
    assert all(s.failure_count == 0 and s.position == s.head for s in container.worker.status())
    assert read_models_of_v1(container, expected) == expected
    for name in container.worker.projections:
        container.worker.rebuild(name)
    assert read_models_of_v1(container, expected) == expected


# Read models added since v1 that read events the v1 log has: each paired NINA there is a credential (issue 13), and
# a student whose paired NINA was annulled has a DPI citing no diploma in force (issue 33).
READ_FROM_V1_SINCE = {
    "credential_pending",
    "credential_status_changes",
    "credential_annulments",
    "credential_dpi_annulled",
}


def read_models_of_v1(container: Container, expected: dict[str, object]) -> dict[str, object]:
    """The fixture's tables; the tables of read models added since are empty, the v1 log having none of their
    events, except those that read events v1 has (``READ_FROM_V1_SINCE``)."""
    tables = event_log.read_models(container)
    assert all(not rows for table, rows in tables.items() if table not in {*expected, *READ_FROM_V1_SINCE})
    paired = sum(1 for e in event_log.stored_events() if e.topic.endswith("Diploma.NINAPaired"))
    assert len(tables["credential_pending"]) == paired  # their slots are the allocator's, after a catch-up
    return {table: rows for table, rows in tables.items() if table in expected}


def test_a_query_by_topic_asks_for_the_topics_a_class_had_before_it_moved() -> None:
    """The erasure sweep selects ``PersonalDataErased`` by topic: it must find those stored before the move."""
    assert topics_of(Student.PersonalDataErased) == [
        "domain.registry.student:Student.PersonalDataErased",
        "domain.diploma.student:Student.PersonalDataErased",
    ]
    assert all(resolve_topic(t) is Student.PersonalDataErased for t in topics_of(Student.PersonalDataErased))


def test_a_value_type_that_left_a_module_still_there_resolves_by_both_of_its_old_topics() -> None:
    """Level left domain.registry.programme (which holds the Programme aggregate still): values stored in v1
    (domain.diploma.programme) and after the registry moved (domain.registry.programme) rebuild as today's."""
    assert topics_of(Level) == [
        "domain.registry.level:Level",
        "domain.registry.programme:Level",
        "domain.diploma.programme:Level",
    ]
    for cls in (Level, Orientation, Accreditation):
        assert all(resolve_topic(t) is cls for t in topics_of(cls))
    transcoder = OrjsonTranscoder()
    stored = transcoder.encode({"level": Level.S1})
    old = stored.replace(b"domain.registry.level:Level", b"domain.registry.programme:Level")
    assert old != stored
    assert transcoder.decode(old) == {"level": Level.S1}


def test_every_event_of_the_v1_log_stored_again_is_in_the_typed_format_and_loads_the_same() -> None:
    """Issue 35: events are written in the typed format (orjson's native types, read back by the class's hints)
    and the first format still loads: the fixture holds only the first, every class of v1 in it."""
    mapper = EventMapper(OrjsonTranscoder())
    for stored in event_log.stored_events():
        assert not stored.state.startswith(TYPED)
        event = mapper.to_domain_event(stored)
        again = mapper.to_stored_event(event)
        assert again.state.startswith(TYPED), again.topic
        assert vars(mapper.to_domain_event(again)) == vars(event)


class _Code(str):
    """A str that is not exactly a str: the typed format could not give it back as it was."""


def test_an_event_whose_value_is_not_what_its_field_declares_is_stored_in_the_first_format_and_loads() -> None:
    mapper = EventMapper(OrjsonTranscoder())
    stored = next(e for e in event_log.stored_events() if e.topic.endswith("University.Registered"))
    event = mapper.to_domain_event(stored)
    event.__dict__["code"] = _Code("001002")
    again = mapper.to_stored_event(event)
    assert not again.state.startswith(TYPED)
    assert vars(mapper.to_domain_event(again)) == vars(event)


def test_a_value_whose_field_is_not_exactly_its_declared_type_is_stored_in_the_first_format_and_loads() -> None:
    """A value's fields are checked by their exact type (issue 35: without a call per field): a str subclass in an
    optional field, a plain str for an enum, a str for a UUID, an int for a bool each send the event to the first
    format, and what loads is what was stored."""
    mapper = EventMapper(OrjsonTranscoder())
    stored = next(e for e in event_log.stored_events() if e.topic.endswith("University.Registered"))
    event = mapper.to_domain_event(stored)
    actor = event.cause.actor  # type: ignore[attr-defined]
    assert mapper.to_stored_event(event).state.startswith(TYPED)
    for field, value in (("institution", _Code("001002")), ("role", actor.role.value), ("issuer", 1)):
        changed = dataclasses.replace(actor, **{field: value})
        event.__dict__["cause"] = dataclasses.replace(event.cause, actor=changed)  # type: ignore[attr-defined]
        again = mapper.to_stored_event(event)
        assert not again.state.startswith(TYPED), field
        assert vars(mapper.to_domain_event(again)) == vars(event)
    sealed = Sealed(uuid.UUID(int=1), "x")
    assert typed_state.plan(Student.Registered).typed["personal"].check(sealed)
    assert not typed_state.plan(Student.Registered).typed["personal"].check(Sealed(str(sealed.subject_id), "x"))  # type: ignore[arg-type]


def test_a_typed_value_stored_before_a_field_with_a_default_was_added_loads_with_that_default() -> None:
    """An event evolves by an optional field with a default: the typed format, as the first, fills it in."""
    mapper = EventMapper(OrjsonTranscoder())
    stored = next(e for e in event_log.stored_events() if e.topic.endswith("University.Registered"))
    typed = mapper.to_stored_event(mapper.to_domain_event(stored))
    state = orjson.loads(typed.state)
    del state["cause"]["actor"]["issuer"], state["cause"]["actor"]["subject"]  # as before issue 29 added them
    older = StoredEvent(typed.originator_id, typed.originator_version, typed.topic, orjson.dumps(state))
    assert older.state.startswith(TYPED)
    event = mapper.to_domain_event(older)
    actor = event.cause.actor  # type: ignore[attr-defined]
    assert actor.role is Role.MINISTRY_ADMIN and actor.issuer is None and actor.subject is None
    # Filled in the value itself, not only read from the class: stored again, it is whole, and still typed (msgspec
    # leaves a missing defaulted field out of a value's __dict__, so such a state is not read by it: review, issue 35).
    assert {"issuer", "subject"} <= vars(actor).keys()
    assert mapper.to_stored_event(event).state.startswith(TYPED)


def test_every_event_class_is_stored_typed_with_at_most_a_field_or_two_tagged() -> None:
    """The typed format reads each class's hints: a hint that stopped resolving would leave every field tagged."""
    for cls in event_classes():
        plan = typed_state.plan(cls)
        tagged = set(typing.get_type_hints(cls)) - set(plan.typed) - {"originator_id", "originator_version"}
        tagged -= {n for n, h in typing.get_type_hints(cls).items() if typing.get_origin(h) is typing.ClassVar}
        assert "timestamp" in plan.typed and len(tagged) <= 2, (cls.__qualname__, tagged)


def _typed_university_registered() -> tuple[EventMapper, StoredEvent, dict[str, Any]]:
    mapper = EventMapper(OrjsonTranscoder())
    stored = next(e for e in event_log.stored_events() if e.topic.endswith("University.Registered"))
    typed = mapper.to_stored_event(mapper.to_domain_event(stored))
    return mapper, typed, orjson.loads(typed.state)


def test_a_field_stored_tagged_still_loads_once_its_class_declares_a_type_the_typed_format_reads() -> None:
    """The typed state names its tagged fields (``_t``): they are read as tagged whatever the class says today."""
    mapper, typed, state = _typed_university_registered()
    event = mapper.to_domain_event(typed)
    state["timestamp"] = _to_json(event.timestamp)  # as a field typed too loosely stored it
    state["_t"] = ["timestamp"]
    earlier = StoredEvent(typed.originator_id, typed.originator_version, typed.topic, orjson.dumps(state))
    assert vars(mapper.to_domain_event(earlier)) == vars(event)


def test_a_field_stored_typed_that_its_class_no_longer_types_is_refused_rather_than_loaded_as_raw_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mapper, typed, _ = _typed_university_registered()
    real = typed_state.plan(type(mapper.to_domain_event(typed)))
    loose = typed_state.Plan(
        {k: v for k, v in real.typed.items() if k != "timestamp"},
        tuple((k, f) for k, f in real.converted if k != "timestamp"),
        real.declared,
    )
    monkeypatch.setattr(typed_state, "plan", lambda cls: loose)
    with pytest.raises(MapperDeserialisationError, match="timestamp"):
        mapper.to_domain_event(typed)


def test_a_field_its_class_no_longer_declares_stays_as_stored_for_its_upcaster() -> None:
    mapper, typed, state = _typed_university_registered()
    state["dropped_since"] = "2024-01-01"
    older = StoredEvent(typed.originator_id, typed.originator_version, typed.topic, orjson.dumps(state))
    assert vars(mapper.to_domain_event(older))["dropped_since"] == "2024-01-01"


def test_a_value_class_with_a_field_orjson_would_not_write_is_not_stored_typed() -> None:
    @dataclass(frozen=True)
    class Hidden:
        shown: str
        _kept: int = 0

    Hidden.__module__ = "domain.registry.hidden"  # as if it were one of ours
    assert typed_state._codec(Hidden, frozenset()) is None


_OPERATOR_JSON = (
    '{"actor":{"id":"university_operator@test","role":"university_operator","institution":"001002","issuer":null,'
    '"subject":null},"request_id":"req-test","reason":null}'
)


def test_a_claimed_number_and_a_relied_on_record_are_stored_byte_for_byte_as_when_an_event_method_applied_them() -> (
    None
):
    """Issue 35: NumberClaimed and RecordReliedOn are triggered and applied without the @event decorator; their topics,
    their fields and the bytes stored for them are what the decorated methods stored, and they load and apply."""
    mapper = EventMapper(OrjsonTranscoder())
    sequence = NINASequence(university_code=UNIVERSITY, prodi_code=PRODI, year=2024, cause=OPERATOR)
    sequence.claim_next(OPERATOR)
    claimed = sequence.collect_events()[-1]
    stored = mapper.to_stored_event(claimed)
    assert stored.topic == "domain.diploma.numbering:NINASequence.NumberClaimed"
    stamp = claimed.timestamp.isoformat()
    assert stored.state == f'{{"_v":2,"timestamp":"{stamp}","number":1,"cause":{_OPERATOR_JSON}}}'.encode()
    started = mapper.to_stored_event(NINASequence.Started(**_as_created(sequence)))  # type: ignore[arg-type]
    loaded = None
    for event in (mapper.to_domain_event(started), mapper.to_domain_event(stored)):
        loaded = event.mutate(loaded)  # type: ignore[attr-defined]
    assert loaded is not None and loaded.last == 1 and loaded.version == 2

    student = Student.register(
        university_code=UNIVERSITY,
        nim="2020001",
        prodi_code=PRODI,
        entry_period=Period(2020, 1),
        personal=PersonalData(full_name="Siti"),
        today=date(2024, 8, 1),
        sealer=_Sealer(),
        cause=OPERATOR,
    )
    diploma_id = uuid.UUID(int=7)
    student.rely_on_record(decision="Diploma.NINAReserved", diploma_id=diploma_id, nina="x", cause=OPERATOR)
    relied = student.collect_events()[-1]
    stored = mapper.to_stored_event(relied)
    assert stored.topic == "domain.registry.student:Student.RecordReliedOn"
    assert (
        stored.state
        == (
            f'{{"_v":2,"timestamp":"{relied.timestamp.isoformat()}","university_code":"001002","nim":"2020001",'
            f'"decision":"Diploma.NINAReserved","diploma_id":"{diploma_id}","nina":"x","cause":{_OPERATOR_JSON}}}'
        ).encode()
    )
    assert vars(mapper.to_domain_event(stored)) == vars(relied) and student.version == 2


def _as_created(sequence: NINASequence) -> dict[str, Any]:
    return {
        "originator_topic": "domain.diploma.numbering:NINASequence",
        "originator_id": sequence.id,
        "originator_version": 1,
        "timestamp": sequence.created_on,
        "university_code": UNIVERSITY,
        "prodi_code": PRODI,
        "year": 2024,
        "cause": OPERATOR,
    }


class _Sealer:
    def seal(self, subject_id: uuid.UUID, data: PersonalData) -> Sealed:
        return Sealed(subject_id, "sealed")


def _exactly(read: Any, expected: Any, where: str = "$") -> None:
    """Equal, and of exactly the same type all the way down (a tuple is not a list, a str not an enum's member)."""
    assert type(read) is type(expected), (where, type(read), type(expected))
    if dataclasses.is_dataclass(expected):
        assert list(vars(read)) == list(vars(expected)), where
        for name, value in vars(expected).items():
            _exactly(getattr(read, name), value, f"{where}.{name}")
    elif isinstance(expected, tuple | list):
        assert len(read) == len(expected), where
        for n, (a, b) in enumerate(zip(read, expected, strict=True)):
            _exactly(a, b, f"{where}[{n}]")
    elif isinstance(expected, dict):
        assert list(read) == list(expected), where
        for key, value in expected.items():
            _exactly(read[key], value, f"{where}.{key}")
    else:
        assert read == expected, where
        if type(expected) is datetime:
            assert read.tzinfo is expected.tzinfo, where


def _by_hints(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every typed state read field by field by its class's hints, as before msgspec read them in one pass."""
    real = typed_state.plan
    monkeypatch.setattr(typed_state, "plan", lambda cls: dataclasses.replace(real(cls), read=None))


def test_every_event_stored_typed_reads_in_one_pass_exactly_as_by_its_hints(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 35: msgspec reads a state stored as its class declares it, in C; every value is what the hints'
    reading gives, of exactly the same type (a frozen value, a Decimal, a date, an enum's member, a tuple), in the
    same order."""
    mapper = EventMapper(OrjsonTranscoder())
    typed = [mapper.to_stored_event(mapper.to_domain_event(stored)) for stored in event_log.stored_events()]
    in_one_pass = []
    for stored in typed:
        if typed_state.plan(resolve_topic(stored.topic)).read is not None:
            assert typed_state.plan(resolve_topic(stored.topic)).read(stored.state) is not None, stored.topic
        in_one_pass.append(mapper.to_domain_event(stored))
    _by_hints(monkeypatch)
    for stored, read in zip(typed, in_one_pass, strict=True):
        _exactly(vars(read), vars(mapper.to_domain_event(stored)), stored.topic)


def test_a_typed_state_not_as_its_class_declares_it_today_is_read_by_its_hints() -> None:
    """An unknown field (for an upcaster), a missing one, a field stored tagged or a value of another type: msgspec
    does not read it, and the hints read it as before."""
    # A student's snapshot: an event's cause holds an Actor, whose fields with defaults keep every event off msgspec.
    mapper = EventMapper(OrjsonTranscoder())
    typed = mapper.to_stored_event(Student.Snapshot.take(replay(None, history("NIK", []))))
    state = orjson.loads(typed.state)
    read = typed_state.plan(Student.Snapshot).read
    assert read is not None and read(typed.state) is not None
    assert typed_state.plan(University.Registered).read is None
    event = mapper.to_domain_event(typed)
    unknown = {**state, "dropped_since": "2024-01-01"}
    missing = {k: v for k, v in state.items() if k != "topic"}
    tagged = {**state, "timestamp": _to_json(event.timestamp), "_t": ["timestamp"]}
    other = {**state, "topic": 1}
    for changed in (unknown, missing, tagged, other):
        assert read(orjson.dumps(changed)) is None
    assert vars(mapper.to_domain_event(StoredEvent(typed.originator_id, 1, typed.topic, orjson.dumps(tagged)))) == vars(
        event
    )
    with_missing = mapper.to_domain_event(StoredEvent(typed.originator_id, 1, typed.topic, orjson.dumps(missing)))
    assert "topic" not in vars(with_missing)


def test_a_field_with_a_default_stored_without_it_stays_absent_as_the_hints_leave_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A field added with a default (Diploma.NINAPaired.paired_on) is absent from the states stored before it: the
    event then reads the class's default, whichever way it was read."""
    mapper = EventMapper(OrjsonTranscoder())
    paired = next(e for e in event_log.stored_events() if e.topic.endswith("Diploma.NINAPaired"))
    typed = mapper.to_stored_event(mapper.to_domain_event(paired))
    state = orjson.loads(typed.state)
    state.pop("paired_on", None)
    older = StoredEvent(typed.originator_id, typed.originator_version, typed.topic, orjson.dumps(state))
    read = typed_state.plan(Diploma.NINAPaired).read  # None today: its cause's Actor has fields with defaults
    assert read is None or "paired_on" not in (read(older.state) or {"paired_on": "not read"})
    in_one_pass = mapper.to_domain_event(older)
    _by_hints(monkeypatch)
    _exactly(vars(in_one_pass), vars(mapper.to_domain_event(older)))
    assert in_one_pass.paired_on is None  # type: ignore[attr-defined]


def _as_declared(value: Any, hint: Any) -> bool:
    """What a typed field's check promises, written out plainly: the value is exactly what its hint says."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = next(a for a in args if a is not type(None))
        return value is None or _as_declared(value, inner)
    if origin is tuple or origin is list:
        return type(value) is origin and all(_as_declared(v, args[0]) for v in value)
    if origin is dict:
        return type(value) is dict and all(type(k) is str and _as_declared(v, args[1]) for k, v in value.items())
    if type(value) is not hint:
        return False
    if hint is float:
        return math.isfinite(value)
    if hint is Decimal:
        return bool(value.is_finite())
    if hint is datetime:
        return value.tzinfo in (None, UTC)
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        fields = [f.name for f in dataclasses.fields(hint)]
        return set(vars(value)) == set(fields) and all(_as_declared(getattr(value, f), hints[f]) for f in fields)
    return True


_DECIMAL_NAN = Decimal("NaN")
_NEAR_MISSES = [
    "x",
    _Code("x"),
    0,
    True,
    1.5,
    math.nan,
    Decimal("1.50"),
    _DECIMAL_NAN,
    date(2024, 1, 1),
    datetime(2024, 1, 1),
    datetime(2024, 1, 1, tzinfo=UTC),
    datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=7))),
    uuid.UUID(int=1),
    None,
    (),
    ("x",),
    ["x"],
    {"k": "x"},
    Role.MINISTRY_ADMIN,
    Period(2024, 1),
]


def _paths(value: Any, hint: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Every place in a typed value a near miss can be put, with its hint."""
    found = [(path, hint)]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType) and value is not None:
        found += _paths(value, next(a for a in args if a is not type(None)), path)[1:]
    elif origin in (tuple, list) and value:
        found += _paths(value[0], args[0], (*path, 0))
    elif origin is dict and value:
        found += _paths(next(iter(value.values())), args[1], (*path, next(iter(value))))
    elif dataclasses.is_dataclass(hint) and type(value) is hint:
        hints = typing.get_type_hints(hint)
        for f in dataclasses.fields(hint):
            found += _paths(getattr(value, f.name), hints[f.name], (*path, f.name))
    return found


def _put(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    step, rest = path[0], path[1:]
    if isinstance(value, tuple | list):
        return type(value)([_put(value[0], rest, new), *value[1:]])
    if isinstance(value, dict):
        return {**value, step: _put(value[step], rest, new)}
    changed = object.__new__(type(value))
    object.__setattr__(changed, "__dict__", {**vars(value), step: _put(getattr(value, step), rest, new)})
    return changed


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(data=st.data())
def test_an_event_is_stored_typed_exactly_when_every_value_is_what_its_hint_says(data: st.DataObject) -> None:
    """Issue 35: a class's checks are generated once, in line (``typed_state``); anywhere in an event, a value of a
    near type (a str subclass, a naive or foreign-zoned instant, a list for a tuple, a NaN) sends it to the first
    format, exactly as the plain reading of its hints says, and what loads is what was stored."""
    mapper = EventMapper(OrjsonTranscoder())
    event = data.draw(st.sampled_from(_TYPED_EVENTS))
    cls = type(event)
    hints = typing.get_type_hints(cls)
    state = {k: v for k, v in vars(event).items() if k not in ("originator_id", "originator_version")}
    name = data.draw(st.sampled_from(sorted(state)))
    path, _ = data.draw(st.sampled_from(_paths(state[name], hints[name])))
    near = data.draw(st.sampled_from(_NEAR_MISSES))
    state[name] = _put(state[name], path, near)
    expected = all(_as_declared(v, hints[k]) for k, v in state.items())
    assert typed_state.plan(cls).fits(state) is expected  # type: ignore[misc]
    changed = object.__new__(cls)
    object.__setattr__(changed, "__dict__", {**vars(event), **state})
    stored = mapper.to_stored_event(changed)
    assert stored.state.startswith(TYPED) is expected
    if near is not math.nan and near is not _DECIMAL_NAN:  # JSON has no NaN (orjson writes a float's as null)
        assert vars(mapper.to_domain_event(stored)) == vars(changed)


def _typed_events() -> list[Any]:
    """One event of each class of the v1 log whose every field is typed."""
    mapper, found = EventMapper(OrjsonTranscoder()), {}
    for stored in event_log.stored_events():
        event = mapper.to_domain_event(stored)
        state = {k: v for k, v in vars(event).items() if k not in ("originator_id", "originator_version")}
        if typed_state.plan(type(event)).fits(state):  # type: ignore[misc]
            found.setdefault(type(event), event)
    return list(found.values())


_TYPED_EVENTS = _typed_events()


def test_an_immutable_value_that_passed_its_check_is_remembered_only_as_that_object() -> None:
    """Issue 35: a command's cause is on each of its events; an immutable value class's check passes the last value that
    passed it without a look, and any other object (equal or not) is looked at. A value class holding a mutable field
    (a decision's inputs) is looked at every time."""
    reserved = typed_state.plan(Diploma.NINAReserved).typed
    cause, decision = reserved["cause"], reserved["decision"]
    assert cause.immutable and not decision.immutable
    mapper = EventMapper(OrjsonTranscoder())
    stored = next(e for e in event_log.stored_events() if e.topic.endswith("University.Registered"))
    event = mapper.to_domain_event(stored)
    good = event.cause  # type: ignore[attr-defined]
    assert cause.check(good) and cause.check(good)
    near = dataclasses.replace(good, actor=dataclasses.replace(good.actor, institution=_Code("001002")))
    assert not cause.check(near)  # looked at: not the object that passed
    assert cause.check(good)
    event.__dict__["cause"] = near
    assert not mapper.to_stored_event(event).state.startswith(TYPED)  # through the event's own check, in line
    event.__dict__["cause"] = good
    assert mapper.to_stored_event(event).state.startswith(TYPED)


@dataclass(frozen=True)
class _Listed:  # frozen, but holding a list: may change after its check
    names: list[str]


@dataclass(frozen=True)
class _Cached:  # frozen, but a cached property writes its __dict__ after it is made
    name: str

    @functools.cached_property
    def shown(self) -> str:
        return self.name.upper()


@dataclass
class _Open:  # not frozen
    name: str


for _kind in (_Listed, _Cached, _Open):
    _kind.__module__ = "domain.registry.values"  # as if it were one of ours (typed_state reads only those)


def test_only_a_frozen_value_class_of_immutable_fields_without_a_cached_property_is_remembered() -> None:
    @dataclass(frozen=True)
    class Plain:
        name: str
        tags: tuple[str, ...]

    for cls, kept in ((Plain, True), (_Listed, False), (_Open, False), (_Cached, False)):
        codecs = {
            f.name: typed_state._codec(typing.get_type_hints(cls)[f.name], frozenset()) for f in dataclasses.fields(cls)
        }
        assert typed_state._kept(cls, codecs) is kept, cls


def test_only_a_frozen_value_of_immutable_fields_is_passed_again_by_the_object_that_last_passed() -> None:
    """Issue 35: a value that checked once checks for good when nothing can change it (a frozen dataclass of scalars,
    enums, tuples and such values, with no cached property to add to its __dict__): the same object passes again
    without its fields read. Any other object is checked, as is every value of a class that could change."""
    period = typed_state._codec(Period, frozenset())
    assert period is not None and period.immutable
    kept = Period(2024, 1)
    assert period.check(kept) and period.check(kept)
    assert not period.check(_put(kept, ("term",), "1")) and period.check(kept)

    listed, cached, loose = (typed_state._codec(c, frozenset()) for c in (_Listed, _Cached, _Open))
    assert listed is not None and cached is not None and loose is not None
    assert not (listed.immutable or cached.immutable or loose.immutable)
    names = _Listed(["a"])
    assert listed.check(names)
    names.names.append(1)  # type: ignore[arg-type]
    assert not listed.check(names)
    value = _Cached("a")
    assert cached.check(value)
    assert value.shown == "A" and not cached.check(value)  # the cached property is in its __dict__ now


def test_an_event_stored_typed_is_written_byte_for_byte_as_with_the_transcoder_s_own_fallback() -> None:
    """Issue 35: a state that fits its hints is written with ``str`` as orjson's fallback, in C; the one value it then
    meets is a Decimal, written as ``_decimal`` writes it."""
    transcoder = OrjsonTranscoder()
    for event in [*_TYPED_EVENTS, *(EventMapper(transcoder).to_domain_event(s) for s in event_log.stored_events())]:
        state = {k: v for k, v in vars(event).items() if k not in ("originator_id", "originator_version")}
        if typed_state.plan(type(event)).fits(state):  # type: ignore[misc]
            expected = orjson.dumps({"_v": 2, **state}, default=transcoder_module._decimal)
            assert transcoder.encode_event(type(event), state) == expected
