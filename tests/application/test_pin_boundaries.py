"""Boundaries that mutation testing found unguarded (issue 15), through the commands, on SQLite and PostgreSQL.

Each test names its rule id, checks both sides of the boundary, and that a refusal appended nothing.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.diploma.diploma import NotEligible
from domain.diploma.eligibility import Eligibility
from domain.diploma.nina import MAX_SEQUENCE, NINA
from domain.diploma.numbering import NINASequence
from domain.errors import DomainError, RuleViolation
from domain.registry.accreditation import Accreditation
from domain.registry.level import Level, Orientation
from tests.application.test_pin_rules import IN_2028, OTHER_PRODI, refused, reserved
from tests.world import ADMIN, OPERATOR, PRODI, UNIVERSITY, Clock, World, regular_periods, report

NIM = "2020001"


@pytest.fixture
def s1(world: World) -> World:
    world.university()
    world.programme()
    return world


@pytest.fixture
def in_2028(clock: Clock) -> None:
    clock.now = IN_2028


def eligibility(world: World, nim: str = NIM) -> Eligibility | None:
    world.project()
    return world.container.services.diploma.eligibility.eligibility(UNIVERSITY, nim, world.app.today())


def fields(failures: tuple) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(f.rule_id, f.field) for f in failures]


def withdraw(world: World, period: str, nim: str = NIM) -> None:
    world.app.withdraw_semester_report(
        university_code=UNIVERSITY, nim=nim, period=period, reason="reported in error", cause=OPERATOR
    )


# PIN-2.load / PIN-3.load: above the normal load after a semester that has no report ----------------


def test_PIN_2_load_above_normal_after_an_unreported_previous_semester_is_refused(s1: World) -> None:
    s1.student(NIM)
    for i, period in enumerate(regular_periods("20201", 8), start=1):
        if period != "20202":
            s1.report(NIM, report(period, sks=21 if period == "20211" else 20, passed=20 * i))
    refusal = refused(s1, lambda: s1.reserve(NIM), NotEligible)
    assert refusal.rule_ids == ("PIN-2.reported", "PIN-2.load")
    assert "previous: no report" in refusal.failures[1].message
    seen = eligibility(s1)
    assert seen is not None
    assert [f.rule_id for f in seen.reservation.failures] == ["PIN-2.reported", "PIN-2.load"]


def test_PIN_3_load_at_pairing_after_the_previous_report_was_withdrawn(s1: World) -> None:
    s1.eligible_s1(NIM)
    s1.report(NIM, report("20211", sks=21, passed=60))  # after 20202's IPS 3.50: allowed
    nina = reserved(s1, NIM)
    s1.graduate(NIM)
    withdraw(s1, "20202")
    refusal = refused(s1, lambda: s1.pair(NIM, nina), NotEligible)
    assert fields(refusal.failures) == [("PIN-3.load", "sksTaken")]
    seen = eligibility(s1)
    assert seen is not None and fields(seen.pairing.failures) == [("PIN-3.load", "sksTaken")]
    s1.report(NIM, report("20202", ips="3.01", passed=40))
    assert s1.pair(NIM, nina).changed


# PIN-3.study_time: counted by period from entry, an unreported semester included -------------------


def test_PIN_3_study_time_counts_a_withdrawn_semester_inside_the_span(s1: World, in_2028: None) -> None:
    s1.student(NIM)
    s1.semesters(NIM, 14)
    nina = reserved(s1, NIM)
    s1.graduate(NIM, on=date(2027, 7, 20))
    withdraw(s1, "20221")  # 13 reports, 14 periods: still 14 counted, the limit
    seen = eligibility(s1)
    assert seen is not None and seen.pairing.allowed and seen.pairing.inputs["semesters_counted"] == "14"
    s1.report(NIM, report("20271", passed=300))  # the 15th period: one past the limit
    refusal = refused(s1, lambda: s1.pair(NIM, nina), NotEligible)
    assert fields(refusal.failures) == [("PIN-3.study_time", "semesterReports")]
    withdraw(s1, "20271")
    assert s1.pair(NIM, nina).changed


# PIN-0: semester report bounds and period form ---------------------------------------------------


@pytest.mark.parametrize(
    ("sks", "passed", "field"), [(61, 20, "sksTaken"), (-1, 20, "sksTaken"), (20, -1, "sksPassed")]
)
def test_PIN_0_a_report_outside_its_sks_bounds_is_refused_naming_the_field(
    s1: World, sks: int, passed: int, field: str
) -> None:
    s1.student(NIM)
    refusal = refused(s1, lambda: s1.report(NIM, report("20201", sks=sks, passed=passed)))
    assert fields(refusal.failures) == [("PIN-0", field)]


@pytest.mark.parametrize(("sks", "passed"), [(60, 0), (0, 0)])
def test_PIN_0_a_report_at_its_sks_bounds_is_accepted(s1: World, sks: int, passed: int) -> None:
    s1.student(NIM)
    assert s1.report(NIM, report("20201", sks=sks, passed=passed)).changed


def test_PIN_0_a_period_with_a_letter_in_its_year_is_a_refusal_not_an_error(s1: World) -> None:
    refusal = refused(s1, lambda: s1.student(NIM, entry="202a1"))
    assert fields(refusal.failures) == [("PIN-0", "entryPeriod")]
    s1.student(NIM)
    s1.report(NIM, report("20201", passed=20))
    withdrawal = refused(
        s1,
        lambda: s1.app.withdraw_semester_report(
            university_code=UNIVERSITY, nim=NIM, period="202a1", reason="typo", cause=OPERATOR
        ),
    )
    assert fields(withdrawal.failures) == [("PIN-0", "period")]


# PIN-0: graduation -------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["", "   "])
def test_PIN_0_a_blank_yudisium_number_is_refused(s1: World, number: str) -> None:
    s1.eligible_s1(NIM)
    refusal = refused(s1, lambda: s1.graduate(NIM, number=number))
    assert fields(refusal.failures) == [("PIN-0", "yudisiumNumber")]


def test_PIN_0_a_yudisium_in_a_year_before_the_entry_year_is_refused_and_in_the_entry_year_accepted(
    s1: World,
) -> None:
    s1.eligible_s1(NIM)
    refusal = refused(s1, lambda: s1.graduate(NIM, on=date(2019, 12, 31)))
    assert fields(refusal.failures) == [("PIN-0", "yudisiumDate")]
    assert s1.graduate(NIM, on=date(2020, 1, 1)).changed


# PIN-3.accreditation ------------------------------------------------------------------------------


def programme(world: World, grade: str, valid_from: date) -> None:
    world.app.register_programme(
        university_code=UNIVERSITY,
        prodi_code=OTHER_PRODI,
        name="Sistem Informasi",
        level=Level.S1,
        orientation=Orientation.ACADEMIC,
        accreditation=Accreditation(grade, valid_from, date(2029, 12, 31)),
        cause=ADMIN,
    )


def graduate_in(world: World, grade: str, valid_from: date, yudisium: date) -> str:
    programme(world, grade, valid_from)
    world.student(NIM, prodi=OTHER_PRODI)
    world.semesters(NIM, 8)
    nina = reserved(world, NIM)
    world.graduate(NIM, on=yudisium)
    return nina


def test_PIN_3_accreditation_tidak_terakreditasi_is_not_accredited(s1: World) -> None:
    nina = graduate_in(s1, "TIDAK_TERAKREDITASI", date(2019, 1, 1), date(2024, 7, 20))
    refusal = refused(s1, lambda: s1.pair(NIM, nina), NotEligible)
    assert fields(refusal.failures) == [("PIN-3.accreditation", "accreditation")]
    seen = eligibility(s1)
    assert seen is not None and fields(seen.pairing.failures) == [("PIN-3.accreditation", "accreditation")]
    assert seen.pairing.inputs["accredited_at_graduation"] == "false"


def test_PIN_3_accreditation_a_yudisium_the_day_before_the_first_accredited_day_is_refused(s1: World) -> None:
    nina = graduate_in(s1, "UNGGUL", date(2024, 7, 21), date(2024, 7, 20))
    assert refused(s1, lambda: s1.pair(NIM, nina)).rule_ids == ("PIN-3.accreditation",)
    seen = eligibility(s1)
    assert seen is not None and [f.rule_id for f in seen.pairing.failures] == ["PIN-3.accreditation"]


def test_PIN_3_accreditation_a_yudisium_on_the_first_accredited_day_is_allowed(s1: World) -> None:
    nina = graduate_in(s1, "UNGGUL", date(2024, 7, 20), date(2024, 7, 20))
    seen = eligibility(s1)
    assert seen is not None and seen.pairing.allowed
    assert s1.pair(NIM, nina).changed


# Eligibility (PIN-8) for a NIM that is not registered -----------------------------------------------


def test_PIN_8_eligibility_of_an_unknown_nim_answers_nothing(s1: World) -> None:
    s1.eligible_s1(NIM)
    assert eligibility(s1, "2099999") is None
    assert eligibility(s1, NIM) is not None


# PIN-2.once, PIN-3.reservation, and a new reservation after a cancellation in error ------------------


def test_PIN_2_once_a_second_reservation_is_refused_and_the_eligibility_view_names_it(s1: World) -> None:
    s1.eligible_s1(NIM)
    before = eligibility(s1)
    assert before is not None and before.reservation.allowed
    nina = reserved(s1, NIM)
    refused(s1, lambda: s1.reserve(NIM), DomainError)  # today a Conflict before the aggregate (see issue 16)
    seen = eligibility(s1)
    assert seen is not None and seen.nina == nina
    assert fields(seen.reservation.failures) == [("PIN-2.once", "nim")]
    assert seen.reservation.rule_ids[-1] == "PIN-2.once"


def test_PIN_3_reservation_an_already_paired_nina_is_refused_naming_the_nina(s1: World) -> None:
    s1.eligible_s1(NIM)
    nina = reserved(s1, NIM)
    s1.graduate(NIM)
    s1.pair(NIM, nina)
    refusal = refused(s1, lambda: s1.pair(NIM, nina))
    assert fields(refusal.failures) == [("PIN-3.reservation", "nina")]
    assert "already paired" in refusal.failures[0].message
    seen = eligibility(s1)
    assert seen is not None and fields(seen.pairing.failures) == [("PIN-3.reservation", "nina")]


def test_PIN_5_after_a_cancellation_in_error_a_student_the_ruleset_refuses_is_not_reserved_again(s1: World) -> None:
    s1.eligible_s1(NIM)
    first = reserved(s1, NIM)
    s1.propose_annulment(NIM)
    s1.decide_annulment(NIM, accept=True)
    s1.report(NIM, report("20232", ipk="1.99", passed=160))  # the correction that caused the error
    refusal = refused(s1, lambda: s1.reserve(NIM), NotEligible)
    assert fields(refusal.failures) == [("PIN-2.ipk", "ipk")]
    seen = eligibility(s1)
    assert seen is not None and [f.rule_id for f in seen.reservation.failures] == ["PIN-2.ipk"]
    s1.report(NIM, report("20232", ipk="2.00", passed=160))
    again = s1.reserve(NIM).nina
    assert again == NINA.issue(PRODI, 2024, 2).value and again != first  # the refusal used no number


# PIN-1: the sequence ends at 99999 ------------------------------------------------------------------


def test_PIN_1_the_last_sequence_number_is_99999_and_then_reservations_are_refused(s1: World) -> None:
    sequence = NINASequence(university_code=UNIVERSITY, prodi_code=PRODI, year=2024, cause=OPERATOR)
    sequence._number_claimed(number=MAX_SEQUENCE - 1, cause=OPERATOR)  # as if 99,998 had been reserved
    s1.app.save(sequence)
    s1.eligible_s1("2020001")
    s1.eligible_s1("2020002")
    assert reserved(s1, "2020001") == NINA.issue(PRODI, 2024, 99_999).value
    refusal = refused(s1, lambda: s1.reserve("2020002"), RuleViolation)
    assert fields(refusal.failures) == [("PIN-1", "sequence")]
