"""Issue 7, defect 9: a mistyped period (99992, entry 99991, 00001) ruined a record for good (PIN-0, PIN-2).

PIN-2 (decided): a period after the decision day (Asia/Jakarta) is refused as input (PIN-0); so is one before
1950 (decided). A report made in error can be withdrawn (``withdrawSemesterReport``, a reason required): an
event on the student, and the eligibility read model and the reservation rules then see the record without it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from api.auth import mint
from application.registry.pddikti_import import import_pddikti
from domain.audit import Actor, Role
from domain.errors import RuleViolation
from domain.registry.period import Period
from domain.registry.record import SemesterReport, SemesterStatus
from domain.registry.student import Student
from infra.bootstrap import Container
from tests.api.test_graphql import OPERATOR, OTHER_OPERATOR, SECRET, Client, mutate, register_cohort
from tests.application.test_pddikti_import import PROGRAMME_LINE, UNIVERSITY_LINE, jsonl, semester_line, student_line
from tests.world import OPERATOR as OPERATOR_CAUSE
from tests.world import PRODI, UNIVERSITY, Clock, World, position, report

UNIVERSITY_FEED = mint(SECRET, subject="pddikti@contoh", role=Role.PDDIKTI_SYNC, institution=UNIVERSITY)


def semester(period: str, passed: int = 180) -> dict[str, object]:
    return {
        "universityCode": UNIVERSITY,
        "nim": "2020001",
        "period": period,
        "status": "ACTIVE",
        "sksTaken": 20,
        "ips": "3.50",
        "ipk": "3.50",
        "sksPassed": passed,
    }


@pytest.mark.parametrize("period", ["99992", "99991", "20242", "00001", "19492"])
def test_PIN_0_a_report_for_a_period_after_the_decision_day_or_before_1950_is_refused(
    client: Client, container: Container, period: str
) -> None:
    register_cohort(client)  # the clock: 2024-08-01 in Jakarta
    before = position(container)
    refused = mutate(client, "reportSemester", "ReportSemesterInput", OPERATOR, **semester(period))
    assert (refused["__typename"], refused["ruleId"], refused["field"]) == ("RuleViolation", "PIN-0", "period")
    assert position(container) == before


def test_PIN_0_the_running_semester_is_accepted(client: Client, container: Container) -> None:
    register_cohort(client)
    accepted = mutate(client, "reportSemester", "ReportSemesterInput", OPERATOR, **semester("20241"))
    assert accepted["__typename"] == "Accepted" and accepted["changed"]


@pytest.mark.parametrize("entry", ["99991", "00001", "20242", "19491"])
def test_PIN_0_an_entry_period_after_the_decision_day_or_before_1950_is_refused(
    client: Client, container: Container, entry: str
) -> None:
    register_cohort(client)
    before = position(container)
    refused = mutate(
        client,
        "registerStudent",
        "RegisterStudentInput",
        OPERATOR,
        universityCode=UNIVERSITY,
        nim="2024009",
        prodiCode=PRODI,
        entryPeriod=entry,
        fullName="Budi Santoso",
        nik="3171234567890009",
    )
    assert (refused["__typename"], refused["ruleId"], refused["field"]) == ("RuleViolation", "PIN-0", "entryPeriod")
    assert position(container) == before


def test_PIN_0_the_decision_day_is_the_day_in_Jakarta(world: World, clock: Clock) -> None:
    world.university()
    world.programme()
    world.student()
    clock.now = datetime(2024, 12, 31, 16, 59, tzinfo=UTC)  # 23:59 in Jakarta: genap 20242 has not begun
    with pytest.raises(RuleViolation) as refused:
        world.report("2020001", report("20242"))
    assert refused.value.rule_ids == ("PIN-0",)
    clock.now = datetime(2024, 12, 31, 17, 0, tzinfo=UTC)  # 1 January 2025 in Jakarta
    assert world.report("2020001", report("20242")).position is not None


def test_PIN_0_the_import_refuses_a_future_period_line_by_line(world: World) -> None:
    lines = jsonl(
        UNIVERSITY_LINE,
        PROGRAMME_LINE,
        student_line("2020001"),
        student_line("2020002", entry_period="99991", nik="3171234567890002"),
        semester_line("20201"),
        semester_line("99992"),
    )
    report_ = import_pddikti(world.app, lines, actor=Actor("sync", Role.PDDIKTI_SYNC, None), source="defect-09")
    assert report_.applied == 4
    assert {(e.line_number, e.rule_id, e.field) for e in report_.errors} == {
        (4, "PIN-0", "entryPeriod"),
        (6, "PIN-0", "period"),
    }


# Withdrawal ------------------------------------------------------------------------------------------------


def eligibility(client: Client, at: int) -> dict[str, object]:
    body = client.gql(
        'query($p: Int) { ninaEligibility(universityCode: "001002", nim: "2020001", position: $p) '
        "{ __typename ... on NinaEligibility { reservation { allowed failures { ruleId } } } } }",
        OPERATOR,
        p=at,
    )
    assert "errors" not in body, body
    return body["data"]["ninaEligibility"]["reservation"]


def withdraw(client: Client, token: str, period: str, reason: str | None = "mistyped period") -> dict[str, object]:
    return mutate(
        client,
        "withdrawSemesterReport",
        "WithdrawSemesterReportInput",
        token,
        universityCode=UNIVERSITY,
        nim="2020001",
        period=period,
        reason=reason,
    )


def store_legacy_report(container: Container, period: Period) -> None:
    """A report the old code accepted (99992), written as it was then: straight into the log."""
    app = container.services.diploma.commands
    student = app.repository.get(Student.create_id(UNIVERSITY, "2020001"))
    legacy = SemesterReport(period, SemesterStatus.ACTIVE, 20, Decimal("3.50"), Decimal("3.50"), 180)
    student._semester_reported(
        university_code=UNIVERSITY, nim="2020001", report=legacy, supersedes=False, cause=OPERATOR_CAUSE
    )
    app.save(student)


def test_PIN_0_a_wrongly_accepted_report_is_withdrawn_and_the_rules_see_the_record_without_it(
    client: Client, container: Container, world: World
) -> None:
    register_cohort(client)  # eligible: 8 semesters from 20201
    store_legacy_report(container, Period(9999, 2))
    blocked = eligibility(client, position(container))
    assert not blocked["allowed"] and {"ruleId": "PIN-2.reported"} in blocked["failures"]

    withdrawn = withdraw(client, OPERATOR, "99992", reason="typed 99992 for 20232")
    assert withdrawn["__typename"] == "Accepted" and withdrawn["changed"], withdrawn
    event = world.events(after=withdrawn["position"] - 1)[0]
    assert isinstance(event, Student.SemesterReportWithdrawn)
    assert event.period == Period(9999, 2) and event.cause.reason == "typed 99992 for 20232"
    assert event.cause.actor.id == "operator@contoh"

    assert eligibility(client, withdrawn["position"]) == {"allowed": True, "failures": []}
    reserved = mutate(client, "reserveNina", "ReserveNinaInput", OPERATOR, universityCode=UNIVERSITY, nim="2020001")
    assert reserved["__typename"] == "NinaAccepted"


def test_PIN_0_a_withdrawn_period_can_be_reported_again(client: Client, container: Container) -> None:
    register_cohort(client)
    withdrawn = withdraw(client, UNIVERSITY_FEED, "20232")  # the university's own PDDIKTI feed may withdraw
    assert withdrawn["__typename"] == "Accepted"
    assert {"ruleId": "PIN-2.reported"} not in eligibility(client, withdrawn["position"])["failures"]  # now latest
    again = mutate(client, "reportSemester", "ReportSemesterInput", OPERATOR, **semester("20232", passed=160))
    assert again["__typename"] == "Accepted" and again["changed"]
    assert eligibility(client, again["position"]) == {"allowed": True, "failures": []}


@pytest.mark.parametrize(
    ("token", "period", "reason", "expected"),
    [
        (OPERATOR, "20232", None, ("RuleViolation", "PIN-0", "reason")),
        (OPERATOR, "20232", " \u200b", ("RuleViolation", "PIN-0", "reason")),
        (OPERATOR, "20241", "never reported", ("RuleViolation", "PIN-0", "period")),
        (OPERATOR, "2023２", "fullwidth", ("RuleViolation", "PIN-0", "period")),
        (OTHER_OPERATOR, "20232", "not theirs", ("NotAuthorized",)),
    ],
    ids=["no-reason", "invisible-reason", "not-reported", "malformed", "other-university"],
)
def test_PIN_0_a_withdrawal_is_refused_without_a_reason_a_report_or_the_right_and_appends_nothing(
    client: Client, container: Container, token: str, period: str, reason: str | None, expected: tuple[str, ...]
) -> None:
    register_cohort(client)
    before = position(container)
    refused = withdraw(client, token, period, reason)
    got = (
        (refused["__typename"], refused["ruleId"], refused["field"]) if len(expected) == 3 else (refused["__typename"],)
    )
    assert got == expected, refused
    assert position(container) == before
