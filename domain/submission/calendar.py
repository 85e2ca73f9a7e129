"""Indonesian working days (SUB-9): weekends, national holidays and collective leave (cuti bersama) are not.

The days off come from outside (``infra.working_days``: the ``holidays`` package plus configured collective
leave). A due date is computed once, when the submission is made, and recorded in its event with the
calendar's id, so a later holiday list never moves a past due date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

REVIEW_WORKING_DAYS = 3  # SUB-9


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

    def review_due(self, submitted_on: date) -> date:
        """SUB-9: a review is due within 3 working days of the submission."""
        return self.add_working_days(submitted_on, REVIEW_WORKING_DAYS)
