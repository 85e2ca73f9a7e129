"""PDDIKTI semester periods: ``YYYYT`` with T = 1 (ganjil), 2 (genap), 3 (pendek, the short semester)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import violation


@dataclass(frozen=True, order=True)
class Period:
    year: int  # the first calendar year of the academic year: 2023 for 2023/2024
    term: int

    @classmethod
    def parse(cls, code: str, *, field: str = "period") -> Period:
        text = str(code).strip()
        if len(text) != 5 or not (text.isascii() and text.isdigit()) or text[4] not in "123":
            raise violation("PIN-0", field, f"a semester period is YYYYT with T in 1, 2, 3 (e.g. 20231); got {code!r}")
        return cls(int(text[:4]), int(text[4]))

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
