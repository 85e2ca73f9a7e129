"""PIN-2, PIN-3, PIN-8: every level's thresholds at the boundary, on both sides, in both shipped rulesets.

The numbers below are the brief's (docs/DOMAIN.md), written out here on purpose: a test that read them
from the ruleset would follow a wrong ruleset instead of catching it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.diploma.ruleset import Ruleset
from domain.registry.level import Level
from domain.registry.record import AcademicRecord, SemesterStatus
from tests.domain.test_ruleset import BOTH, PISN, R318, failing, graduate, record, replaced, semesters
from tests.world import report

MIN_IPK = {"D1": "2.00", "D2": "2.00", "D3": "2.00", "D4": "2.00", "S1": "2.00", "S2": "3.00", "S3": "3.00"}
RESERVATION_SKS = {"D1": 24, "D2": 48, "D3": 84, "D4": 120, "S1": 120, "S2": 12, "S3": 10}
PAIRING_SKS = {"D1": 36, "D2": 72, "D3": 108, "D4": 144, "S1": 144, "S2": 36, "S3": 42}
MAX_YEARS = {"D1": 2, "D2": 3, "D3": 5, "D4": 7, "S1": 7, "S2": 4, "S3": 7}
PISN_MIN_REPORTED = {"D3": 6, "D4": 6, "S1": 6}
LEVELS = pytest.mark.parametrize("level", list(Level), ids=str)


def studies(level: Level, *, ipk: str = "3.50", passed: int | None = None, count: int | None = None) -> list:
    """A record that passes every rule for ``level`` (6 semesters, or all its study time if shorter)."""
    count = count if count is not None else min(6, MAX_YEARS[level] * 2)
    return semesters(count, ipk=ipk, passed=PAIRING_SKS[level] if passed is None else passed)


def below(threshold: str) -> str:
    return str(Decimal(threshold) - Decimal("0.01"))


def test_PIN_8_both_shipped_rulesets_carry_every_ipk_threshold_of_the_brief() -> None:
    for ruleset in (R318, PISN):
        assert {level.value: str(v) for level, v in ruleset.min_ipk.items()} == MIN_IPK


# IPK (PIN-2.ipk, PIN-3.ipk) -------------------------------------------------------------------


@BOTH
@LEVELS
def test_PIN_2_ipk_reservation_refused_one_hundredth_below_the_level_minimum(ruleset: Ruleset, level: Level) -> None:
    decision = ruleset.reservation(record(studies(level, ipk=below(MIN_IPK[level])), level=level))
    assert failing(decision) == ("PIN-2.ipk",)
    assert decision.failures[0].field == "ipk"


@BOTH
@LEVELS
def test_PIN_2_ipk_reservation_allowed_at_the_level_minimum(ruleset: Ruleset, level: Level) -> None:
    assert ruleset.reservation(record(studies(level, ipk=MIN_IPK[level]), level=level)).allowed


@BOTH
@LEVELS
def test_PIN_3_ipk_pairing_refused_below_and_allowed_at_the_level_minimum(ruleset: Ruleset, level: Level) -> None:
    assert failing(ruleset.pairing(graduate(studies(level, ipk=below(MIN_IPK[level])), level=level))) == ("PIN-3.ipk",)
    assert ruleset.pairing(graduate(studies(level, ipk=MIN_IPK[level]), level=level)).allowed


# sks passed (PIN-2.sks, PIN-3.sks) ------------------------------------------------------------


@BOTH
@LEVELS
def test_PIN_2_sks_reservation_refused_one_below_and_allowed_at_the_level_minimum(
    ruleset: Ruleset, level: Level
) -> None:
    minimum = RESERVATION_SKS[level]
    decision = ruleset.reservation(record(studies(level, passed=minimum - 1), level=level))
    assert failing(decision) == ("PIN-2.sks",)
    assert decision.failures[0].field == "sksPassed"
    assert ruleset.reservation(record(studies(level, passed=minimum), level=level)).allowed


@BOTH
@LEVELS
def test_PIN_3_sks_pairing_refused_one_below_and_allowed_at_the_level_minimum(ruleset: Ruleset, level: Level) -> None:
    minimum = PAIRING_SKS[level]
    decision = ruleset.pairing(graduate(studies(level, passed=minimum - 1), level=level))
    assert failing(decision) == ("PIN-3.sks",)
    assert decision.failures[0].field == "sksPassed"
    assert ruleset.pairing(graduate(studies(level, passed=minimum), level=level)).allowed


# Study time (PIN-2.study_time, PIN-3.study_time): regular semesters, by period from entry -------


@BOTH
@LEVELS
def test_PIN_2_study_time_allowed_at_the_limit_and_refused_one_semester_past_it(ruleset: Ruleset, level: Level) -> None:
    limit = MAX_YEARS[level] * 2
    assert ruleset.reservation(record(studies(level, count=limit), level=level)).allowed
    decision = ruleset.reservation(record(studies(level, count=limit + 1), level=level))
    assert failing(decision) == ("PIN-2.study_time",)
    assert decision.failures[0].field == "semesterReports"


@BOTH
@LEVELS
def test_PIN_3_study_time_allowed_at_the_limit_and_refused_one_semester_past_it(ruleset: Ruleset, level: Level) -> None:
    limit = MAX_YEARS[level] * 2
    assert ruleset.pairing(graduate(studies(level, count=limit), level=level)).allowed
    assert failing(ruleset.pairing(graduate(studies(level, count=limit + 1), level=level))) == ("PIN-3.study_time",)


def without(reports: list, *periods: str) -> list:
    return [r for r in reports if r.period.code not in periods]


@BOTH
def test_PIN_3_study_time_counts_an_unreported_semester_inside_the_span(ruleset: Ruleset) -> None:
    # 20201..20271 is 15 regular periods; 14 reported: the missing 20221 still counts (decided).
    decision = ruleset.pairing(graduate(without(semesters(15), "20221")))
    assert failing(decision) == ("PIN-3.study_time",)
    assert decision.inputs["semesters_counted"] == "15"
    at_limit = ruleset.pairing(graduate(without(semesters(14), "20221")))
    assert at_limit.allowed and at_limit.inputs["semesters_counted"] == "14"


@BOTH
def test_PIN_2_study_time_counts_an_unreported_semester_and_the_gap_is_named_too(ruleset: Ruleset) -> None:
    decision = ruleset.reservation(record(without(semesters(15), "20221")))
    assert failing(decision) == ("PIN-2.reported", "PIN-2.study_time")
    assert decision.inputs["semesters_counted"] == "15"


def test_PIN_2_study_time_counts_leave_out_but_an_unreported_period_in() -> None:
    reports = replaced(
        without(semesters(15), "20221"), report("20222", sks=0, ips="0.00", status=SemesterStatus.ON_LEAVE)
    )
    decision = R318.pairing(graduate(reports))
    assert decision.allowed and decision.inputs["semesters_counted"] == "14"


def test_PIN_2_with_nothing_reported_no_semester_is_counted() -> None:
    assert R318.reservation(record([])).inputs["semesters_counted"] == "0"
    only_short = record([report("20203", sks=6, passed=6)])
    assert R318.reservation(only_short).inputs["semesters_counted"] == "0"


# Load (PIN-2.load, PIN-3.load) -----------------------------------------------------------------


@BOTH
def test_PIN_2_load_above_normal_after_an_unreported_previous_semester_is_refused_not_a_crash(
    ruleset: Ruleset,
) -> None:
    reports = replaced(without(semesters(8), "20202"), report("20211", sks=21))
    decision = ruleset.reservation(record(reports))
    assert failing(decision) == ("PIN-2.reported", "PIN-2.load")
    assert "previous: no report" in decision.failures[1].message


@BOTH
def test_PIN_3_load_above_normal_after_an_unreported_previous_semester_is_refused_at_pairing(
    ruleset: Ruleset,
) -> None:
    reports = replaced(without(semesters(8), "20202"), report("20211", sks=21))
    decision = ruleset.pairing(graduate(reports))  # continuity is not checked at pairing: only the load fails
    assert failing(decision) == ("PIN-3.load",)
    assert decision.failures[0].field == "sksTaken"
    assert ruleset.pairing(graduate(replaced(reports, report("20202", ips="3.01")))).allowed


@BOTH
def test_PIN_2_load_21_sks_in_semester_3_turns_on_a_previous_semester_gpa_above_3_00(ruleset: Ruleset) -> None:
    high = replaced(semesters(8), report("20202", ips="3.01"), report("20211", sks=21))
    assert ruleset.reservation(record(high)).allowed
    at = replaced(semesters(8), report("20202", ips="3.00"), report("20211", sks=21))
    assert failing(ruleset.reservation(record(at))) == ("PIN-2.load",)


@BOTH
def test_PIN_2_load_20_sks_is_the_normal_load_and_21_needs_semester_3(ruleset: Ruleset) -> None:
    assert ruleset.reservation(record(replaced(semesters(8), report("20202", sks=20, ips="1.00")))).allowed
    second = replaced(semesters(8), report("20201", ips="4.00"), report("20202", sks=21))
    decision = ruleset.reservation(record(second))
    assert failing(decision) == ("PIN-2.load",)
    assert decision.failures[0].field == "sksTaken"


@BOTH
def test_PIN_2_load_24_is_the_maximum_from_semester_3(ruleset: Ruleset) -> None:
    reports = replaced(semesters(8), report("20211", sks=24), report("20212", sks=25))
    decision = ruleset.reservation(record(reports))
    assert failing(decision) == ("PIN-2.load",)
    assert "20212" in decision.failures[0].message and decision.failures[0].field == "sksTaken"


@BOTH
def test_PIN_2_load_a_short_semester_carries_at_most_9_sks(ruleset: Ruleset) -> None:
    decision = ruleset.reservation(record([*semesters(8), report("20213", sks=9), report("20223", sks=10)]))
    assert failing(decision) == ("PIN-2.load",)
    assert "20223" in decision.failures[0].message and decision.failures[0].field == "sksTaken"


# PISN's reported semesters (PIN-8.reported_semesters) --------------------------------------------


@LEVELS
def test_PIN_8_reported_semesters_pisn_counts_them_for_d3_d4_s1_only(level: Level) -> None:
    minimum = PISN_MIN_REPORTED.get(level)
    if minimum is None:
        decision = PISN.reservation(record(studies(level, count=2), level=level))
        assert "PIN-8.reported_semesters" not in decision.rule_ids
        return
    assert failing(PISN.reservation(record(studies(level, count=minimum - 1), level=level))) == (
        "PIN-8.reported_semesters",
    )
    assert PISN.reservation(record(studies(level, count=minimum), level=level)).allowed


def test_PIN_8_reported_semesters_failure_names_its_field() -> None:
    decision = PISN.reservation(record(semesters(5, passed=120)))
    assert [(f.rule_id, f.field) for f in decision.failures] == [("PIN-8.reported_semesters", "semesterReports")]


def test_PIN_8_identity_number_failure_names_the_nik_field_at_pairing_too() -> None:
    decision = PISN.pairing(graduate(semesters(8), identity=False))
    assert [(f.rule_id, f.field) for f in decision.failures] == [("PIN-8.identity_number", "nik")]


def test_PIN_3_accreditation_and_graduation_failures_name_their_fields() -> None:
    unaccredited = record(semesters(8), graduation=graduate([]).graduation, accredited=False)
    assert [(f.rule_id, f.field) for f in R318.pairing(unaccredited).failures] == [
        ("PIN-3.accreditation", "accreditation")
    ]
    assert [(f.rule_id, f.field) for f in R318.pairing(record(semesters(8))).failures] == [
        ("PIN-3.graduated", "yudisium")
    ]


def test_PIN_2_reported_failure_names_its_field_and_nothing_reported_says_so() -> None:
    decision = R318.reservation(AcademicRecord(Level.S1, record([]).entry_period, (), True))
    assert (decision.failures[0].rule_id, decision.failures[0].field) == ("PIN-2.reported", "semesterReports")
    assert "no semester" in decision.failures[0].message
