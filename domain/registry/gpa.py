"""IPK and IPS: a grade point average 0.00-4.00 with at most two decimals, written in ASCII (PIN-0, PIN-2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from domain.errors import violation
from domain.text import shown

# No sign (so no "-0.00"), no exponent, no other script's digits ("٣.٥٠"): what an academic system writes.
FORM = re.compile(r"[0-4](?:\.[0-9]{1,2})?", re.ASCII)
TWO_PLACES = Decimal("0.01")
MAXIMUM = Decimal(4)


@dataclass(frozen=True)
class GPA:
    value: Decimal

    @classmethod
    def parse(cls, text: object, field: str = "ipk") -> GPA:
        if not isinstance(text, str) or not FORM.fullmatch(text.strip(" ")):
            got = shown(text) if isinstance(text, str) else repr(text)
            raise violation("PIN-0", field, f"a GPA is written 0.00-4.00, at most two decimals, e.g. 3.25; got {got}")
        value = Decimal(text.strip(" ")).quantize(TWO_PLACES)
        if value > MAXIMUM:
            raise violation("PIN-0", field, f"a GPA is at most 4.00; got {shown(text)}")
        return cls(value)

    @staticmethod
    def well_formed(value: Decimal) -> bool:
        """For a Decimal built in code: finite, unsigned, within 0.00-4.00, two places at most."""
        return value.is_finite() and not value.is_signed() and value <= MAXIMUM and value == value.quantize(TWO_PLACES)

    def __str__(self) -> str:
        return str(self.value)
