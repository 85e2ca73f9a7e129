"""The BAN-PT or LAM accreditation of a study programme, as recorded with its validity."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from domain.errors import Failure, RuleViolation
from domain.text import parse_text, shown

GRADE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _-]{0,39}", re.ASCII)  # UNGGUL, BAIK SEKALI, A, TIDAK_TERAKREDITASI
# (decided) Plausible accreditation dates: none before 1950, none ending more than 10 years ahead
# (BAN-PT and LAM accredit for 5 years; a later end is a typing error, e.g. 9999-12-31).
EARLIEST_ACCREDITATION = date(1950, 1, 1)
YEARS_AHEAD = 10


@dataclass(frozen=True)
class Accreditation:
    """BAN-PT or LAM status; ``grade`` ``TIDAK_TERAKREDITASI`` means not accredited."""

    grade: str
    valid_from: date
    valid_until: date

    def covers(self, day: date) -> bool:
        return self.grade != "TIDAK_TERAKREDITASI" and self.valid_from <= day <= self.valid_until

    def parsed(self, today: date) -> Accreditation:
        """PIN-0: the grade in its alphabet and a plausible validity, or every failure at once."""
        failures = []
        grade = parse_text(self.grade, field="accreditationGrade", max_chars=40)
        if not GRADE.fullmatch(grade):
            message = f"a grade is ASCII letters, digits, spaces or _; got {shown(grade)}"
            failures.append(Failure("PIN-0", "accreditationGrade", message))
        if self.valid_from < EARLIEST_ACCREDITATION:
            failures.append(
                Failure("PIN-0", "accreditationValidFrom", f"validity starts on {EARLIEST_ACCREDITATION} or later")
            )
        latest = _years_after(today, YEARS_AHEAD)
        if self.valid_until > latest:
            failures.append(
                Failure("PIN-0", "accreditationValidUntil", f"validity ends by {latest} ({YEARS_AHEAD} years ahead)")
            )
        if self.valid_until < self.valid_from:
            failures.append(Failure("PIN-0", "accreditationValidUntil", "validity ends before it starts"))
        if failures:
            raise RuleViolation(*failures)
        return replace(self, grade=grade)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
