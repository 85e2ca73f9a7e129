"""The shared working calendar at the edges of office hours (08:00 to 16:00 WIB), with no holiday data: a clock
started at closing time starts at the next opening, one started at opening time starts then."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from domain.calendar import CLOSES, JAKARTA, OPENS, WorkingCalendar

PLAIN = WorkingCalendar("weekends-only", lambda day: False)
MONDAY = date(2026, 3, 2)


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=JAKARTA)


def test_office_hours_are_08_to_16_in_jakarta() -> None:
    assert (time(8), time(16)) == (OPENS, CLOSES)


def test_a_clock_started_at_closing_time_starts_at_the_next_opening() -> None:
    tuesday = MONDAY + timedelta(days=1)
    assert PLAIN.office_start(at(MONDAY, 15, 59, 59)) == at(MONDAY, 15, 59, 59)
    assert PLAIN.office_start(at(MONDAY, 16)) == at(tuesday, 8)
    assert PLAIN.add_working_days_from(at(MONDAY, 16), 1) == at(tuesday + timedelta(days=1), 8)
    assert PLAIN.add_working_days_from(at(MONDAY, 15, 30), 1) == at(tuesday, 15, 30)


def test_a_clock_started_at_opening_time_starts_then_and_one_before_it_at_opening() -> None:
    assert PLAIN.office_start(at(MONDAY, 8)) == at(MONDAY, 8)
    assert PLAIN.office_start(at(MONDAY, 7, 59, 59)) == at(MONDAY, 8)
    assert PLAIN.add_office_time(at(MONDAY, 8), timedelta(hours=8)) == at(MONDAY, 16)  # a whole day fits
    assert PLAIN.add_working_hours(at(MONDAY, 8), 9) == at(MONDAY + timedelta(days=1), 9)
