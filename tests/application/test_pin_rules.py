"""PIN-0..PIN-3, PIN-8 through the Diplomas commands, on SQLite and PostgreSQL.

Every refusal is checked twice: the exact rule ids raised, and an event log that did not grow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from domain.audit import Actor, Cause, Role
from domain.diploma.diploma import Diploma, NotEligible
from domain.diploma.nina import NINA
from domain.diploma.numbering import NINAClaim, NINASequence
from domain.errors import DomainError, NotAuthorized, NotFound, RuleViolation
from domain.personal import PersonalData
from domain.registry.level import Level
from domain.registry.programme import Programme
from domain.registry.record import SemesterStatus
from domain.registry.student import Student
from domain.registry.university import University
from tests.world import ADMIN, OPERATOR, PRODI, UNIVERSITY, Clock, World, regular_periods, report

IN_2020 = datetime(2020, 6, 1, 3, 0, tzinfo=UTC)  # decree 318/B/HK/2019 in force
IN_2028 = datetime(2028, 8, 1, 3, 0, tzinfo=UTC)  # 15 semesters from 20201 have been reported (PIN-0: none ahead)
NIK = "3171234567890001"
NAME = "Siti Aminah"
OTHER_PRODI = "55202"
OTHER_UNIVERSITY = "009009"
S2_PRODI = "55101"  # a Magister programme
RESERVATION_RULES = ("PIN-2.reported", "PIN-2.load", "PIN-2.ipk", "PIN-2.sks", "PIN-2.study_time")
PAIRING_RULES = (
    "PIN-3.graduated",
    "PIN-3.accreditation",
    "PIN-3.load",
    "PIN-3.ipk",
    "PIN-3.sks",
    "PIN-3.study_time",
)
PISN_RULES = ("PIN-8.reported_semesters", "PIN-8.identity_number")


@pytest.fixture
def s1(world: World) -> World:
    """A university with one accredited S1 programme, under PISN-2021 (the clock is 2024-08-01)."""
    world.university()
    world.programme()
    return world


@pytest.fixture
def s2(world: World) -> World:
    """A university with one accredited S2 (Magister) programme, under PISN-2021."""
    world.university()
    world.programme(Level.S2, prodi=S2_PRODI)
    return world


def master_student(world: World, nim: str, *, ipk: str) -> None:
    """An S2 student past every other reservation rule for S2: 4 of at most 8 semesters, 36 sks passed (12
    needed)."""
    world.student(nim, prodi=S2_PRODI)
    world.semesters(nim, 4, sks=9, ipk=ipk)


@pytest.fixture
def in_2020(clock: Clock) -> None:
    clock.now = IN_2020


@pytest.fixture
def in_2028(clock: Clock) -> None:
    clock.now = IN_2028


def refused(world: World, command: Callable[[], Any], error: type[DomainError] = RuleViolation) -> Any:
    """Runs a command that must be refused with ``error``, and checks that the log did not grow."""
    before = world.position()
    with pytest.raises(error) as refusal:
        command()
    assert world.position() == before, "a refused command appended events"
    assert world.notifications(before) == []
    return refusal.value


def reserved(world: World, nim: str) -> str:
    """Reserves and checks, in the log, that the NINA is reserved."""
    before = world.position()
    receipt = world.reserve(nim)
    assert receipt.nina is not None and receipt.position is not None
    reservations = [e for e in world.events(before) if isinstance(e, Diploma.NINAReserved)]
    assert [(e.nim, e.nina.value) for e in reservations] == [(nim, receipt.nina)]
    return receipt.nina


def diploma_events(world: World, nim: str) -> list[Any]:
    return list(world.app.events.get(Diploma.create_id(UNIVERSITY, nim)))


def student_with_gap(world: World, nim: str, missing: str) -> None:
    world.student(nim)
    for i, period in enumerate(regular_periods("20201", 8), start=1):
        if period != missing:
            world.report(nim, report(period, passed=20 * i))


# IPK -------------------------------------------------------------------------------------------


def test_PIN_2_bachelor_reservation_refused_below_ipk_2_00(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 8, ipk="1.99")
    refusal = refused(s1, lambda: s1.reserve("2020001"), NotEligible)
    assert refusal.rule_ids == ("PIN-2.ipk",)
    assert refusal.failures[0].field == "ipk"
    assert s1.app.find(Diploma, Diploma.create_id(UNIVERSITY, "2020001")) is None


def test_PIN_2_bachelor_reservation_allowed_at_ipk_2_00(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 8, ipk="2.00")
    assert NINA.parse(reserved(s1, "2020001"), prodi_code=PRODI)


def test_PIN_2_master_reservation_refused_below_ipk_3_00(s2: World) -> None:
    master_student(s2, "2020001", ipk="2.99")
    refusal = refused(s2, lambda: s2.reserve("2020001"), NotEligible)
    assert refusal.rule_ids == ("PIN-2.ipk",)
    assert refusal.failures[0].field == "ipk"
    assert "below 3.00 for S2" in refusal.failures[0].message
    assert s2.app.find(Diploma, Diploma.create_id(UNIVERSITY, "2020001")) is None


def test_PIN_2_master_reservation_allowed_at_ipk_3_00(s2: World) -> None:
    master_student(s2, "2020001", ipk="3.00")
    nina = reserved(s2, "2020001")
    assert NINA.parse(nina, prodi_code=S2_PRODI)
    decision = diploma_events(s2, "2020001")[0].decision
    assert (decision.ruleset_id, decision.failures) == ("PISN-2021", ())
    assert (decision.inputs["level"], decision.inputs["ipk"], decision.inputs["sks_passed"]) == ("S2", "3.00", "36")


# sks passed ------------------------------------------------------------------------------------


def test_PIN_2_bachelor_reservation_refused_below_120_sks_passed(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 8, passed=119)
    assert refused(s1, lambda: s1.reserve("2020001")).rule_ids == ("PIN-2.sks",)


def test_PIN_2_bachelor_reservation_allowed_at_120_sks_passed(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 8, passed=120)
    reserved(s1, "2020001")


def test_PIN_3_bachelor_pairing_refused_below_144_sks_passed(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 8, passed=143)
    nina = reserved(s1, "2020001")  # 143 is enough to reserve (120)
    s1.graduate("2020001")
    refusal = refused(s1, lambda: s1.pair("2020001", nina), NotEligible)
    assert refusal.rule_ids == ("PIN-3.sks",)


def test_PIN_3_bachelor_pairing_allowed_at_144_sks_passed(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 8, passed=144)
    nina = reserved(s1, "2020001")
    s1.graduate("2020001")
    before = s1.position()
    assert s1.pair("2020001", nina).nina == nina
    assert [type(e) for e in s1.events(before)] == [Diploma.NINAPaired, Student.RecordReliedOn]


# Semester load ---------------------------------------------------------------------------------
# Entry 20201: semester 3 is 20211, after 20202 whose IPS is 3.50 (a high achiever).


def test_PIN_2_load_reservation_refused_with_25_sks_in_a_regular_semester(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 8)
    s1.report("2020001", report("20211", sks=25, passed=60))
    refusal = refused(s1, lambda: s1.reserve("2020001"))
    assert refusal.rule_ids == ("PIN-2.load",)
    assert refusal.failures[0].field == "sksTaken"


def test_PIN_2_load_reservation_allowed_with_24_sks_in_semester_3_after_a_semester_gpa_above_3_00(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 8)
    s1.report("2020001", report("20211", sks=24, passed=60))
    reserved(s1, "2020001")


def test_PIN_2_load_reservation_refused_with_21_sks_in_semester_2(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 8)
    s1.report("2020001", report("20201", sks=20, ips="4.00", ipk="4.00", passed=20))
    s1.report("2020001", report("20202", sks=21, passed=40))
    assert refused(s1, lambda: s1.reserve("2020001")).rule_ids == ("PIN-2.load",)


def test_PIN_2_load_reservation_refused_with_21_sks_after_a_semester_gpa_of_3_00(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 8)
    s1.report("2020001", report("20202", ips="3.00", passed=40))
    s1.report("2020001", report("20211", sks=21, passed=60))
    assert refused(s1, lambda: s1.reserve("2020001")).rule_ids == ("PIN-2.load",)


def test_PIN_2_load_reservation_allowed_with_21_sks_after_a_semester_gpa_of_3_01(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 8)
    s1.report("2020001", report("20202", ips="3.01", passed=40))
    s1.report("2020001", report("20211", sks=21, passed=60))
    reserved(s1, "2020001")


def test_PIN_2_load_reservation_refused_with_10_sks_in_a_short_semester(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 8)
    s1.report("2020001", report("20203", sks=10, passed=50))
    assert refused(s1, lambda: s1.reserve("2020001")).rule_ids == ("PIN-2.load",)


def test_PIN_2_load_reservation_allowed_with_9_sks_in_a_short_semester(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 8)
    s1.report("2020001", report("20203", sks=9, passed=49))
    reserved(s1, "2020001")


# Study time and gaps ---------------------------------------------------------------------------


def test_PIN_2_study_time_reservation_allowed_after_14_regular_semesters(s1: World, in_2028: None) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 14)
    reserved(s1, "2020001")


def test_PIN_2_study_time_reservation_refused_after_15_regular_semesters(s1: World, in_2028: None) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 15)
    assert refused(s1, lambda: s1.reserve("2020001")).rule_ids == ("PIN-2.study_time",)


def test_PIN_2_study_time_a_semester_on_leave_is_not_counted(s1: World, in_2028: None) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 15)
    s1.report("2020001", report("20221", sks=0, ips="0.00", passed=80, status=SemesterStatus.ON_LEAVE))
    nina = reserved(s1, "2020001")
    reservation = diploma_events(s1, "2020001")[0]
    assert reservation.nina.value == nina and reservation.decision.inputs["semesters_counted"] == "14"


def test_PIN_2_reported_reservation_refused_when_one_semester_is_missing(s1: World) -> None:
    student_with_gap(s1, "2020001", missing="20212")
    refusal = refused(s1, lambda: s1.reserve("2020001"))
    assert refusal.rule_ids == ("PIN-2.reported",)
    assert "20212" in refusal.failures[0].message


def test_PIN_2_reported_reservation_allowed_once_the_missing_semester_is_reported(s1: World) -> None:
    student_with_gap(s1, "2020001", missing="20212")
    s1.report("2020001", report("20212", passed=80))
    reserved(s1, "2020001")


# PISN additions and the ruleset by date (PIN-8) ------------------------------------------------


def test_PIN_8_reported_semesters_pisn_refuses_a_bachelor_with_5_semesters(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 5, passed=120)
    assert refused(s1, lambda: s1.reserve("2020001")).rule_ids == ("PIN-8.reported_semesters",)


def test_PIN_8_reported_semesters_pisn_allows_a_bachelor_with_6_semesters(s1: World) -> None:
    s1.student("2020001")
    s1.semesters("2020001", 6, passed=120)
    reserved(s1, "2020001")


def test_PIN_8_decree_318_in_2020_allows_a_bachelor_with_5_semesters(s1: World, in_2020: None) -> None:
    s1.student("2020001", entry="20172")  # 20172-20192: reported by June 2020
    s1.semesters("2020001", 5, entry="20172", passed=120)
    reserved(s1, "2020001")
    decision = diploma_events(s1, "2020001")[0].decision
    assert decision.ruleset_id == "318/B/HK/2019"
    assert decision.rule_ids == RESERVATION_RULES


def test_PIN_8_identity_number_pisn_refuses_a_student_without_nik(s1: World) -> None:
    s1.student("2020001", nik=None)
    s1.semesters("2020001", 8)
    refusal = refused(s1, lambda: s1.reserve("2020001"))
    assert refusal.rule_ids == ("PIN-8.identity_number",)
    assert refusal.failures[0].field == "nik"


def test_PIN_8_identity_number_decree_318_in_2020_allows_a_student_without_nik(s1: World, in_2020: None) -> None:
    s1.student("2020001", nik=None, entry="20161")  # 20161-20192: reported by June 2020
    s1.semesters("2020001", 8, entry="20161")
    reserved(s1, "2020001")


# Pairing (PIN-3) -------------------------------------------------------------------------------


def test_PIN_3_graduated_pairing_refused_before_yudisium(s1: World) -> None:
    s1.eligible_s1("2020001")
    nina = reserved(s1, "2020001")
    refusal = refused(s1, lambda: s1.pair("2020001", nina))
    assert refusal.rule_ids == ("PIN-3.graduated",)


def test_PIN_3_accreditation_pairing_refused_when_accreditation_ended_before_yudisium(s1: World) -> None:
    s1.programme(prodi=OTHER_PRODI, accredited=(date(2019, 1, 1), date(2024, 7, 19)))
    s1.student("2020001", prodi=OTHER_PRODI)
    s1.semesters("2020001", 8)
    nina = reserved(s1, "2020001")
    s1.graduate("2020001", on=date(2024, 7, 20))
    assert refused(s1, lambda: s1.pair("2020001", nina)).rule_ids == ("PIN-3.accreditation",)


def test_PIN_3_accreditation_pairing_allowed_when_yudisium_is_on_the_last_accredited_day(s1: World) -> None:
    s1.programme(prodi=OTHER_PRODI, accredited=(date(2019, 1, 1), date(2024, 7, 20)))
    s1.student("2020001", prodi=OTHER_PRODI)
    s1.semesters("2020001", 8)
    nina = reserved(s1, "2020001")
    s1.graduate("2020001", on=date(2024, 7, 20))
    assert s1.pair("2020001", nina).changed


def test_PIN_1_pairing_with_a_mistyped_check_digit_is_refused_naming_the_check_digit(s1: World) -> None:
    s1.eligible_s1("2020001")
    nina = reserved(s1, "2020001")
    s1.graduate("2020001")
    typo = nina[:-1] + str((int(nina[-1]) + 1) % 10)
    refusal = refused(s1, lambda: s1.pair("2020001", typo))
    assert refusal.rule_ids == ("PIN-1",)
    assert "(check digit)" in refusal.failures[0].message


def test_PIN_1_pairing_with_swapped_sequence_digits_is_refused(s1: World) -> None:
    s1.eligible_s1("2020001")
    nina = reserved(s1, "2020001")  # ...00001 + check
    s1.graduate("2020001")
    swapped = nina[:12] + nina[13] + nina[12] + nina[14]
    assert swapped != nina
    assert refused(s1, lambda: s1.pair("2020001", swapped)).rule_ids == ("PIN-1",)


def test_PIN_1_pairing_with_a_nina_of_another_prodi_is_refused_naming_the_prodi_prefix(s1: World) -> None:
    s1.eligible_s1("2020001")
    nina = reserved(s1, "2020001")
    s1.graduate("2020001")
    elsewhere = NINA.issue(OTHER_PRODI, 2024, 1).value
    refusal = refused(s1, lambda: s1.pair("2020001", elsewhere))
    assert refusal.rule_ids == ("PIN-1",)
    assert "(prodi prefix)" in refusal.failures[0].message
    assert s1.pair("2020001", nina).changed


def test_PIN_3_reservation_pairing_with_the_valid_nina_of_another_student_is_refused(s1: World) -> None:
    s1.eligible_s1("2020001")
    s1.eligible_s1("2020002")
    reserved(s1, "2020001")
    other = reserved(s1, "2020002")
    s1.graduate("2020001")
    refusal = refused(s1, lambda: s1.pair("2020001", other))
    assert refusal.rule_ids == ("PIN-3.reservation",)
    assert refusal.failures[0].field == "nina"


def test_PIN_3_reservation_pairing_without_a_reservation_is_refused(s1: World) -> None:
    s1.eligible_s1("2020001")
    s1.graduate("2020001")
    refusal = refused(s1, lambda: s1.pair("2020001", NINA.issue(PRODI, 2024, 1).value))
    assert refusal.rule_ids == ("PIN-3.reservation",)
    assert refusal.failures[0].field == "nim"


def test_PIN_3_reservation_a_paired_nina_cannot_be_paired_again(s1: World) -> None:
    s1.eligible_s1("2020001")
    nina = reserved(s1, "2020001")
    s1.graduate("2020001")
    s1.pair("2020001", nina)
    assert refused(s1, lambda: s1.pair("2020001", nina)).rule_ids == ("PIN-3.reservation",)


# One reservation per student, and what it records ----------------------------------------------


def test_PIN_2_once_a_second_reservation_for_the_same_student_is_refused_and_appends_nothing(s1: World) -> None:
    """The rule the eligibility view states (PIN-2.once on nim), not a conflict: nothing raced, the rule refused."""
    s1.eligible_s1("2020001")
    nina = reserved(s1, "2020001")
    refusal = refused(s1, lambda: s1.reserve("2020001"))
    assert [(f.rule_id, f.field) for f in refusal.failures] == [("PIN-2.once", "nim")]
    assert nina in str(refusal)


def test_PIN_8_the_reservation_event_records_ruleset_rule_ids_and_inputs(s1: World) -> None:
    s1.eligible_s1("2020001")
    nina = reserved(s1, "2020001")
    [reservation] = diploma_events(s1, "2020001")
    assert isinstance(reservation, Diploma.NINAReserved)
    assert (reservation.university_code, reservation.prodi_code, reservation.nim) == (UNIVERSITY, PRODI, "2020001")
    assert reservation.nina == NINA(nina)
    assert reservation.decision.ruleset_id == "PISN-2021"
    assert reservation.decision.rule_ids == RESERVATION_RULES + PISN_RULES
    assert reservation.decision.failures == ()
    assert reservation.decision.inputs == {
        "level": "S1",
        "entry_period": "20201",
        "reported_periods": "20201,20202,20211,20212,20221,20222,20231,20232",
        "ipk": "3.50",
        "sks_passed": "160",
        "semesters_counted": "8",
        "has_identity_number": "true",
    }


def test_PIN_8_the_pairing_event_records_ruleset_rule_ids_and_the_yudisium(s1: World) -> None:
    s1.eligible_s1("2020001")
    nina = reserved(s1, "2020001")
    s1.graduate("2020001", on=date(2024, 7, 20), number="SK/YUD/2024/07")
    s1.pair("2020001", nina)
    _, pairing = diploma_events(s1, "2020001")
    assert isinstance(pairing, Diploma.NINAPaired)
    assert pairing.decision.ruleset_id == "PISN-2021"
    assert pairing.decision.rule_ids == PAIRING_RULES + PISN_RULES
    assert pairing.decision.inputs["yudisium_number"] == "SK/YUD/2024/07"
    assert pairing.decision.inputs["yudisium_date"] == "2024-07-20"
    assert pairing.graduation.decree_date == date(2024, 7, 20)


def test_every_stored_event_carries_the_cause_of_the_command_that_made_it(s1: World) -> None:
    s1.eligible_s1("2020001")
    reservation_cause = Cause(Actor("operator-7", Role.UNIVERSITY_OPERATOR, UNIVERSITY), request_id="req-reserve-1")
    before = s1.position()
    nina = s1.app.reserve_nina(university_code=UNIVERSITY, nim="2020001", cause=reservation_cause).nina
    reservation_events = s1.events(before)
    s1.graduate("2020001")
    s1.pair("2020001", nina)

    assert {type(e) for e in reservation_events} == {
        NINASequence.Started,
        NINASequence.NumberClaimed,
        Diploma.NINAReserved,
        NINAClaim.Claimed,
        Student.RecordReliedOn,
    }
    for event in reservation_events:
        assert event.cause == reservation_cause, type(event).__qualname__
    registry = (University.Registered, Programme.Registered)
    for event in s1.events(after=s1.started):
        cause = getattr(event, "cause", None)
        assert isinstance(cause, Cause), f"{type(event).__qualname__} has no cause"
        assert cause.actor.id and cause.actor.role and cause.request_id
        if isinstance(event, registry):
            assert cause == ADMIN
        elif event not in reservation_events:
            assert cause == OPERATOR, type(event).__qualname__
        if cause.actor.role is Role.UNIVERSITY_OPERATOR:
            assert cause.actor.institution == UNIVERSITY


# Semester reports (PIN-0) ----------------------------------------------------------------------


def test_PIN_0_a_corrected_report_supersedes_the_earlier_one_which_stays_in_the_log(s1: World) -> None:
    s1.eligible_s1("2020001")
    s1.report("2020001", report("20232", ipk="1.99", passed=160))  # the correction: now below 2.00
    assert refused(s1, lambda: s1.reserve("2020001")).rule_ids == ("PIN-2.ipk",)

    s1.report("2020001", report("20232", ipk="2.00", passed=160))  # corrected again
    reserved(s1, "2020001")

    reports = [
        (e.report.ipk, e.supersedes)
        for e in s1.app.events.get(Student.create_id(UNIVERSITY, "2020001"))
        if isinstance(e, Student.SemesterReported) and e.report.period.code == "20232"
    ]
    assert [(str(ipk), supersedes) for ipk, supersedes in reports] == [
        ("3.50", False),
        ("1.99", True),
        ("2.00", True),
    ]


def test_PIN_0_an_identical_report_appends_nothing(s1: World) -> None:
    s1.student("2020001")
    s1.report("2020001", report("20201", passed=20))
    before = s1.position()
    receipt = s1.report("2020001", report("20201", passed=20))
    assert not receipt.changed
    assert s1.position() == before


def test_PIN_0_a_report_with_ipk_4_01_is_refused_naming_the_field(s1: World) -> None:
    s1.student("2020001")
    refusal = refused(s1, lambda: s1.report("2020001", report("20201", ipk="4.01", passed=20)))
    assert [(f.rule_id, f.field) for f in refusal.failures] == [("PIN-0", "ipk")]
    assert s1.report("2020001", report("20201", ipk="4.00", passed=20)).changed


@pytest.mark.parametrize("ipk", ["-0.01", "3.555", "NaN", "Infinity"])
def test_PIN_0_a_report_with_an_ipk_outside_0_00_to_4_00_is_refused_naming_the_field(s1: World, ipk: str) -> None:
    s1.student("2020001")
    refusal = refused(s1, lambda: s1.report("2020001", report("20201", ipk=ipk, passed=20)))
    assert [(f.rule_id, f.field) for f in refusal.failures] == [("PIN-0", "ipk")]


def test_PIN_0_a_report_with_a_semester_gpa_of_4_01_is_refused_naming_the_field(s1: World) -> None:
    s1.student("2020001")
    refusal = refused(s1, lambda: s1.report("2020001", report("20201", ips="4.01", passed=20)))
    assert [(f.rule_id, f.field) for f in refusal.failures] == [("PIN-0", "ips")]


def test_PIN_0_a_report_for_a_period_before_entry_is_refused_naming_the_field(s1: World) -> None:
    s1.student("2020001", entry="20201")
    refusal = refused(s1, lambda: s1.report("2020001", report("20192", passed=20)))
    assert [(f.rule_id, f.field) for f in refusal.failures] == [("PIN-0", "period")]


def test_PIN_0_a_report_for_an_unregistered_student_is_refused(s1: World) -> None:
    refused(s1, lambda: s1.report("2099999", report("20201", passed=20)), NotFound)


@pytest.mark.parametrize(
    "nik",
    ["317123456789000", "31712345678900012", "3171234567890001\n", "٣١٧١٢٣٤٥٦٧٨٩٠٠٠١"],
    ids=["15-digits", "17-digits", "trailing-newline", "arabic-indic-digits"],
)
def test_PIN_0_a_nik_other_than_16_digits_0_to_9_is_refused_naming_the_field(s1: World, nik: str) -> None:
    refusal = refused(s1, lambda: s1.student("2020001", nik=nik))
    assert [(f.rule_id, f.field) for f in refusal.failures] == [("PIN-0", "nik")]


def foreign_student(world: World, nim: str, passport: str) -> None:
    world.app.register_student(
        university_code=UNIVERSITY,
        nim=nim,
        prodi_code=PRODI,
        entry_period="20201",
        personal=PersonalData(full_name="John Smith", passport_number=passport),
        cause=OPERATOR,
    )


@pytest.mark.parametrize("passport", ["A123", "a1234567", "A1234567\n"], ids=["short", "lower-case", "newline"])
def test_PIN_0_a_malformed_passport_number_is_refused_naming_the_field(s1: World, passport: str) -> None:
    refusal = refused(s1, lambda: foreign_student(s1, "2020001", passport))
    assert [(f.rule_id, f.field) for f in refusal.failures] == [("PIN-0", "passportNumber")]


def test_PIN_8_identity_number_a_passport_number_stands_in_for_a_nik(s1: World) -> None:
    foreign_student(s1, "2020001", "A1234567")
    s1.semesters("2020001", 8)
    reserved(s1, "2020001")


# The digits of a NINA (PIN-1) ------------------------------------------------------------------


def test_PIN_1_nina_is_prodi_code_year_and_sequence_counted_per_prodi_and_year(s1: World) -> None:
    s1.programme(prodi=OTHER_PRODI)
    s1.eligible_s1("2020001")
    s1.eligible_s1("2020002")
    s1.student("2020003", prodi=OTHER_PRODI)
    s1.semesters("2020003", 8)
    first, second, other = (reserved(s1, nim) for nim in ("2020001", "2020002", "2020003"))
    assert first == NINA.issue(PRODI, 2024, 1).value
    assert second == NINA.issue(PRODI, 2024, 2).value
    assert other == NINA.issue(OTHER_PRODI, 2024, 1).value
    assert first[:14] == "55201202400001"


def test_PIN_1_the_year_of_a_nina_is_the_year_in_jakarta_not_utc(s1: World, clock: Clock) -> None:
    s1.eligible_s1("2020001")
    s1.eligible_s1("2020002")
    clock.now = datetime(2024, 12, 31, 16, 59, 59, tzinfo=UTC)  # 23:59:59 in Jakarta (UTC+7)
    assert reserved(s1, "2020001") == NINA.issue(PRODI, 2024, 1).value
    clock.now = datetime(2024, 12, 31, 17, 0, 0, tzinfo=UTC)  # 00:00 on 1 January 2025 in Jakarta
    assert reserved(s1, "2020002") == NINA.issue(PRODI, 2025, 1).value


# Personal data (UU PDP) ------------------------------------------------------------------------


def test_personal_data_is_not_stored_in_plaintext_in_the_event_log(s1: World) -> None:
    s1.eligible_s1("2020001", name=NAME, nik=NIK)
    nina = reserved(s1, "2020001")
    s1.graduate("2020001")
    s1.pair("2020001", nina)
    states = [n.state for n in s1.notifications()]
    assert any(b"2020001" in state for state in states)  # the log is readable: the search can find things
    for state in states:
        assert NAME.encode() not in state
        assert NAME.lower().encode() not in state.lower()
        assert NIK.encode() not in state


def test_personal_data_erased_the_events_still_load_and_unseal_to_nothing(s1: World) -> None:
    s1.eligible_s1("2020001", name=NAME, nik=NIK)
    nina = reserved(s1, "2020001")
    s1.graduate("2020001")
    s1.pair("2020001", nina)
    sealer = s1.container.services.diploma.commands.sealer
    student_id = Student.create_id(UNIVERSITY, "2020001")
    student = s1.app.repository.get(student_id)
    personal = sealer.unseal(student.personal)
    assert personal is not None and (personal.full_name, personal.nik) == (NAME, NIK)

    sealer.erase(student_id, "2026-01-01")

    student = s1.app.repository.get(student_id)
    assert sealer.unseal(student.personal) is None
    _, pairing = diploma_events(s1, "2020001")
    assert sealer.unseal(pairing.holder) is None
    assert s1.app.repository.get(Diploma.create_id(UNIVERSITY, "2020001")).nina == NINA(nina)
    assert [type(e) for e in s1.events()][-3:] == [
        Student.GraduationRecorded,
        Diploma.NINAPaired,
        Student.RecordReliedOn,
    ]


# Authorization ---------------------------------------------------------------------------------


def test_an_operator_of_another_university_may_not_reserve_and_nothing_is_appended(s1: World) -> None:
    s1.eligible_s1("2020001")
    outsider = Cause(Actor("operator@elsewhere", Role.UNIVERSITY_OPERATOR, OTHER_UNIVERSITY), request_id="req-x")
    refused(s1, lambda: s1.app.reserve_nina(university_code=UNIVERSITY, nim="2020001", cause=outsider), NotAuthorized)
    refused(
        s1,
        lambda: s1.app.report_semester(
            university_code=UNIVERSITY, nim="2020001", report=report("20241", passed=180), cause=outsider
        ),
        NotAuthorized,
    )


def test_an_operator_of_another_university_may_not_pair_and_nothing_is_appended(s1: World) -> None:
    s1.eligible_s1("2020001")
    nina = reserved(s1, "2020001")
    s1.graduate("2020001")
    outsider = Cause(Actor("operator@elsewhere", Role.UNIVERSITY_OPERATOR, OTHER_UNIVERSITY), request_id="req-x")
    refused(
        s1,
        lambda: s1.app.pair_nina(university_code=UNIVERSITY, nim="2020001", nina=nina, cause=outsider),
        NotAuthorized,
    )


def test_the_pddikti_feed_may_report_semesters_but_not_reserve_ninas(s1: World) -> None:
    s1.eligible_s1("2020001")
    feed = Cause(Actor("pddikti", Role.PDDIKTI_SYNC, None), request_id="req-feed")
    assert s1.app.report_semester(
        university_code=UNIVERSITY, nim="2020001", report=report("20241", passed=180), cause=feed
    ).changed
    refused(s1, lambda: s1.app.reserve_nina(university_code=UNIVERSITY, nim="2020001", cause=feed), NotAuthorized)
