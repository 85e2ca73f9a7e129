"""ASM-3 .. ASM-8: what the assessment's decisions record and the refusals cite (issue 31, item 1: gaps an outside
mutation run found, each a wrong rule no test noticed). Evidence for an element the unit has, evidence of one unit
supporting only that unit, each refusal's rule id and field, and the rule ids of each decision event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.assessment.assessment import Assessment
from domain.assessment.sop import Result, Step
from domain.errors import RuleViolation
from tests.assessment.lsp import (
    ASESOR,
    KABAG_ADMINISTRASI,
    KABAG_SERTIFIKASI,
    KETUA,
    LSP,
    UNITS,
    Office,
    asesi,
    member,
    wib,
)
from tests.world import World

DAY = date(2024, 8, 1)  # a Thursday


@pytest.fixture
def office(world: World) -> Office:
    return Office(world).setup()


def refused(office: Office, rule_id: str, field: str, command: Callable[[], Any]) -> None:
    before = office.position()
    with pytest.raises(RuleViolation) as refusal:
        command()
    [failure] = refusal.value.failures
    assert (failure.rule_id, failure.field) == (rule_id, field), refusal.value
    assert office.position() == before


def recorded(office: Office, assessment_id: UUID) -> dict[str, list[tuple[str, ...]]]:
    """Each kind of event the assessment recorded, with the rule ids of each."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for event in office.app.repository.event_store.get(assessment_id):
        found.setdefault(type(event).__name__, []).append(tuple(getattr(event, "rule_ids", ())))
    return found


def test_ASM_4_evidence_for_an_element_the_unit_has(office: Office) -> None:
    assessment_id = office.open()
    office.assign(assessment_id)
    refused(office, "ASM-4", "element", lambda: office.evidence(assessment_id, UNITS[0], 0))
    refused(office, "ASM-4", "element", lambda: office.evidence(assessment_id, UNITS[0], 3))
    refused(office, "ASM-4", "unitCode", lambda: office.evidence(assessment_id, "J.999", 1))
    office.evidence(assessment_id, UNITS[0], 1)
    office.evidence(assessment_id, UNITS[0], 2)


def test_ASM_4_evidence_of_another_unit_supports_no_K_here(office: Office) -> None:
    assessment_id = office.open()
    office.assign(assessment_id)
    for element in (1, 2):
        office.evidence(assessment_id, UNITS[1], element)
    office.evidence(assessment_id, UNITS[0], 1)
    refused(office, "ASM-4.evidence", "recommendation", lambda: office.recommend(assessment_id, UNITS[0], Result.K))
    refused(office, "ASM-4", "unitCode", lambda: office.recommend(assessment_id, "J.999", Result.BK))
    office.recommend(assessment_id, UNITS[1], Result.K)
    office.evidence(assessment_id, UNITS[0], 2)
    office.recommend(assessment_id, UNITS[0], Result.K)


def test_ASM_3_no_asesor_is_assigned_after_the_assessment_is_concluded(office: Office) -> None:
    assessment_id = office.assessed()
    refused(office, "ASM-3", "asesorNumber", lambda: office.assign(assessment_id, ASESOR))


def test_each_decision_of_a_certified_assessment_records_its_rules(office: Office) -> None:
    assessment_id = office.certified()
    events = recorded(office, assessment_id)
    assert events["AsesorAssigned"] == [("ASM-3", "ASM-2.assessment-day")]  # the registration judged on that day
    assert set(events["UnitRecommended"]) == {("ASM-4", "ASM-2.assessment-day")} and len(events["UnitRecommended"]) == 2
    assert events["Concluded"] == [("ASM-4",)]
    for event in office.app.repository.event_store.get(assessment_id):
        if type(event).__name__ in ("UnitRecommended", "Concluded"):
            assert event.asesor_number == ASESOR and event.recommendation is Result.K
        if type(event).__name__ == "UnitRecommended":
            assert event.unit_code in UNITS
    assert events["PlenaryDecided"] == [("ASM-4", "ASM-6", "ASM-6.identity", "ASM-9")]  # and the review now due
    before_blangko, with_blangko = Step.REQUEST_BLANGKO, []
    steps = office.app.repository.event_store.get(assessment_id)
    for event in steps:
        if type(event).__name__ == "StepDone":
            assert event.rule_ids == (("ASM-6",) if event.step < before_blangko else ("ASM-6", "ASM-7")), event.step
            with_blangko.append(event.step)
    assert Step.REQUEST_BLANGKO in with_blangko and Step.INVITE_COMMITTEE in with_blangko


