"""PIN-0, PIN-1: the PDDIKTI codes and periods that rules and NINAs are built from are ASCII digits."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation
from domain.registry.codes import ProdiCode, UniversityCode
from domain.registry.period import Period


def test_PIN_0_a_period_is_year_and_term_and_a_short_semester_ends_in_3() -> None:
    assert Period.parse("20231") == Period(2023, 1)
    assert Period.parse("20233").is_short
    assert not Period.parse("20232").is_short
    assert Period.parse("20232").ordinal + 1 == Period.parse("20241").ordinal


@pytest.mark.parametrize(
    "code",
    ["2023", "202310", "20234", "2023a", "202a1", "202²1", "٢٠٢٠1"],
    ids=["short", "long", "term-4", "letter", "letter-in-year", "superscript", "arabic-indic"],
)
def test_PIN_0_a_malformed_period_is_refused_naming_its_field(code: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        Period.parse(code, field="entryPeriod")
    assert [(f.rule_id, f.field) for f in refused.value.failures] == [("PIN-0", "entryPeriod")]


@pytest.mark.parametrize("code", ["5520", "552011", "5520a", "5520²", "٥٥٢٠١"])
def test_PIN_1_a_prodi_code_other_than_5_ascii_digits_is_refused(code: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        ProdiCode.parse(code)
    assert refused.value.rule_ids == ("PIN-1",)


@pytest.mark.parametrize("code", ["00100", "0010021", "00100x", "00100²", "٠٠١٠٠٢"])
def test_PIN_0_a_university_code_other_than_6_ascii_digits_is_refused(code: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        UniversityCode.parse(code)
    assert refused.value.rule_ids == ("PIN-0",)


def test_PIN_0_and_PIN_1_well_formed_codes_are_accepted() -> None:
    assert ProdiCode.parse("55201").value == "55201"
    assert UniversityCode.parse("001002").value == "001002"


@pytest.mark.parametrize("given", [None, 1002, b"001002"])
def test_PIN_0_a_code_that_is_no_text_is_refused_naming_its_field(given: object) -> None:
    with pytest.raises(RuleViolation) as refused:
        UniversityCode.parse(given, field="kodePT")
    assert [(f.rule_id, f.field) for f in refused.value.failures] == [("PIN-0", "kodePT")]


def test_PIN_0_a_code_with_an_invisible_character_says_which_and_where() -> None:
    with pytest.raises(RuleViolation) as refused:
        ProdiCode.parse("552\u200b01")
    assert [(f.rule_id, f.field) for f in refused.value.failures] == [("PIN-1", "prodiCode")]
    assert "U+200B (ZERO WIDTH SPACE) at character 4" in refused.value.failures[0].message
