"""Damm check digit: detects every single-digit error and every adjacent transposition."""

from __future__ import annotations

# The totally anti-symmetric quasigroup of order 10 from H. Michael Damm (2004).
_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


# The table by digit character: a step is two lookups, with no int() of a character (issue 35).
_STEPS = tuple({str(digit): following for digit, following in enumerate(row)} for row in _TABLE)


def interim(digits: str) -> int:
    state = 0
    for ch in digits:
        state = _STEPS[state][ch]
    return state


def check_digit(digits: str) -> str:
    return str(interim(digits))


def is_valid(digits_with_check: str) -> bool:
    return interim(digits_with_check) == 0
