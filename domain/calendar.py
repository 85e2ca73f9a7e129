"""Indonesian working time, shared by every context: working days (weekends, national holidays and collective
leave, cuti bersama, are not) and office hours within them.

The days off come from outside (``infra.working_days``: the ``holidays`` package plus configured collective
leave). A due date or time is computed once, when its clock starts, and recorded in its event with the
calendar's id, so a later holiday list never moves a past due date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")  # every rule's "day" and "hour" is in Jakarta (WIB)
# Office hours (decided): 08:00 to 16:00 WIB, eight working hours a working day, as government offices keep them.
OPENS, CLOSES = time(8), time(16)


@dataclass(frozen=True)
class WorkingCalendar:
    id: str  # names the holiday source and its version, recorded with each due date
    is_day_off: Callable[[date], bool]  # a national holiday or collective leave; weekends are added here

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_day_off(day)

    def add_working_days(self, day: date, days: int) -> date:
        """The ``days``-th working day after ``day`` (which itself never counts, working or not)."""
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def office_start(self, moment: datetime) -> datetime:
        """The first office moment at or after ``moment`` (an aware datetime): a clock started in the evening or
        on a holiday starts at the next opening."""
        local = moment.astimezone(JAKARTA)
        day, at = local.date(), local.timetz().replace(tzinfo=None)
        if self.is_working_day(day) and at < CLOSES:
            return local if at >= OPENS else _at(day, OPENS)
        return _at(self.add_working_days(day, 1), OPENS)

    def add_working_hours(self, moment: datetime, hours: int) -> datetime:
        """``hours`` office hours after ``moment``, counting only office hours of working days."""
        return self.add_office_time(moment, timedelta(hours=hours))

    def add_office_time(self, moment: datetime, span: timedelta) -> datetime:
        """``span`` of office time after ``moment`` (ASM-6's "10 menit" as its hours), counting only office hours
        of working days."""
        at = self.office_start(moment)
        left = span
        while True:
            until_close = _at(at.date(), CLOSES) - at
            if left <= until_close:
                return at + left
            left -= until_close
            at = _at(self.add_working_days(at.date(), 1), OPENS)

    def add_working_days_from(self, moment: datetime, days: int) -> datetime:
        """The same office time ``days`` working days later: a step of "1 day" started at 10:00 is due at 10:00
        on the next working day."""
        at = self.office_start(moment)
        return datetime.combine(self.add_working_days(at.date(), days), at.timetz())


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=JAKARTA)
