"""Days people type, held within bounds decided per field: a year 1 or 9999 is a typing error, never a fact.

An event is forever, and a date far out of range would outlive every rule that reads it (a licence "valid until
9999" never lapses). Each field names its own bounds, with why, where it is parsed; this module only checks them.
"""

from __future__ import annotations

from datetime import date

from domain.errors import Failure, RuleViolation


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later (a 29 February becomes the 28th), capped at the calendar's end."""
    if day.year + years > date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def day_failure(day: date, *, field: str, rule_id: str, earliest: date, latest: date) -> Failure | None:
    """The refusal of a day outside ``earliest`` .. ``latest`` (both allowed), or None."""
    if earliest <= day <= latest:
        return None
    return Failure(rule_id, field, f"{field} is a day from {earliest} to {latest}; got {day}")


def check_days(*days: tuple[date, str], rule_id: str, earliest: date, latest: date) -> None:
    """Each (day, field) within the bounds, or one refusal naming every one that is not."""
    failures = [day_failure(d, field=f, rule_id=rule_id, earliest=earliest, latest=latest) for d, f in days]
    found = [f for f in failures if f is not None]
    if found:
        raise RuleViolation(*found)
