"""PDDIKTI semester periods: ``YYYYT`` with T = 1 (ganjil), 2 (genap), 3 (pendek, the short semester)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.errors import violation
from domain.text import shown

# (decided) No PDDIKTI record starts before 1950: an earlier year is a typing error ("00001"), not history.
EARLIEST_YEAR = 1950
# (decided) The first day on which a period may be reported, as (month, years after its academic year
# begins): the earliest start in Indonesian calendars, so no university is refused its running semester.
_STARTS = {1: (7, 0), 2: (1, 1), 3: (6, 1)}  # ganjil from July, genap from January, pendek from June


@dataclass(frozen=True, order=True)
class Period:
    year: int  # the first calendar year of the academic year: 2023 for 2023/2024
    term: int

    @classmethod
    def parse(cls, code: str, *, field: str = "period") -> Period:
        """PIN-0: the form, and no year before ``EARLIEST_YEAR``; see ``check_started`` for the other end."""
        period = cls.parse_form(code, field=field)
        if period.year < EARLIEST_YEAR:
            raise violation("PIN-0", field, f"a semester period starts in {EARLIEST_YEAR} or later; got {code!r}")
        return period

    @classmethod
    def parse_form(cls, code: str, *, field: str = "period") -> Period:
        """The form only: to name a period that was wrongly accepted before, so it can be withdrawn."""
        text = str(code).strip()
        if len(text) != 5 or not (text.isascii() and text.isdigit()) or text[4] not in "123":
            got = shown(str(code))
            raise violation("PIN-0", field, f"a semester period is YYYYT with T in 1, 2, 3 (e.g. 20231); got {got}")
        return cls(int(text[:4]), int(text[4]))

    @classmethod
    def stored(cls, code: str) -> Period:
        """A period read back from a read model: it was parsed when it came in, and is not judged again."""
        return cls(int(code[:4]), int(code[4]))

    @property
    def starts_on(self) -> date:
        """The first day it can be reported (decided; see ``_STARTS``)."""
        month, later = _STARTS[self.term]
        return date(self.year + later, month, 1) if self.year + later <= date.max.year else date.max

    def check_started(self, today: date, field: str = "period") -> None:
        """PIN-2 (decided): a period after the decision day is refused as input (PIN-0)."""
        if self.starts_on > today:
            raise violation(
                "PIN-0", field, f"{self} has not started on {today} (it can be reported from {self.starts_on})"
            )

    @property
    def is_short(self) -> bool:
        return self.term == 3

    @property
    def ordinal(self) -> int:
        """Regular semesters counted from year 0: consecutive regular periods differ by 1."""
        return self.year * 2 + (min(self.term, 2) - 1)

    @classmethod
    def from_ordinal(cls, ordinal: int) -> Period:
        return cls(ordinal // 2, ordinal % 2 + 1)

    def regular_until(self, last: Period) -> list[Period]:
        """Regular periods from this one to ``last``, both included."""
        return [Period.from_ordinal(o) for o in range(self.ordinal, last.ordinal + 1)]

    @property
    def code(self) -> str:
        return f"{self.year}{self.term}"

    def __str__(self) -> str:
        return self.code
