"""PIN-1 (decided): the NINA check digit is Damm's, with his published quasigroup and start state 0."""

from __future__ import annotations

import pytest

from domain.diploma import damm
from domain.diploma.nina import NINA

# H. Michael Damm (2004), as published (e.g. Wikipedia, "Damm algorithm"): row = interim digit, column = digit.
PUBLISHED_TABLE = (
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


@pytest.mark.parametrize(
    ("digits", "check"),
    [("572", "4"), ("11294", "6"), ("", "0"), ("0", "0"), ("9", "2"), ("55201202400001", "1")],
)
def test_PIN_1_damm_gives_the_published_check_digits(digits: str, check: str) -> None:
    assert damm.check_digit(digits) == check
    assert damm.is_valid(digits + check)


@pytest.mark.parametrize("text", ["5727", "112949", "5742", "1", "552012024000012"])
def test_PIN_1_damm_refuses_the_published_wrong_check_digits(text: str) -> None:
    assert not damm.is_valid(text)


def test_PIN_1_damm_every_cell_of_the_table_is_the_published_one() -> None:
    # Row 0 is a permutation: the one digit that leads from the start state 0 to state s, then d.
    lead = {row: str(column) for column, row in enumerate(PUBLISHED_TABLE[0])}
    for state, row in enumerate(PUBLISHED_TABLE):
        for digit, expected in enumerate(row):
            assert damm.interim(lead[state] + str(digit)) == expected, (state, digit)


def test_PIN_1_known_ninas_carry_their_check_digit() -> None:
    assert NINA.issue("55201", 2024, 1).value == "552012024000011"
    assert NINA.issue("55201", 2024, 99999).value == "552012024999997"
    assert NINA.issue("61201", 2019, 12345).value == "612012019123457"
