"""domain/creation.py: a reservation's aggregates and events, made the cheaper way, are the ones the library makes
(issue 35): the same fields in the same order (so the same stored state), the same aggregate attributes in the same
order (so the same snapshot), and the library's way for anything the cheaper one does not cover."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import pytest
from eventsourcing import domain as library
from eventsourcing.domain import Aggregate, event

from domain.audit import Actor, Cause, Role
from domain.creation import QuickCreated, QuickCreation, trigger
from domain.diploma.diploma import Diploma
from domain.diploma.nina import NINA
from domain.diploma.numbering import NINAClaim, NINASequence
from domain.diploma.ruleset import RulesetBook
from domain.registry.level import Level
from domain.registry.period import Period
from domain.registry.record import AcademicRecord

CAUSE = Cause(Actor("operator-1", Role.UNIVERSITY_OPERATOR, "001100"), "request-1")
AT = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library, "datetime_now_with_tzinfo", lambda: AT)


def the_librarys(cls: type[Any], event_class: type[Any], **kwargs: Any) -> Any:
    return super(QuickCreation, cls)._create(event_class, **kwargs)


def state(obj: Any) -> list[tuple[str, Any]]:
    """Attributes in order (the order they are stored in), pending events by their own state."""
    return [(k, [state(e) for e in v] if k == "_pending_events" else v) for k, v in vars(obj).items()]


def reserved_kwargs() -> dict[str, Any]:
    record = AcademicRecord(Level.S1, Period(2020, 1), (), has_identity_number=True)
    decision = RulesetBook.shipped().in_force(date(2026, 3, 1)).reservation(record)
    return {
        "university_code": "001100",
        "prodi_code": "55201",
        "nim": "2020001",
        "student_id": UUID(int=7),
        "nina": NINA.issue("55201", 2026, 1),
        "decision": decision,
        "cause": CAUSE,
    }


@pytest.mark.parametrize(
    ("cls", "event_class", "kwargs"),
    [
        (Diploma, Diploma.NINAReserved, reserved_kwargs()),
        (NINAClaim, NINAClaim.Claimed, {"university_code": "001100", "nina": NINA.issue("55201", 2026, 1),
                                        "diploma_id": UUID(int=9), "cause": CAUSE}),
        (NINASequence, NINASequence.Started, {"university_code": "001100", "prodi_code": "55201", "year": 2026,
                                              "cause": CAUSE}),
    ],
)  # fmt: skip
def test_an_aggregate_created_the_cheaper_way_equals_the_librarys(
    cls: type[Any], event_class: type[Any], kwargs: dict[str, Any]
) -> None:
    quick, theirs = cls._create(event_class, **kwargs), the_librarys(cls, event_class, **kwargs)
    assert type(quick) is type(theirs) and state(quick) == state(theirs)
    assert type(quick.pending_events[0]) is event_class
    made_by_call = cls(**kwargs)  # the metaclass's call comes here too
    assert state(made_by_call) == state(theirs)


def test_a_claimed_number_triggered_the_cheaper_way_equals_the_librarys() -> None:
    kwargs = {"university_code": "001100", "prodi_code": "55201", "year": 2026, "cause": CAUSE}
    quick, theirs = NINASequence(**kwargs), NINASequence(**kwargs)
    for _ in range(3):
        assert quick.claim_next(CAUSE) == NINA.issue("55201", 2026, quick.last)
        theirs.trigger_event(NINASequence.NumberClaimed, number=theirs.last + 1, cause=CAUSE)
    assert state(quick) == state(theirs) and quick.version == 4


class Plain(QuickCreation, Aggregate, metaclass=QuickCreated):
    class Opened(Aggregate.Created):
        name: str
        note: str = ""

    @event(Opened)
    def __init__(self, name: str, note: str = "") -> None:
        self.name, self.note = name, note

    @staticmethod
    def create_id(name: str) -> UUID:
        return uuid5(NAMESPACE_URL, name)

    class Renamed(Aggregate.Event):
        name: str

        def apply(self, aggregate: Plain) -> None:
            aggregate.name = self.name

    class Noted(Aggregate.Event):
        note: str = ""

        def apply(self, aggregate: Plain) -> None:
            aggregate.note = self.note


def test_what_the_cheaper_way_does_not_cover_goes_the_librarys_way() -> None:
    left_to_default = Plain._create(Plain.Opened, name="a")  # a field left to its default
    assert state(left_to_default) == state(the_librarys(Plain, Plain.Opened, name="a"))
    with pytest.raises(TypeError, match="non-UUID"):  # an id not a UUID: refused as the library refuses it
        Plain._create(Plain.Opened, id="an-id", name="a", note="n")
    with pytest.raises(TypeError, match="colour"):  # an unknown argument, likewise
        Plain._create(Plain.Opened, name="a", note="n", colour="red")
    assert state(Plain("a")) == state(left_to_default)  # called by position: the library's matching of arguments
    assert state(Plain(name="a")) == state(left_to_default)  # a parameter left to its default, likewise
    plain = Plain(name="a", note="n")
    assert state(plain) == state(the_librarys(Plain, Plain.Opened, name="a", note="n"))
    trigger(plain, Plain.Renamed, name="b")
    trigger(plain, Plain.Noted)  # its field left to the default: the library's trigger_event
    assert (plain.name, plain.note, plain.version) == ("b", "", 3)
    assert [type(e) for e in plain.pending_events] == [Plain.Opened, Plain.Renamed, Plain.Noted]
