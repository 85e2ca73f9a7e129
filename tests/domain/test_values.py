"""PIN-0: the value objects every door parses inputs into (text, codes, GPA, periods), pure."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

import pytest

from domain.errors import RuleViolation
from domain.registry.codes import NIK, NIM, PassportNumber, ProdiCode, UniversityCode
from domain.registry.gpa import GPA
from domain.registry.period import Period
from domain.text import optional_text, parse_text


def test_PIN_0_text_is_NFC_trimmed_and_its_spaces_collapsed() -> None:
    typed = unicodedata.normalize("NFD", "  Séno\u00a0\u2003 Santoso ")
    assert parse_text(typed, field="fullName", max_chars=200) == "Séno Santoso"


def test_PIN_0_a_remark_keeps_its_lines_and_tabs_but_not_other_controls() -> None:
    assert parse_text("a\r\n\tb  \n", field="reason", max_chars=50, multiline=True) == "a\n\tb"
    with pytest.raises(RuleViolation):
        parse_text("a\x0bb", field="reason", max_chars=50, multiline=True)


@pytest.mark.parametrize(
    "text", ["a\x00b", "a\u200bb", "a\u202eb", "a\ufeffb", "a\ud800b", "a\ue000b", "a\uffffb", "a\tb", "a\nb"]
)
def test_PIN_0_control_format_surrogate_private_and_unassigned_characters_are_refused(text: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        parse_text(text, field="fullName", max_chars=200)
    assert [(f.rule_id, f.field) for f in refused.value.failures] == [("PIN-0", "fullName")]
    assert "U+" in refused.value.failures[0].message


def test_PIN_0_text_length_is_bounded_in_characters_and_blank_is_absent() -> None:
    assert parse_text("é" * 200, field="name", max_chars=200) == "é" * 200
    with pytest.raises(RuleViolation):
        parse_text("é" * 201, field="name", max_chars=200)
    assert optional_text(" \u00a0 ", field="birthPlace", max_chars=10) is None
    with pytest.raises(RuleViolation):
        parse_text("   ", field="name", max_chars=10)


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        (UniversityCode, ["001002", " 001002 "], ["00100", "001002\u200b", "００１００２", "٠٠١٠٠٢", "001002\x00"]),
        (ProdiCode, ["55201"], ["5520", "55201\n", "5520١"]),
        (NIK, ["3171234567890001"], ["317123456789000", "3171234567890001\u200b", "３171234567890001"]),
        (NIM, ["2020001", "A20.01-7/X", "1" * 30], ["", "1" * 31, "-2020", "2020 001", "2020001А", "2020\x00"]),
        (PassportNumber, ["A1234567"], ["a1234567", "A123", "A12345\u200b67"]),
    ],
)
def test_PIN_0_codes_are_ascii_in_their_own_alphabet(kind: type, good: list[str], bad: list[str]) -> None:
    for text in good:
        assert kind.parse(text).value == text.strip(" ")
    for text in bad:
        with pytest.raises(RuleViolation):
            kind.parse(text)


def test_PIN_0_a_gpa_is_unsigned_ascii_within_0_and_4_with_two_places() -> None:
    assert GPA.parse("3.5").value == Decimal("3.50")
    assert GPA.parse("4.00").value == Decimal("4.00")
    for text in ["-0.00", "٣.٥٠", "4.01", "3.505", "1e0", "NaN", "+1", ".5", "03.50"]:
        with pytest.raises(RuleViolation):
            GPA.parse(text)
    assert not GPA.well_formed(Decimal("-0.00"))


def test_PIN_0_a_period_starts_in_1950_and_counts_from_its_first_day() -> None:
    with pytest.raises(RuleViolation):
        Period.parse("19492")
    assert Period.parse("19501").starts_on == date(1950, 7, 1)
    assert Period.parse("20242").starts_on == date(2025, 1, 1)
    assert Period.parse("20243").starts_on == date(2025, 6, 1)
    assert Period.parse("99992").starts_on == date.max  # never
    Period.parse("20241").check_started(date(2024, 7, 1))
    with pytest.raises(RuleViolation):
        Period.parse("20241").check_started(date(2024, 6, 30))


@pytest.mark.parametrize("filler", ["\u3164", "\u2800", "\u115f\u1160", "\u034f", "Siti\ufe0f Aminah", "\uffa0"])
def test_PIN_0_text_that_draws_nothing_is_refused_so_a_required_name_or_reason_never_looks_blank(filler: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        parse_text(filler, field="fullName", max_chars=200)
    assert [(f.rule_id, f.field) for f in refused.value.failures] == [("PIN-0", "fullName")]


def test_regular_periods_from_one_to_another_both_included() -> None:
    """The regular semesters a student should have reported (demo cohorts, the import tests): a short term is none."""
    codes = [p.code for p in Period.parse("20231").regular_until(Period.parse("20242"))]
    assert codes == ["20231", "20232", "20241", "20242"]
    assert [p.code for p in Period.parse("20241").regular_until(Period.parse("20241"))] == ["20241"]
    assert [p.code for p in Period.parse("20241").regular_until(Period.parse("20243"))] == ["20241", "20242"]
    assert Period.parse("20242").regular_until(Period.parse("20241")) == []
