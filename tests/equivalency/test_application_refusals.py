"""EQV-2, EQV-3, EQV-4 and UU PDP on the application itself (issue 31, item 1: gaps an outside mutation run found,
each a wrong rule no test noticed): both sides of each check, the rule id and field of each refusal, and that a
refused command records nothing."""

from __future__ import annotations

from datetime import date

import pytest

from domain.audit import Cause
from domain.equivalency.application import Document, EquivalencyApplication
from domain.equivalency.kinds import Escalation, Status
from domain.errors import RuleViolation
from tests.equivalency.test_application_domain import DAY, TEAM, complete, file, registered


def refused(rule_id: str, field: str, attempt: pytest.ExceptionInfo[RuleViolation]) -> None:
    [failure] = attempt.value.failures
    assert (failure.rule_id, failure.field) == (rule_id, field)


def in_review() -> EquivalencyApplication:
    application = registered()
    complete(application)
    application.collect_events()
    return application


def test_EQV_2_a_supporting_document_nobody_asked_for_is_refused_and_accepted_once_asked() -> None:
    application = in_review()
    with pytest.raises(RuleViolation) as attempt:
        application.add_document(Document("STUDY_CHRONOLOGY", file(20), None), DAY, TEAM)
    refused("EQV-2", "itemCode", attempt)
    assert application.collect_events() == []
    application.escalate(Escalation.MORE_DOCUMENTS, "Kronologi", ("STUDY_CHRONOLOGY",), DAY, TEAM)
    application.add_document(Document("STUDY_CHRONOLOGY", file(20), None), DAY, TEAM)
    assert application.status is Status.IN_REVIEW


def test_EQV_1_the_clock_waits_until_every_requested_document_came() -> None:
    application = in_review()
    items = ("STUDY_CHRONOLOGY", "FULL_TIME_LETTER")
    application.escalate(Escalation.MORE_DOCUMENTS, "Dua dokumen", items, date(2026, 3, 4), TEAM)
    application.add_document(Document("STUDY_CHRONOLOGY", file(21), None), date(2026, 3, 5), TEAM)
    assert application.status is Status.WAITING_FOR_APPLICANT
    assert [(p.started, p.ended) for p in application.pauses] == [(date(2026, 3, 4), None)]
    application.add_document(Document("FULL_TIME_LETTER", file(22), None), date(2026, 3, 9), TEAM)
    assert application.status is Status.IN_REVIEW
    assert [(p.started, p.ended) for p in application.pauses] == [(date(2026, 3, 4), date(2026, 3, 9))]


@pytest.mark.parametrize("kind", [Escalation.EXPERT, Escalation.PLENARY, Escalation.EXTERNAL])
def test_EQV_3_only_a_request_for_more_documents_names_documents(kind: Escalation) -> None:
    application = in_review()
    with pytest.raises(RuleViolation) as attempt:
        application.escalate(kind, "Pendapat", ("STUDY_CHRONOLOGY",), DAY, TEAM)
    refused("EQV-3", "items", attempt)
    assert application.collect_events() == []
    assert application.escalate(kind, "Pendapat", (), DAY, TEAM) == 1
    [escalated] = application.collect_events()
    assert escalated.rule_ids == ("EQV-3",)  # type: ignore[attr-defined]


def test_EQV_3_a_request_for_more_documents_names_known_documents() -> None:
    application = in_review()
    for items in [(), ("NOT_AN_ITEM",)]:
        with pytest.raises(RuleViolation) as attempt:
            application.escalate(Escalation.MORE_DOCUMENTS, "Dokumen", items, DAY, TEAM)
        refused("EQV-3", "items", attempt)
    assert application.collect_events() == []


def test_EQV_3_an_escalation_is_answered_once_and_only_one_that_was_made() -> None:
    application = in_review()
    number = application.escalate(Escalation.EXPERT, "Pendapat ahli", (), DAY, TEAM)
    for wrong in (0, number + 1):
        with pytest.raises(RuleViolation) as attempt:
            application.answer_escalation(wrong, "setara", DAY, TEAM)
        refused("EQV-3", "number", attempt)
    application.answer_escalation(number, "setara", DAY, TEAM)
    with pytest.raises(RuleViolation) as attempt:
        application.answer_escalation(number, "tidak setara", DAY, TEAM)
    refused("EQV-3", "number", attempt)
    assert application.asked[0].outcome == "setara"


def test_EQV_4_a_deferral_lists_its_reasons_and_only_a_deferral_is_answered() -> None:
    application = in_review()
    with pytest.raises(RuleViolation) as attempt:
        application.answer_deferral("jawaban", DAY, TEAM)
    refused("EQV-4", "answer", attempt)
    with pytest.raises(RuleViolation) as attempt:
        application.defer((), DAY, TEAM)
    refused("EQV-4", "reasons", attempt)
    assert application.collect_events() == []
    application.defer(("Transkrip tidak lengkap",), date(2026, 3, 4), TEAM)
    assert application.status is Status.WAITING_FOR_APPLICANT
    [deferred] = application.collect_events()
    assert deferred.rule_ids == ("EQV-4",)  # type: ignore[attr-defined]
    application.answer_deferral("Transkrip terlampir", date(2026, 3, 6), TEAM)
    assert application.status is Status.IN_REVIEW and not application.deferral


def test_EQV_1_two_waits_for_the_applicant_are_two_pauses() -> None:
    application = in_review()
    application.escalate(Escalation.MORE_DOCUMENTS, "Kronologi", ("STUDY_CHRONOLOGY",), date(2026, 3, 3), TEAM)
    application.add_document(Document("STUDY_CHRONOLOGY", file(23), None), date(2026, 3, 5), TEAM)
    application.defer(("Transkrip",), date(2026, 3, 9), TEAM)
    application.answer_deferral("Terlampir", date(2026, 3, 12), TEAM)
    assert [(p.started, p.ended) for p in application.pauses] == [
        (date(2026, 3, 3), date(2026, 3, 5)),
        (date(2026, 3, 9), date(2026, 3, 12)),
    ]
    assert application.status is Status.IN_REVIEW


def test_UU_PDP_an_applicant_is_erased_once_with_its_ground() -> None:
    application = in_review()
    with pytest.raises(RuleViolation) as attempt:
        application.erase_applicant_data(TEAM)
    refused("PDP.erasure", "reason", attempt)
    grounded = Cause(TEAM.actor, TEAM.request_id, reason="the applicant asked")
    assert application.erase_applicant_data(grounded) is True
    assert [type(e) for e in application.collect_events()] == [EquivalencyApplication.ApplicantDataErased]
    assert application.erase_applicant_data(grounded) is False
    assert application.collect_events() == []
