"""EQV-6: an SK not collected six months after issue is unclaimed; the directorate is then not liable for its loss.

Decided: a query-time rule, not a scheduled job. Unclaimed is a function of the issue date and the day asked
about, so it is right on the day on every replica with nothing that has to run (or could fail to run, or run
twice); the log keeps only facts (issued, collected), and a late collection is still recorded as late.
"""

from __future__ import annotations

import calendar
from datetime import date

UNCLAIMED_AFTER_MONTHS = 6


def unclaimed_from(issued_on: date) -> date:
    """Six months to the day after issue; from the 31st, the month's last day (31 August -> 28/29 February)."""
    month = issued_on.month - 1 + UNCLAIMED_AFTER_MONTHS
    year, month = issued_on.year + month // 12, month % 12 + 1
    return date(year, month, min(issued_on.day, calendar.monthrange(year, month)[1]))


def is_unclaimed(issued_on: date, collected_on: date | None, day: date) -> bool:
    """Not collected by ``day``, and ``day`` is six months after issue or later."""
    uncollected = collected_on is None or collected_on > day
    return uncollected and day >= unclaimed_from(issued_on)
