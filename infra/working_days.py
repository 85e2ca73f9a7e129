"""Indonesia's working-day calendar (SUB-9): national holidays and collective leave (cuti bersama, decreed each year
by a joint ministerial decree) from the ``holidays`` package, whose "government" category holds the decreed days;
the settings only add a day the package does not know yet, or remove one a later decree took back (issue 28)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from importlib.metadata import version

import holidays

from domain.calendar import WorkingCalendar

YEARS = range(2000, 2061)  # built once: the package fills years lazily, which is not safe across threads


def indonesian_calendar(add: Iterable[date] = (), remove: Iterable[date] = ()) -> WorkingCalendar:
    national = holidays.country_holidays("ID", years=YEARS)
    decreed = holidays.country_holidays("ID", years=YEARS, categories=("government",))
    leave = (frozenset(decreed) | frozenset(add)) - frozenset(remove)
    # The id names the package's version and the exact days of leave used: recorded with each due date, it says
    # what a past due date was computed from, whatever the package or the settings say later.
    digest = hashlib.sha256(",".join(sorted(d.isoformat() for d in leave)).encode()).hexdigest()[:12]
    calendar_id = (
        f"ID national holidays and cuti bersama (holidays {version('holidays')}); "
        f"cuti bersama {len(leave)} days, {len(frozenset(add))} added, {len(frozenset(remove))} removed ({digest})"
    )
    return WorkingCalendar(id=calendar_id, is_day_off=lambda day: day in leave or day in national)