def test_an_appeal_and_its_decision_record_their_rules(office: Office) -> None:
    assessment_id = office.decided(Result.BK)
    office.app.appeal(lsp_code=LSP, assessment_id=assessment_id, grounds="Asesor keliru", cause=asesi())
    office.app.decide_appeal(lsp_code=LSP, assessment_id=assessment_id, upheld=False, remark="Ditolak", cause=KETUA)
    events = recorded(office, assessment_id)
    assert events["Appealed"] == [("ASM-8",)]
    assert events["AppealDecided"] == [("ASM-8", "ASM-6.identity")]
    by_kind = {type(e).__name__: e for e in office.app.repository.event_store.get(assessment_id)}
    appealed, decided = by_kind["Appealed"], by_kind["AppealDecided"]
    assert (appealed.grounds, appealed.on) == ("Asesor keliru", office.world.clock.now.date())
    assert (decided.upheld, decided.decided_by, decided.remark) == (False, "ketua@lsp", "Ditolak")
    assert decided.due is not None and decided.due.step is Step.ISSUE_BK_LETTER
    reopened = office.app.load(Assessment, assessment_id, "assessment", "")
    assert reopened.appealed and reopened.appeals == 1


def appeal(office: Office, assessment_id: UUID) -> None:
    office.app.appeal(lsp_code=LSP, assessment_id=assessment_id, grounds="Asesor keliru", cause=asesi())


def test_ASM_8_only_an_announced_BK_is_appealed_once_each_refusal_naming_the_assessment(office: Office) -> None:
    office.at(wib(DAY, 9))
    assessment_id = office.assessed(Result.BK)
    office.step(assessment_id, Step.INVITE_COMMITTEE, KABAG_SERTIFIKASI)
    office.step(assessment_id, Step.PREPARE_DOCUMENTS, KABAG_ADMINISTRASI)
    office.plenary(assessment_id, Result.BK)
    refused(office, "ASM-8", "assessmentId", lambda: appeal(office, assessment_id))  # BK, not announced yet
    office.step(assessment_id, Step.ANNOUNCE_RESULT, KABAG_SERTIFIKASI, reference="SK/LSP/2024/081")
    decide = lambda who: office.app.decide_appeal(  # noqa: E731
        lsp_code=LSP, assessment_id=assessment_id, upheld=False, remark="Ditolak", cause=who
    )
    refused(office, "ASM-8", "assessmentId", lambda: decide(KETUA))  # no appeal pending
    office.at(wib(DAY + timedelta(days=15), 9))
    refused(office, "ASM-8.deadline", "assessmentId", lambda: appeal(office, assessment_id))
    office.at(wib(DAY + timedelta(days=14), 9))
    appeal(office, assessment_id)
    refused(office, "ASM-8", "assessmentId", lambda: appeal(office, assessment_id))  # pending
    refused(office, "ASM-8.independence", "decidedBy", lambda: decide(member("komite-a")))
    decide(KETUA)
    refused(office, "ASM-8", "assessmentId", lambda: appeal(office, assessment_id))  # decided once


def test_ASM_6_overdue_after_the_due_moment_while_in_the_SOP_only(office: Office) -> None:
    assessment_id = office.assessed()
    opened = office.app.load(Assessment, assessment_id, "assessment", "")
    assert opened.due is not None
    due = opened.due.at
    assert not opened.overdue_at(due - timedelta(seconds=1))
    assert not opened.overdue_at(due)
    assert opened.overdue_at(due + timedelta(seconds=1))
    appealed_id = office.decided(Result.BK)
    appeal(office, appealed_id)
    pending = office.app.load(Assessment, appealed_id, "assessment", "")
    assert pending.due is not None and not pending.overdue_at(pending.due.at + timedelta(days=365))


def test_ASM_8_an_upheld_appeal_or_one_dismissed_after_the_letter_records_no_new_due(office: Office) -> None:
    upheld = office.decided(Result.BK)
    appeal(office, upheld)
    office.app.decide_appeal(lsp_code=LSP, assessment_id=upheld, upheld=True, remark="Diterima", cause=KETUA)
    lettered = office.decided(Result.BK)
    office.step(lettered, Step.ISSUE_BK_LETTER, KABAG_ADMINISTRASI, "SKBK/2024/007")
    appeal(office, lettered)
    office.app.decide_appeal(lsp_code=LSP, assessment_id=lettered, upheld=False, remark="Ditolak", cause=KETUA)
    for assessment_id in (upheld, lettered):
        (decided,) = [
            e for e in office.app.repository.event_store.get(assessment_id) if type(e).__name__ == "AppealDecided"
        ]
        assert decided.due is None
