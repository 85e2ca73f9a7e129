"""PIN-0: a student's personal data as reported, parsed once before it is sealed: each field at its bounds, every
failure named at once under its own field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.errors import RuleViolation
from domain.personal import PersonalData
from domain.registry.identity import parse_personal

TODAY = date(2024, 8, 1)


def parsed(**given: Any) -> PersonalData:
    return parse_personal(**{"full_name": "Siti Aminah", "today": TODAY, **given})


def fields(**given: Any) -> list[tuple[str, str]]:
    with pytest.raises(RuleViolation) as refused:
        parsed(**given)
    return [(f.rule_id, f.field) for f in refused.value.failures]


def test_PIN_0_personal_data_is_kept_as_parsed() -> None:
    data = parsed(
        full_name="  Siti   Aminah ",
        nik="3171234567890123",
        birth_place=" Jakarta ",
        birth_date=date(2001, 5, 17),
        email="siti@example.ac.id",
        employer="PT Contoh",
    )
    assert data == PersonalData(
        full_name="Siti Aminah",
        nik="3171234567890123",
        passport_number=None,
        birth_place="Jakarta",
        birth_date=date(2001, 5, 17),
        email="siti@example.ac.id",
        employer="PT Contoh",
    )
    assert parsed(passport_number="X1234567").passport_number == "X1234567"
    assert parsed() == PersonalData(full_name="Siti Aminah")


def test_PIN_0_a_birth_date_is_from_1900_to_today() -> None:
    assert parsed(birth_date=date(1900, 1, 1)).birth_date == date(1900, 1, 1)
    assert parsed(birth_date=TODAY).birth_date == TODAY
    for day in (date(1899, 12, 31), date(2024, 8, 2)):
        assert fields(birth_date=day) == [("PIN-0", "birthDate")]


@pytest.mark.parametrize("email", ["siti @example.id", "siti.example.id", "a@b@c", "@example.id", "siti@"])
def test_PIN_0_an_email_is_local_part_at_domain(email: str) -> None:
    assert fields(email=email) == [("PIN-0", "email")]


def test_PIN_0_an_email_is_at_most_254_characters() -> None:
    longest = "a" * 242 + "@example.id"
    assert len(longest) == 253 and parsed(email=longest + "d").email == longest + "d"
    assert fields(email=longest + "dd") == [("PIN-0", "email")]


def test_PIN_0_every_failure_is_named_at_once_under_its_field() -> None:
    assert fields(
        full_name=" ",
        nik="123",
        passport_number="x",
        birth_place="\x00",
        birth_date=date(1800, 1, 1),
        email="x",
        employer="e" * 201,
    ) == [
        ("PIN-0", "fullName"),
        ("PIN-0", "nik"),
        ("PIN-0", "passportNumber"),
        ("PIN-0", "birthPlace"),
        ("PIN-0", "employer"),
        ("PIN-0", "email"),
        ("PIN-0", "birthDate"),
    ]
    assert parsed(birth_place="p" * 100, employer="e" * 200).employer == "e" * 200
    assert fields(birth_place="p" * 101) == [("PIN-0", "birthPlace")]
