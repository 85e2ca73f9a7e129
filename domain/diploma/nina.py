"""NINA (Nomor Ijazah Nasional), PIN-1: prodi code (5) + year of issue (4) + sequence (5) + check (1)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.diploma import damm
from domain.errors import violation
from domain.text import shown

LENGTH = 15
MAX_SEQUENCE = 99_999


@dataclass(frozen=True, order=True)
class NINA:
    value: str

    @classmethod
    def issue(cls, prodi_code: str, year: int, sequence: int) -> NINA:
        if not 1 <= sequence <= MAX_SEQUENCE:
            raise violation("PIN-1", "sequence", f"sequence {sequence} is outside 1..{MAX_SEQUENCE}")
        body = f"{prodi_code}{year:04d}{sequence:05d}"
        return cls(body + damm.check_digit(body))

    @classmethod
    def parse(cls, text: str, *, prodi_code: str | None = None, field: str = "nina") -> NINA:
        """PIN-1: form, prefix against the programme, then check digit; each error names its part."""
        value = text.strip()
        if not (value.isascii() and value.isdigit()):  # str.isdigit alone admits "²" and "٣"
            raise violation("PIN-1", field, f"a NINA has only digits 0-9; got {shown(text)}")
        if len(value) != LENGTH:
            raise violation("PIN-1", field, f"a NINA has {LENGTH} digits; got {len(value)} (length)")
        if prodi_code is not None and value[:5] != prodi_code:
            raise violation(
                "PIN-1",
                field,
                f"the first 5 digits {value[:5]} are not the prodi code {prodi_code} (prodi prefix)",
            )
        year = int(value[5:9])
        if not 1900 <= year <= 2999:
            raise violation("PIN-1", field, f"digits 6-9 ({value[5:9]}) are not a year of issue (year)")
        if not damm.is_valid(value):
            raise violation(
                "PIN-1",
                field,
                f"the check digit {value[-1]} does not match the first 14 digits; "
                "check for a mistyped or swapped digit (check digit)",
            )
        return cls(value)

    @property
    def prodi_code(self) -> str:
        return self.value[:5]

    @property
    def year(self) -> int:
        return int(self.value[5:9])

    @property
    def sequence(self) -> int:
        return int(self.value[9:14])

    def __str__(self) -> str:
        return self.value
