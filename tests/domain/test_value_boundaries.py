"""PIN-0, PIN-1, PIN-8: the value objects at the edges of their alphabets and bounds, and the rule ids
and fields their refusals carry (cases that mutation testing showed unguarded, issue 15)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.diploma.ruleset import RulesetBook
from domain.errors import RuleViolation
from domain.registry.codes import NIK, NIM, PassportNumber, ProdiCode, UniversityCode
from domain.registry.gpa import GPA
from domain.registry.level import Level
from domain.registry.period import Period
from domain.registry.record import AcademicRecord, Graduation
from tests.domain.test_ruleset import R318, semesters


def refusal(command) -> tuple[tuple[str, str], ...]:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleViolation) as refused:
        command()
    return tuple((f.rule_id, f.field) for f in refused.value.failures)


# GPA (PIN-0) -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["0", "2.99", "3.9", "4", "0.09"])
def test_PIN_0_a_gpa_with_every_digit_is_read_to_two_places(text: str) -> None:
    assert GPA.parse(text).value == Decimal(text).quantize(Decimal("0.01"))
    assert str(GPA.parse(text).value).count(".") == 1 and len(str(GPA.parse(text).value).split(".")[1]) == 2


@pytest.mark.parametrize("text", ["3.", "5", "5.00", "4.01", "9"])
def test_PIN_0_a_gpa_without_decimals_after_its_point_or_above_4_is_refused(text: str) -> None:
    assert refusal(lambda: GPA.parse(text, field="ips")) == (("PIN-0", "ips"),)


@pytest.mark.parametrize("value", [3.5, 3, None, Decimal("3.50")])
def test_PIN_0_a_gpa_that_is_not_text_is_a_refusal_not_an_error(value: object) -> None:
    with pytest.raises(RuleViolation) as refused:
        GPA.parse(value)
    assert [(f.rule_id, f.field) for f in refused.value.failures] == [("PIN-0", "ipk")]
    assert repr(value) in refused.value.failures[0].message


# Codes (PIN-0, PIN-1) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rule_id", "field", "good", "bad"),
    [
        (UniversityCode, "PIN-0", "universityCode", ["999999", "090909"], ["99999", "9999999"]),
        (ProdiCode, "PIN-1", "prodiCode", ["99999", "90909"], ["9999", "999999"]),
        (NIK, "PIN-0", "nik", ["9999999999999999"], ["999999999999999"]),
        (NIM, "PIN-0", "nim", ["7", "Z9", "9" * 30], ["9" * 31, ".7"]),
        (PassportNumber, "PIN-0", "passportNumber", ["A1234", "Z" * 20, "99999"], ["A123", "Z" * 21]),
    ],
)
def test_PIN_0_each_code_at_the_ends_of_its_length_and_alphabet(
    kind: type, rule_id: str, field: str, good: list[str], bad: list[str]
) -> None:
    for text in good:
        assert kind.parse(text).value == text
    for text in bad:
        assert refusal(lambda text=text: kind.parse(text)) == ((rule_id, field),)
        assert refusal(lambda text=text: kind.parse(text, "given")) == ((rule_id, "given"),)


# Periods (PIN-0) ---------------------------------------------------------------------------------


def test_PIN_0_a_period_before_1950_and_one_not_yet_started_are_pin_0_refusals() -> None:
    assert refusal(lambda: Period.parse("19492")) == (("PIN-0", "period"),)
    assert refusal(lambda: Period.parse("20241").check_started(date(2024, 6, 30), "entryPeriod")) == (
        ("PIN-0", "entryPeriod"),
    )


def test_PIN_0_the_last_representable_periods_start_on_their_own_day_or_never() -> None:
    assert Period.parse("99982").starts_on == date(9999, 1, 1)
    assert Period.parse("99991").starts_on == date(9999, 7, 1)
    assert Period.parse("99983").starts_on == date(9999, 6, 1)
    assert Period.parse("99992").starts_on == date.max


def test_PIN_2_a_short_semester_has_the_place_of_the_even_semester_of_its_academic_year() -> None:
    assert Period.parse("20233").ordinal == Period.parse("20232").ordinal
    assert Period.parse("20233").ordinal + 1 == Period.parse("20241").ordinal


# Rulesets and records (PIN-8, PIN-2, PIN-3) --------------------------------------------------------


def test_PIN_8_no_ruleset_in_force_is_a_pin_8_refusal_naming_the_field_asked_about() -> None:
    assert refusal(lambda: RulesetBook.shipped().in_force(date(2019, 11, 13), "on")) == (("PIN-8", "on"),)


def test_PIN_2_reported_a_gap_names_the_semester_reports_field() -> None:
    reports = [r for r in semesters(8) if r.period.code != "20212"]
    decision = R318.reservation(AcademicRecord(Level.S1, Period.parse("20201"), tuple(reports), True))
    assert [(f.rule_id, f.field) for f in decision.failures] == [("PIN-2.reported", "semesterReports")]


def test_PIN_2_sks_with_nothing_reported_counts_0_sks_passed() -> None:
    decision = R318.reservation(AcademicRecord(Level.S1, Period.parse("20201"), (), True))
    sks = next(f for f in decision.failures if f.rule_id == "PIN-2.sks")
    assert sks.message.startswith("0 sks passed")


def test_PIN_3_accreditation_a_record_that_does_not_say_accredited_is_not_accredited() -> None:
    graduated = AcademicRecord(
        Level.S1, Period.parse("20201"), tuple(semesters(8)), True, Graduation("SK/1", date(2024, 7, 20))
    )
    assert [f.rule_id for f in R318.pairing(graduated).failures] == ["PIN-3.accreditation"]
