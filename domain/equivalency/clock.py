"""EQV-1: the team's processing time, in working days from the day the file is complete, not counting the days
it waits for the applicant (decided)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.calendar import WorkingCalendar


@dataclass(frozen=True)
class Pause:
    started: date
    ended: date | None  # None: still waiting for the applicant


def working_days_elapsed(
    complete_on: date | None, pauses: tuple[Pause, ...], today: date, calendar: WorkingCalendar
) -> int:
    """Working days after ``complete_on`` up to and including ``today``, less those in a pause. A pause counts from
    the day after it starts through the day it ends: the team's day of asking is the team's, the applicant's day
    of answering is theirs."""
    if complete_on is None or today <= complete_on:
        return 0
    elapsed = 0
    day = complete_on
    while day < today:
        day = date.fromordinal(day.toordinal() + 1)
        if calendar.is_working_day(day) and not any(
            p.started < day and (p.ended is None or day <= p.ended) for p in pauses
        ):
            elapsed += 1
    return elapsed
