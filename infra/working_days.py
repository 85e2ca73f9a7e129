"""Indonesia's working-day calendar (SUB-9): national holidays from the ``holidays`` package, collective leave
(cuti bersama, decreed each year by joint ministerial decree) from the settings."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from importlib.metadata import version

import holidays

from domain.calendar import WorkingCalendar

YEARS = range(2000, 2061)  # built once: the package fills years lazily, which is not safe across threads


def indonesian_calendar(collective_leave: Iterable[date] = ()) -> WorkingCalendar:
    national = holidays.country_holidays("ID", years=YEARS)
    leave = frozenset(collective_leave)
    digest = hashlib.sha256(",".join(sorted(d.isoformat() for d in leave)).encode()).hexdigest()[:12]
    calendar_id = f"ID national holidays (holidays {version('holidays')}); cuti bersama {len(leave)} days ({digest})"
    return WorkingCalendar(id=calendar_id, is_day_off=lambda day: day in leave or day in national)
