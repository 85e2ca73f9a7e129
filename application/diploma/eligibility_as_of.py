"""``ninaEligibility(on:)`` for a past day (issue 12, item 1): the rules in force that day applied to the records
as they stood at its end in Jakarta, read from the event log; today's read model knows only today's records."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from application.service import Service, replay
from domain.calendar import JAKARTA
from domain.diploma.diploma import Diploma
from domain.diploma.eligibility import Eligibility, eligibility
from domain.diploma.ruleset import RulesetBook
from domain.registry.programme import Programme
from domain.registry.student import Student


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), JAKARTA)


def eligibility_as_of(
    app: Service, rulesets: RulesetBook, university_code: str, nim: str, on: date
) -> Eligibility | None:
    """None when the student was not registered by the end of that day; PIN-8 when no ruleset was in force."""
    ruleset = rulesets.in_force(on)  # the day is judged first, as today's answer does
    until = end_of_day(on)
    student = _as_of(app, Student.create_id(university_code, nim), until)
    if student is None:
        return None
    programme = _as_of(app, Programme.create_id(university_code, student.prodi_code), until)
    assert programme is not None, "a student is registered only in a registered programme"
    diploma = _as_of(app, Diploma.create_id(university_code, nim), until)
    graduated_on = student.graduation.decree_date if student.graduation else None
    accredited = graduated_on is not None and programme.accredited_on(graduated_on)
    return eligibility(
        ruleset=ruleset,
        record=student.record(programme.level, accredited_at_graduation=accredited),
        university_code=university_code,
        nim=nim,
        prodi_code=student.prodi_code,
        on=on,
        status=diploma.status if diploma is not None else None,
        nina=diploma.nina.value if diploma is not None else None,
        records_as_of=until,
    )


def _as_of(app: Service, aggregate_id: UUID, until: datetime) -> Any:
    stored: list[Any] = list(app.repository.event_store.get(aggregate_id))
    events = [e for e in stored if e.timestamp < until]
    return replay(None, events) if events else None
