"""PIN-0: a semester line read at once (issue 35) gives exactly what the field-by-field reading gives, and any line
it does not take is read field by field, its failures named as before."""

from __future__ import annotations

import json
from typing import Any

import pytest

from application.registry.pddikti_lines import Command, Fields, _semester, _semester_at_once, parse_line
from domain.errors import RuleViolation

GOOD = {
    "kind": "semester",
    "university": "001001",
    "nim": "2020001",
    "period": "20231",
    "status": "A",
    "sks_taken": 20,
    "ips": "3.50",
    "ipk": "3.45",
    "sks_passed": 60,
}

VARIANTS: list[dict[str, Any]] = [
    {},
    {"university": " 001001 "},  # trimmed
    {"nim": "2020/001-A.b"},
    {"period": "20233"},
    {"status": "C"},
    {"sks_taken": 0, "sks_passed": 0, "ips": "0.00", "ipk": "4.00"},
    # each refused, by the field-by-field reading
    {"university": "00100"},
    {"university": 1001},
    {"nim": "2020 001"},
    {"nim": "２０２０"},
    {"period": "20234"},
    {"period": "19991"},
    {"period": 20231},
    {"status": "X"},
    {"status": None},
    {"sks_taken": True},
    {"sks_taken": 2.0},
    {"sks_taken": 2**31},
    {"sks_passed": "60"},
    {"ips": 3.5},
    {"ips": "3.5"},
    {"ipk": "4.01"},
    {"ipk": None},
    {"extra": 1},
]


def field_by_field(raw: dict[str, Any]) -> Command | RuleViolation:
    try:
        return _semester(Fields(dict(raw)))
    except RuleViolation as e:
        return e


def read(text: str) -> Command | RuleViolation:
    try:
        return parse_line(text)
    except RuleViolation as e:
        return e


@pytest.mark.parametrize("change", VARIANTS, ids=[json.dumps(v, ensure_ascii=False) for v in VARIANTS])
def test_PIN_0_a_semester_line_reads_as_field_by_field(change: dict[str, Any]) -> None:
    raw = {**GOOD, **change}
    expected, got = field_by_field(raw), read(json.dumps(raw, ensure_ascii=False))
    if isinstance(expected, RuleViolation):
        assert _semester_at_once(raw) is None
        assert isinstance(got, RuleViolation) and got.failures == expected.failures
    else:
        assert _semester_at_once(raw) == expected == got


@pytest.mark.parametrize("missing", sorted(set(GOOD) - {"kind"}))
def test_PIN_0_a_semester_line_missing_a_field_is_read_field_by_field(missing: str) -> None:
    raw = {k: v for k, v in GOOD.items() if k != missing}
    expected, got = field_by_field(raw), read(json.dumps(raw))
    assert _semester_at_once(raw) is None
    assert isinstance(expected, RuleViolation) and isinstance(got, RuleViolation)
    assert got.failures == expected.failures and any(f.field == missing for f in got.failures)
