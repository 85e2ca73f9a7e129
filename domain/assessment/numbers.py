"""Numbers BNSP and LSPs give (ASM-7): blangko, registration and asesor numbers, kept as given."""

from __future__ import annotations

import re

from domain.errors import violation
from domain.text import shown

# Kept as given (their codification is not public): letters, digits and the separators seen on printed forms.
NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9./ -]{0,38}[A-Za-z0-9]|[A-Za-z0-9]", re.ASCII)
MAX_NUMBERS_A_BATCH = 1000


def parse_number(value: object, field: str) -> str:
    """A blangko or registration number, as given: trimmed, never re-cased or re-spaced."""
    text = value.strip() if isinstance(value, str) else ""
    if not NUMBER.fullmatch(text):
        raise violation(
            "ASM-7.number",
            field,
            f"a number of 1 to 40 ASCII letters, digits, '.', '/', '-' or spaces; got {shown(value)}"
            if isinstance(value, str)
            else "a number is text",
        )
    return text
