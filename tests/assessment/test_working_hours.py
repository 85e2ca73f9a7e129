"""Office hours on the shared working calendar (ASM-6's standard times): 08:00 to 16:00 WIB on working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.assessment.sop import SOP, Result, Step, next_step
from domain.calendar import JAKARTA, WorkingCalendar

CALENDAR = WorkingCalendar("test", lambda day: day == date(2024, 8, 16))


def wib(day: int, hour: int, minute: int = 0, month: int = 8) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=JAKARTA)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (wib(1, 10), 1, wib(1, 11)),  # Thursday, inside office hours
        (wib(1, 15), 1, wib(1, 16)),  # ends exactly at closing
        (wib(1, 15, 30), 1, wib(2, 8, 30)),  # the rest runs on the next working day
        (wib(1, 7), 1, wib(1, 9)),  # before opening: the clock starts at 08:00
        (wib(1, 16), 1, wib(2, 9)),  # at closing: tomorrow
        (wib(1, 20), 3, wib(2, 11)),  # in the evening
        (wib(3, 10), 2, wib(5, 10)),  # Saturday: Monday 08:00 + 2
        (wib(15, 14), 3, wib(19, 9)),  # Thursday 14:00, Friday a holiday: 2 hours, then Monday 1 hour
        (wib(1, 8), 8, wib(1, 16)),  # a whole office day
        (wib(1, 9), 8, wib(2, 9)),
    ],
)
def test_working_hours(start: datetime, hours: int, due: datetime) -> None:
    assert CALENDAR.add_working_hours(start, hours) == due


def test_working_days_keep_the_office_time() -> None:
    assert CALENDAR.add_working_days_from(wib(1, 10), 1) == wib(2, 10)
    assert CALENDAR.add_working_days_from(wib(15, 10), 1) == wib(19, 10)  # over the holiday and the weekend
    assert CALENDAR.add_working_days_from(wib(1, 18), 5) == wib(9, 8)  # after hours: from Friday 08:00
    assert CALENDAR.add_working_days_from(wib(1, 10), 5) == wib(8, 10)


def test_the_clock_is_jakarta_whatever_the_zone_given() -> None:
    assert CALENDAR.add_working_hours(datetime(2024, 8, 1, 3, 0, tzinfo=UTC), 1) == wib(1, 11)
    assert CALENDAR.office_start(wib(1, 16) - timedelta(microseconds=1)) == wib(1, 16) - timedelta(microseconds=1)


def test_the_sop_order() -> None:
    assert next_step(None, None) is Step.INVITE_COMMITTEE
    assert next_step(Step.ANNOUNCE_RESULT, Result.BK) is Step.ISSUE_BK_LETTER
    assert next_step(Step.ANNOUNCE_RESULT, Result.K) is Step.REQUEST_BLANGKO
    # ASM-6.order, steps 9 and 10 (issue 30): K archives the signed certificate, then hands it over; BK hands over
    # the letter of step 5, with no archive step (step 5 keeps its copy); step 10 is the last for both.
    assert next_step(Step.ISSUE_BK_LETTER, Result.BK) is Step.HAND_OVER
    assert next_step(Step.SIGN_CERTIFICATE, Result.K) is Step.ARCHIVE_CERTIFICATE
    assert next_step(Step.ARCHIVE_CERTIFICATE, Result.K) is Step.HAND_OVER
    assert (
        next_step(Step.SIGN_CERTIFICATE, Result.BK) is None and next_step(Step.ARCHIVE_CERTIFICATE, Result.BK) is None
    )
    assert next_step(Step.ISSUE_BK_LETTER, Result.K) is None
    assert next_step(Step.HAND_OVER, Result.K) is None and next_step(Step.HAND_OVER, Result.BK) is None
    standard = [int(r.standard.hours or r.standard.working_days or r.standard.minutes) for r in SOP.values()]
    assert standard == [1, 1, 3, 1, 1, 5, 1, 2, 10, 10]
    assert str(SOP[Step.REQUEST_BLANGKO].standard) == "5 working days"
    assert (
        str(SOP[Step.HAND_OVER].standard) == "10 office minutes" and str(SOP[Step.PLENARY].standard) == "3 office hours"
    )


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (wib(1, 10), wib(1, 10, 10)),
        (wib(1, 15, 50), wib(1, 16)),  # ends exactly at closing
        (wib(1, 15, 51), wib(2, 8, 1)),  # a minute past it runs into Friday
        (wib(2, 15, 55), wib(5, 8, 5)),  # Friday to Monday
        (wib(15, 15, 55), wib(19, 8, 5)),  # over the holiday on Friday 16 August
    ],
)
def test_asm_6_ten_office_minutes(start: datetime, due: datetime) -> None:
    assert SOP[Step.ARCHIVE_CERTIFICATE].standard.due(start, CALENDAR) == due
    assert CALENDAR.add_office_time(start, timedelta(minutes=10)) == due
