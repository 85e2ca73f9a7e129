"""PIN-2, PIN-3, PIN-8: the reservation and pairing rules, pure, on records built by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.diploma.ruleset import Decision, Ruleset, RulesetBook
from domain.registry.level import Level
from domain.registry.period import Period
from domain.registry.record import AcademicRecord, Graduation, SemesterReport, SemesterStatus
from tests.world import regular_periods, report

BOOK = RulesetBook.shipped()
R318 = BOOK.get("318/B/HK/2019")
PISN = BOOK.get("PISN-2021")
BOTH = pytest.mark.parametrize("ruleset", [R318, PISN], ids=["318-B-HK-2019", "PISN-2021"])

RESERVATION_318 = ("PIN-2.reported", "PIN-2.load", "PIN-2.ipk", "PIN-2.sks", "PIN-2.study_time")
PAIRING_318 = (
    "PIN-3.graduated",
    "PIN-3.accreditation",
    "PIN-3.load",
    "PIN-3.ipk",
    "PIN-3.sks",
    "PIN-3.study_time",
)
PISN_ADDITIONS = ("PIN-8.reported_semesters", "PIN-8.identity_number")
YUDISIUM = Graduation("SK/YUD/2024/07", date(2024, 7, 20))


def semesters(
    count: int, *, entry: str = "20201", sks: int = 20, ips: str = "3.50", ipk: str = "3.50", passed: int = 160
) -> list[SemesterReport]:
    """``count`` regular semesters from ``entry``; the last one reports ``ipk`` and ``passed`` in all."""
    periods = regular_periods(entry, count)
    return [
        report(p, sks=sks, ips=ips, ipk=ipk if i == count else "3.50", passed=passed if i == count else sks * i)
        for i, p in enumerate(periods, start=1)
    ]


def replaced(reports: list[SemesterReport], *changes: SemesterReport) -> list[SemesterReport]:
    """The reports with each change replacing the report of its period (or added)."""
    by_period = {r.period: r for r in reports}
    by_period.update({c.period: c for c in changes})
    return list(by_period.values())


def record(
    reports: list[SemesterReport],
    *,
    level: Level = Level.S1,
    entry: str = "20201",
    identity: bool = True,
    graduation: Graduation | None = None,
    accredited: bool = False,
) -> AcademicRecord:
    return AcademicRecord(
        level=level,
        entry_period=Period.parse(entry),
        reports=tuple(sorted(reports, key=lambda r: r.period)),
        has_identity_number=identity,
        graduation=graduation,
        accredited_at_graduation=accredited,
    )


def graduate(reports: list[SemesterReport], **kw: object) -> AcademicRecord:
    return record(reports, graduation=YUDISIUM, accredited=True, **kw)  # type: ignore[arg-type]


def failing(decision: Decision) -> tuple[str, ...]:
    return tuple(f.rule_id for f in decision.failures)


# Which ruleset, and what a decision records (PIN-8) -------------------------------------------


def test_PIN_8_the_318_ruleset_is_in_force_in_2020_and_pisn_2021_from_2021() -> None:
    assert BOOK.in_force(date(2020, 6, 1)).id == "318/B/HK/2019"
    assert BOOK.in_force(date(2024, 8, 1)).id == "PISN-2021"
    assert BOOK.in_force(date(2019, 11, 14)).id == "318/B/HK/2019"
    assert BOOK.in_force(date(2020, 12, 31)).id == "318/B/HK/2019"
    assert BOOK.in_force(date(2021, 1, 1)).id == "PISN-2021"


def test_PIN_8_no_ruleset_is_in_force_before_decree_318_took_effect() -> None:
    with pytest.raises(LookupError):
        BOOK.in_force(date(2019, 11, 13))


def test_PIN_8_the_shipped_rulesets_carry_the_thresholds_of_the_brief() -> None:
    for ruleset in (R318, PISN):
        assert ruleset.min_ipk[Level.S1] == Decimal("2.00") and ruleset.min_ipk[Level.S2] == Decimal("3.00")
        assert ruleset.reservation_min_sks_passed == {
            Level.D1: 24, Level.D2: 48, Level.D3: 84, Level.D4: 120, Level.S1: 120, Level.S2: 12, Level.S3: 10
        }  # fmt: skip
        assert ruleset.pairing_min_sks_passed == {
            Level.D1: 36, Level.D2: 72, Level.D3: 108, Level.D4: 144, Level.S1: 144, Level.S2: 36, Level.S3: 42
        }  # fmt: skip
        assert ruleset.max_study_years == {
            Level.D1: 2, Level.D2: 3, Level.D3: 5, Level.D4: 7, Level.S1: 7, Level.S2: 4, Level.S3: 7
        }  # fmt: skip
    assert R318.min_reported_semesters == {} and not R318.requires_identity_number
    assert PISN.min_reported_semesters == {Level.D3: 6, Level.D4: 6, Level.S1: 6} and PISN.requires_identity_number


def test_PIN_8_a_318_reservation_decision_records_its_ruleset_rules_and_inputs() -> None:
    decision = R318.reservation(record(semesters(8)))
    assert decision.allowed and decision.failures == ()
    assert decision.ruleset_id == "318/B/HK/2019"
    assert decision.rule_ids == RESERVATION_318
    assert decision.inputs == {
        "level": "S1",
        "entry_period": "20201",
        "reported_periods": "20201,20202,20211,20212,20221,20222,20231,20232",
        "ipk": "3.50",
        "sks_passed": "160",
        "semesters_counted": "8",
        "has_identity_number": "true",
    }


def test_PIN_8_a_pisn_reservation_decision_for_a_bachelor_applies_the_pisn_rules_too() -> None:
    decision = PISN.reservation(record(semesters(8)))
    assert decision.allowed
    assert decision.ruleset_id == "PISN-2021"
    assert decision.rule_ids == RESERVATION_318 + PISN_ADDITIONS


def test_PIN_8_a_pisn_decision_for_a_master_does_not_count_reported_semesters() -> None:
    decision = PISN.reservation(record(semesters(2, passed=24), level=Level.S2))
    assert decision.allowed
    assert decision.rule_ids == (*RESERVATION_318, "PIN-8.identity_number")


def test_PIN_8_a_pairing_decision_records_its_rules_and_the_yudisium_it_saw() -> None:
    decision = PISN.pairing(graduate(semesters(8)))
    assert decision.allowed
    assert decision.rule_ids == PAIRING_318 + PISN_ADDITIONS
    assert decision.inputs["yudisium_number"] == "SK/YUD/2024/07"
    assert decision.inputs["yudisium_date"] == "2024-07-20"
    assert decision.inputs["accredited_at_graduation"] == "true"
    assert R318.pairing(graduate(semesters(8))).rule_ids == PAIRING_318


def test_PIN_8_a_fresh_ruleset_records_each_decision_kinds_rule_ids_from_its_first_decision() -> None:
    """Issue 35: a ruleset works out each kind of decision's checks and rule ids once, on its first such decision
    (for a level whose reported semesters count, and for one whose do not); a ruleset fresh from its file records
    them on that first decision as on every later one."""
    book = RulesetBook.shipped()
    r318, pisn = book.get("318/B/HK/2019"), book.get("PISN-2021")
    assert r318.pairing(graduate(semesters(8))).rule_ids == PAIRING_318
    assert pisn.pairing(graduate(semesters(8))).rule_ids == PAIRING_318 + PISN_ADDITIONS
    assert pisn.pairing(graduate(semesters(2, passed=24), level=Level.S2)).rule_ids == (
        *PAIRING_318,
        "PIN-8.identity_number",
    )
    assert r318.reservation(record(semesters(8))).rule_ids == RESERVATION_318
    assert pisn.reservation(record(semesters(8))).rule_ids == RESERVATION_318 + PISN_ADDITIONS
    assert pisn.reservation(record(semesters(2, passed=24), level=Level.S2)).rule_ids == (
        *RESERVATION_318,
        "PIN-8.identity_number",
    )


def test_PIN_2_every_failing_rule_is_reported_not_only_the_first() -> None:
    decision = R318.reservation(record(semesters(8, ipk="1.99", passed=119)))
    assert failing(decision) == ("PIN-2.ipk", "PIN-2.sks")
    assert [f.field for f in decision.failures] == ["ipk", "sksPassed"]


# IPK -------------------------------------------------------------------------------------------


@BOTH
def test_PIN_2_bachelor_reservation_refused_below_ipk_2_00(ruleset: Ruleset) -> None:
    assert failing(ruleset.reservation(record(semesters(8, ipk="1.99")))) == ("PIN-2.ipk",)


@BOTH
def test_PIN_2_bachelor_reservation_allowed_at_ipk_2_00(ruleset: Ruleset) -> None:
    assert ruleset.reservation(record(semesters(8, ipk="2.00"))).allowed


@BOTH
def test_PIN_2_master_reservation_refused_below_ipk_3_00(ruleset: Ruleset) -> None:
    decision = ruleset.reservation(record(semesters(4, ipk="2.99", passed=40), level=Level.S2))
    assert failing(decision) == ("PIN-2.ipk",)


@BOTH
def test_PIN_2_master_reservation_allowed_at_ipk_3_00(ruleset: Ruleset) -> None:
    assert ruleset.reservation(record(semesters(4, ipk="3.00", passed=40), level=Level.S2)).allowed


def test_PIN_2_the_ipk_that_counts_is_the_latest_reported_one() -> None:
    reports = semesters(8, ipk="3.50")
    low_before = replaced(reports, report("20231", ipk="1.50", passed=140))
    assert R318.reservation(record(low_before)).allowed
    assert failing(R318.reservation(record([*reports, report("20233", sks=6, ipk="1.99", passed=166)]))) == (
        "PIN-2.ipk",
    )


@BOTH
def test_PIN_3_bachelor_pairing_refused_below_ipk_2_00_and_allowed_at_2_00(ruleset: Ruleset) -> None:
    assert failing(ruleset.pairing(graduate(semesters(8, ipk="1.99")))) == ("PIN-3.ipk",)
    assert ruleset.pairing(graduate(semesters(8, ipk="2.00"))).allowed


# sks passed ------------------------------------------------------------------------------------


@BOTH
def test_PIN_2_bachelor_reservation_refused_below_120_sks_passed(ruleset: Ruleset) -> None:
    decision = ruleset.reservation(record(semesters(8, passed=119)))
    assert failing(decision) == ("PIN-2.sks",)
    assert decision.failures[0].field == "sksPassed"


@BOTH
def test_PIN_2_bachelor_reservation_allowed_at_120_sks_passed(ruleset: Ruleset) -> None:
    assert ruleset.reservation(record(semesters(8, passed=120))).allowed


@BOTH
def test_PIN_3_bachelor_pairing_refused_below_144_sks_passed(ruleset: Ruleset) -> None:
    assert failing(ruleset.pairing(graduate(semesters(8, passed=143)))) == ("PIN-3.sks",)


@BOTH
def test_PIN_3_bachelor_pairing_allowed_at_144_sks_passed(ruleset: Ruleset) -> None:
    assert ruleset.pairing(graduate(semesters(8, passed=144))).allowed


# Semester load -----------------------------------------------------------------------------------
# Entry 20201: semester 1 is 20201, semester 2 is 20202, semester 3 is 20211 (its previous is 20202).


@BOTH
def test_PIN_2_load_refused_above_24_sks_even_for_a_high_achiever(ruleset: Ruleset) -> None:
    reports = replaced(semesters(8), report("20202", ips="4.00"), report("20211", sks=25))
    decision = ruleset.reservation(record(reports))
    assert failing(decision) == ("PIN-2.load",)
    assert decision.failures[0].field == "sksTaken"


@BOTH
def test_PIN_2_load_allows_24_sks_in_semester_3_after_a_semester_gpa_above_3_00(ruleset: Ruleset) -> None:
    reports = replaced(semesters(8), report("20202", ips="3.01"), report("20211", sks=24))
    assert ruleset.reservation(record(reports)).allowed


def test_PIN_2_load_refuses_24_sks_in_semester_3_after_a_semester_gpa_of_3_00() -> None:
    reports = replaced(semesters(8), report("20202", ips="3.00"), report("20211", sks=24))
    assert failing(R318.reservation(record(reports))) == ("PIN-2.load",)


def test_PIN_2_load_allows_20_sks_in_semester_1_without_any_previous_gpa() -> None:
    assert R318.reservation(record(replaced(semesters(8), report("20201", sks=20, ips="1.00")))).allowed


def test_PIN_2_load_refuses_21_sks_in_semester_2_even_after_a_perfect_semester() -> None:
    reports = replaced(semesters(8), report("20201", ips="4.00"), report("20202", sks=21))
    assert failing(R318.reservation(record(reports))) == ("PIN-2.load",)


def test_PIN_2_load_refuses_21_sks_in_semester_1() -> None:
    assert failing(R318.reservation(record(replaced(semesters(8), report("20201", sks=21))))) == ("PIN-2.load",)


def test_PIN_2_load_refuses_21_sks_in_semester_3_after_a_semester_gpa_of_exactly_3_00() -> None:
    reports = replaced(semesters(8), report("20202", ips="3.00"), report("20211", sks=21))
    assert failing(R318.reservation(record(reports))) == ("PIN-2.load",)


def test_PIN_2_load_allows_21_sks_in_semester_3_after_a_semester_gpa_of_3_01() -> None:
    reports = replaced(semesters(8), report("20202", ips="3.01"), report("20211", sks=21))
    assert R318.reservation(record(reports)).allowed


def test_PIN_2_load_looks_at_the_previous_regular_semester_not_a_short_one() -> None:
    reports = semesters(8)
    after_high = replaced(reports, report("20202", ips="3.50"), report("20203", sks=6, ips="1.00"))
    after_low = replaced(reports, report("20202", ips="2.50"), report("20203", sks=6, ips="4.00"))
    assert R318.reservation(record(replaced(after_high, report("20211", sks=22)))).allowed
    assert failing(R318.reservation(record(replaced(after_low, report("20211", sks=22))))) == ("PIN-2.load",)


@BOTH
def test_PIN_2_load_allows_9_sks_in_a_short_semester(ruleset: Ruleset) -> None:
    assert ruleset.reservation(record([*semesters(8), report("20213", sks=9)])).allowed


@BOTH
def test_PIN_2_load_refuses_10_sks_in_a_short_semester(ruleset: Ruleset) -> None:
    assert failing(ruleset.reservation(record([*semesters(8), report("20213", sks=10)]))) == ("PIN-2.load",)


def test_PIN_3_pairing_applies_the_load_rule_under_its_own_id() -> None:
    decision = R318.pairing(graduate([*semesters(8), report("20213", sks=10)]))
    assert failing(decision) == ("PIN-3.load",)


# Study time ------------------------------------------------------------------------------------


@BOTH
@pytest.mark.parametrize(
    ("level", "limit", "passed"), [(Level.D3, 10, 120), (Level.S1, 14, 160), (Level.S2, 8, 40)], ids=str
)
def test_PIN_2_study_time_allowed_at_the_limit_in_regular_semesters(
    ruleset: Ruleset, level: Level, limit: int, passed: int
) -> None:
    decision = ruleset.reservation(record(semesters(limit, passed=passed), level=level))
    assert decision.allowed
    assert decision.inputs["semesters_counted"] == str(limit)


@BOTH
@pytest.mark.parametrize(
    ("level", "limit", "passed"), [(Level.D3, 10, 120), (Level.S1, 14, 160), (Level.S2, 8, 40)], ids=str
)
def test_PIN_2_study_time_refused_one_semester_past_the_limit(
    ruleset: Ruleset, level: Level, limit: int, passed: int
) -> None:
    decision = ruleset.reservation(record(semesters(limit + 1, passed=passed), level=level))
    assert failing(decision) == ("PIN-2.study_time",)


def test_PIN_2_study_time_does_not_count_a_semester_on_leave() -> None:
    reports = replaced(semesters(15), report("20221", sks=0, ips="0.00", status=SemesterStatus.ON_LEAVE))
    decision = R318.reservation(record(reports))
    assert decision.allowed
    assert decision.inputs["semesters_counted"] == "14"


def test_PIN_2_study_time_counts_from_entry_so_only_leave_from_entry_on_is_taken_off() -> None:
    # A report before entry is refused as input (PIN-0) today, but a record built before that check may hold one: the
    # study time still counts the regular semesters from entry, less the leave taken from entry on (the leave at entry
    # itself included), whatever lies before it.
    leave = SemesterStatus.ON_LEAVE
    reports = [
        report("20192", sks=0, ips="0.00", status=leave),
        *replaced(semesters(16), report("20201", sks=0, ips="0.00", status=leave)),
    ]
    decided = record(reports)
    assert decided.counted_semesters == 15
    decision = R318.reservation(decided)
    assert failing(decision) == ("PIN-2.study_time",)
    assert decision.inputs["semesters_counted"] == "15"


def test_PIN_2_study_time_counts_nothing_when_every_report_lies_before_entry() -> None:
    # No regular semester from entry to the latest reported: none counted (never a negative count).
    decided = record([report("20181"), report("20182")])
    assert decided.counted_semesters == 0
    assert R318.reservation(decided).inputs["semesters_counted"] == "0"


def test_PIN_2_reported_names_both_semesters_when_two_in_a_row_are_missing() -> None:
    decision = R318.reservation(record([report("20201"), report("20212"), report("20221")]))
    reported = [f for f in decision.failures if f.rule_id == "PIN-2.reported"]
    assert len(reported) == 1 and "missing 20202, 20211" in reported[0].message


def test_PIN_2_reported_a_report_before_entry_does_not_make_up_for_a_gap_after_it() -> None:
    # As many regular reports as the span from entry holds, one of them before entry: a semester is still missing.
    decision = R318.reservation(record([report("20192"), report("20201"), report("20211")]))
    reported = [f for f in decision.failures if f.rule_id == "PIN-2.reported"]
    assert len(reported) == 1 and "missing 20202" in reported[0].message


def test_PIN_2_study_time_counts_a_non_active_semester() -> None:
    reports = replaced(semesters(15), report("20221", sks=0, ips="0.00", status=SemesterStatus.NON_ACTIVE))
    assert failing(R318.reservation(record(reports))) == ("PIN-2.study_time",)


def test_PIN_2_study_time_does_not_count_short_semesters() -> None:
    reports = [*semesters(14), report("20213", sks=6), report("20223", sks=6)]
    decision = R318.reservation(record(reports))
    assert decision.allowed
    assert decision.inputs["semesters_counted"] == "14"


def test_PIN_3_pairing_refused_one_semester_past_the_study_time_limit() -> None:
    assert failing(R318.pairing(graduate(semesters(15)))) == ("PIN-3.study_time",)
    assert R318.pairing(graduate(semesters(14))).allowed


# Reported without a gap ------------------------------------------------------------------------


@BOTH
def test_PIN_2_reservation_refused_when_one_semester_is_missing(ruleset: Ruleset) -> None:
    reports = [r for r in semesters(8) if r.period != Period.parse("20212")]
    decision = ruleset.reservation(record(reports))
    assert failing(decision) == ("PIN-2.reported",)
    assert "20212" in decision.failures[0].message


def test_PIN_2_reservation_refused_when_the_entry_semester_is_missing() -> None:
    reports = semesters(8, entry="20201")
    assert failing(R318.reservation(record(reports, entry="20192"))) == ("PIN-2.reported",)


def test_PIN_2_a_missing_short_semester_is_not_a_gap() -> None:
    assert R318.reservation(record(semesters(8))).allowed  # no 20203, 20213, ... reported


def test_PIN_2_reservation_refused_when_nothing_was_reported() -> None:
    decision = R318.reservation(record([]))
    assert failing(decision) == ("PIN-2.reported", "PIN-2.ipk", "PIN-2.sks")


# PISN additions (PIN-8) --------------------------------------------------------------------------


def test_PIN_8_pisn_refuses_a_bachelor_with_5_reported_semesters() -> None:
    decision = PISN.reservation(record(semesters(5, passed=120)))
    assert failing(decision) == ("PIN-8.reported_semesters",)
    assert decision.failures[0].field == "semesterReports"


def test_PIN_8_pisn_allows_a_bachelor_with_6_reported_semesters() -> None:
    assert PISN.reservation(record(semesters(6, passed=120))).allowed


def test_PIN_8_pisn_counts_only_regular_semesters_as_reported() -> None:
    reports = [*semesters(5, entry="20202", passed=114), report("20223", sks=6, passed=120)]
    assert failing(PISN.reservation(record(reports, entry="20202"))) == ("PIN-8.reported_semesters",)


def test_PIN_8_pisn_refuses_a_diploma_3_student_with_5_reported_semesters_and_allows_6() -> None:
    assert failing(PISN.reservation(record(semesters(5, passed=100), level=Level.D3))) == ("PIN-8.reported_semesters",)
    assert PISN.reservation(record(semesters(6, passed=100), level=Level.D3)).allowed


def test_PIN_8_decree_318_does_not_require_6_reported_semesters() -> None:
    decision = R318.reservation(record(semesters(5, passed=120)))
    assert decision.allowed
    assert "PIN-8.reported_semesters" not in decision.rule_ids


def test_PIN_8_identity_number_pisn_refuses_a_student_without_nik_or_passport() -> None:
    decision = PISN.reservation(record(semesters(8), identity=False))
    assert failing(decision) == ("PIN-8.identity_number",)
    assert decision.failures[0].field == "nik"
    assert failing(PISN.pairing(graduate(semesters(8), identity=False))) == ("PIN-8.identity_number",)


def test_PIN_8_decree_318_does_not_require_a_nik() -> None:
    decision = R318.reservation(record(semesters(8), identity=False))
    assert decision.allowed
    assert "PIN-8.identity_number" not in decision.rule_ids


# Pairing preconditions -------------------------------------------------------------------------


@BOTH
def test_PIN_3_graduated_pairing_refused_before_yudisium(ruleset: Ruleset) -> None:
    decision = ruleset.pairing(record(semesters(8)))
    assert failing(decision) == ("PIN-3.graduated",)
    assert decision.failures[0].field == "yudisium"


@BOTH
def test_PIN_3_accreditation_pairing_refused_when_not_accredited_on_the_yudisium_date(ruleset: Ruleset) -> None:
    decision = ruleset.pairing(record(semesters(8), graduation=YUDISIUM, accredited=False))
    assert failing(decision) == ("PIN-3.accreditation",)
    assert "2024-07-20" in decision.failures[0].message


@BOTH
def test_PIN_3_pairing_allowed_for_an_accredited_graduate(ruleset: Ruleset) -> None:
    assert ruleset.pairing(graduate(semesters(8))).allowed


def test_PIN_2_a_short_semester_after_an_unreported_even_semester_is_a_gap() -> None:
    ruleset = RulesetBook.shipped().get("318/B/HK/2019")
    reports = (
        _gap_report("20201"),
        _gap_report("20202"),
        _gap_report("20211"),
        _gap_report("20213", sks=6),
    )
    record = AcademicRecord(Level.S1, Period.parse("20201"), reports, has_identity_number=True)
    failures = [f for f in ruleset.reservation(record).failures if f.rule_id == "PIN-2.reported"]
    assert len(failures) == 1 and "20212" in failures[0].message


def _gap_report(period: str, sks: int = 20) -> SemesterReport:
    return SemesterReport(Period.parse(period), SemesterStatus.ACTIVE, sks, Decimal("3.50"), Decimal("3.50"), 150)
