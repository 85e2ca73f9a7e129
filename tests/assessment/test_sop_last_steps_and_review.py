"""ASM-6 steps 9 and 10 and ASM-9 through the application, on SQLite and PostgreSQL: each step after the one it
depends on and by its role, both sides of the 10-minute and 7-day boundaries, the receipt and the review's
findings parsed at the edge, and a refused command appends nothing (issue 30)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.assessment.assessment import Assessment
from domain.assessment.handover import Receiver
from domain.assessment.kinds import Stage
from domain.assessment.people import Asesi
from domain.assessment.review import Findings
from domain.assessment.sop import Result, Step
from domain.audit import Cause
from domain.errors import NotAuthorized, RuleViolation
from tests.assessment.lsp import (
    KABAG_ADMINISTRASI,
    KABAG_SERTIFIKASI,
    KETUA,
    LSP,
    OTHER_ASESOR,
    Office,
    asesi,
    asesor,
    member,
    wib,
)
from tests.projections.test_read_models import dump
from tests.world import World

DAY = date(2024, 8, 1)  # a Thursday
FRIDAY = DAY + timedelta(days=1)
FINDINGS = {
    "planning": "Rencana asesmen sesuai skema.",
    "evidence": "Bukti valid, asli, terkini dan memadai.",
    "decision": "Keputusan sesuai rekomendasi asesor.",
    "records": "Rekaman lengkap dan diarsipkan.",
}


@pytest.fixture
def office(world: World) -> Office:
    return Office(world).setup()


def refused(office: Office, rule_id: str, field: str, command: Callable[[], Any]) -> None:
    before = office.position()
    with pytest.raises(RuleViolation) as refusal:
        command()
    assert (rule_id, field) in [(f.rule_id, f.field) for f in refusal.value.failures], refusal.value
    assert office.position() == before, "a refused command appended an event"


def unauthorized(office: Office, command: Callable[[], Any]) -> None:
    before = office.position()
    with pytest.raises(NotAuthorized):
        command()
    assert office.position() == before


def events(office: Office, assessment_id: UUID) -> list[Any]:
    return list(office.app.repository.event_store.get(assessment_id))


def archive(office: Office, assessment_id: UUID, cause: Cause = KABAG_ADMINISTRASI) -> Any:
    return office.step(assessment_id, Step.ARCHIVE_CERTIFICATE, cause, reference="ARSIP/2024/08/001")


def hand_over(office: Office, assessment_id: UUID, cause: Cause = KABAG_ADMINISTRASI, **kw: Any) -> Any:
    given: dict[str, Any] = {"receiver": Receiver.HOLDER, **kw}
    return office.app.hand_over(lsp_code=LSP, assessment_id=assessment_id, cause=cause, **given)


REVIEWER = member("komite-b")  # an appointed member who assessed no one


def review(office: Office, assessment_id: UUID, cause: Cause = REVIEWER, **kw: Any) -> Any:
    return office.app.review_process(lsp_code=LSP, assessment_id=assessment_id, cause=cause, **{**FINDINGS, **kw})


# ASM-6 steps 9 and 10 --------------------------------------------------------------------------------------------


def test_asm_6_archive_and_hand_over_each_within_ten_office_minutes_on_either_side(office: Office) -> None:
    office.at(wib(DAY, 10))
    certified = office.certified()
    office.at(wib(DAY, 10, 10))  # step 9 due 10 minutes after the signature: on time to the minute
    receipt = archive(office, certified)
    assert (receipt.stage, receipt.next_step, receipt.due_at) == (Stage.CERTIFIED, 10, wib(DAY, 10, 20))
    office.at(wib(DAY, 10, 20) + timedelta(seconds=1))  # a second late
    receipt = hand_over(office, certified)
    assert (receipt.stage, receipt.next_step, receipt.due_at) == (Stage.CERTIFIED, None, None)
    stored = events(office, certified)
    archived = [e for e in stored if isinstance(e, Assessment.StepDone) and e.step is Step.ARCHIVE_CERTIFICATE]
    (handed,) = [e for e in stored if isinstance(e, Assessment.HandedOver)]
    assert [(e.overdue, e.reference, e.rule_ids) for e in archived] == [
        (False, "ARSIP/2024/08/001", ("ASM-6", "ASM-7"))
    ]
    assert (handed.overdue, handed.rule_ids, handed.receipt.receiver) == (True, ("ASM-6",), Receiver.HOLDER)
    assert handed.receipt.representative is None and handed.at == wib(DAY, 10, 20) + timedelta(seconds=1)
    finished = office.app.load(Assessment, certified, "a", "")  # still CERTIFIED, with nothing left due (ASM-6)
    assert finished.due is None and not finished.overdue_at(wib(DAY, 10, 20) + timedelta(days=365))


def test_asm_6_ten_minutes_are_office_minutes(office: Office) -> None:
    office.at(wib(DAY, 15, 55))  # signed five minutes before closing: five today, five on Friday
    certified = office.certified()
    due = office.app.load(Assessment, certified, "a", "").due
    assert due is not None and (due.step, due.at) == (Step.ARCHIVE_CERTIFICATE, wib(FRIDAY, 8, 5))
    office.at(wib(FRIDAY, 8, 5) + timedelta(seconds=1))
    archive(office, certified)
    (archived,) = [e for e in events(office, certified) if getattr(e, "step", None) is Step.ARCHIVE_CERTIFICATE]
    assert archived.overdue is True


def test_asm_6_order_the_last_steps_wait_for_the_ones_they_depend_on(office: Office) -> None:
    decided = office.decided(Result.K)
    refused(office, "ASM-6.order", "step", lambda: archive(office, decided))  # not yet signed
    refused(office, "ASM-6.order", "step", lambda: hand_over(office, decided))
    certified = office.certified(blangko="0012346", registration="REG-2")
    refused(office, "ASM-6.order", "step", lambda: hand_over(office, certified))  # not yet archived
    archive(office, certified)
    refused(office, "ASM-6.order", "step", lambda: archive(office, certified))  # once
    hand_over(office, certified)
    refused(office, "ASM-6.order", "step", lambda: hand_over(office, certified))  # once: the SOP is finished


def test_asm_6_order_a_bk_letter_is_handed_over_after_step_5_and_has_no_archive_step(office: Office) -> None:
    office.at(wib(DAY, 10))
    bk = office.decided(Result.BK)
    refused(office, "ASM-6.order", "step", lambda: hand_over(office, bk))  # no letter yet
    receipt = office.step(bk, Step.ISSUE_BK_LETTER, KABAG_ADMINISTRASI, "SKBK/2024/007")
    assert (receipt.stage, receipt.next_step, receipt.due_at) == (Stage.NOT_YET_COMPETENT, 10, wib(DAY, 10, 10))
    refused(office, "ASM-6.order", "step", lambda: archive(office, bk))  # no certificate to archive
    office.at(wib(DAY, 10, 10))
    hand_over(office, bk, receiver=Receiver.REPRESENTATIVE, representative_name="Budi", representative_relation="ayah")
    (handed,) = [e for e in events(office, bk) if isinstance(e, Assessment.HandedOver)]
    assert handed.overdue is False


def test_asm_6_the_last_steps_by_their_role(office: Office) -> None:
    certified = office.certified()
    unauthorized(office, lambda: archive(office, certified, KABAG_SERTIFIKASI))
    unauthorized(office, lambda: archive(office, certified, KETUA))
    archive(office, certified)
    unauthorized(office, lambda: hand_over(office, certified, KETUA))
    unauthorized(office, lambda: hand_over(office, certified, asesi()))


def test_asm_6_receipt_names_a_representative_and_their_relation_or_no_one(office: Office) -> None:
    certified = office.certified()
    archive(office, certified)
    by = Receiver.REPRESENTATIVE
    refused(office, "ASM-6.receipt", "representativeName", lambda: hand_over(office, certified, receiver=by))
    refused(
        office,
        "ASM-6.receipt",
        "representativeRelation",
        lambda: hand_over(office, certified, receiver=by, representative_name="Budi Santoso"),
    )
    refused(
        office,
        "ASM-6.receipt",
        "representativeName",
        lambda: hand_over(office, certified, representative_name="Budi Santoso"),  # the holder names no one
    )
    for bad in ("Budi\x00", "B" * 201, "Budi\u200b"):
        refused(
            office,
            "ASM-6.receipt",
            "representativeName",
            lambda bad=bad: hand_over(
                office, certified, receiver=by, representative_name=bad, representative_relation="ayah"
            ),
        )
    refused(
        office,
        "ASM-6.receipt",
        "representativeRelation",
        lambda: hand_over(office, certified, receiver=by, representative_name="Budi", representative_relation="a" * 61),
    )
    hand_over(
        office, certified, receiver=by, representative_name="Budi Santo\u0301so", representative_relation="a" * 60
    )
    (handed,) = [e for e in events(office, certified) if isinstance(e, Assessment.HandedOver)]
    sealed = handed.receipt.representative
    assert sealed is not None and sealed.subject_id == Asesi.create_id(LSP, "ASESI-0001")
    assert "Budi" not in sealed.ciphertext  # personal data only sealed, with the holder's key
    person = office.app.sealer.unseal(sealed)
    assert person is not None and person.full_name == "Budi Sant\u00f3so"  # NFC
    assert handed.receipt.relation == "a" * 60


def test_asm_6_a_dismissed_appeal_after_the_letter_leaves_step_10_due_as_it_was(office: Office) -> None:
    office.at(wib(DAY, 10))
    bk = office.decided(Result.BK)
    office.step(bk, Step.ISSUE_BK_LETTER, KABAG_ADMINISTRASI, "SKBK/2024/007")
    office.app.appeal(lsp_code=LSP, assessment_id=bk, grounds="Asesor keliru", cause=asesi())
    refused(office, "ASM-6.order", "step", lambda: hand_over(office, bk))  # not while the appeal is pending
    office.at(wib(DAY, 14))
    receipt = office.app.decide_appeal(lsp_code=LSP, assessment_id=bk, upheld=False, remark="Tetap", cause=KETUA)
    assert (receipt.stage, receipt.next_step, receipt.due_at) == (Stage.NOT_YET_COMPETENT, 10, wib(DAY, 10, 10))
    hand_over(office, bk)


# ASM-9: reviewing the assessment process -------------------------------------------------------------------------


def test_asm_9_due_seven_days_after_the_plenary_late_is_recorded_as_overdue(office: Office) -> None:
    office.at(wib(DAY, 10))
    on_time, late = office.decided(Result.K), office.decided(Result.BK)
    (plenary,) = [e for e in events(office, on_time) if isinstance(e, Assessment.PlenaryDecided)]
    assert plenary.review_due == wib(DAY + timedelta(days=7), 10) and "ASM-9" in plenary.rule_ids
    office.at(wib(DAY + timedelta(days=7), 10))
    review(office, on_time)
    office.at(wib(DAY + timedelta(days=7), 10) + timedelta(seconds=1))
    review(office, late, follow_up="Pelatihan ulang asesor tentang rekaman.")
    (first,) = [e for e in events(office, on_time) if isinstance(e, Assessment.ProcessReviewed)]
    (second,) = [e for e in events(office, late) if isinstance(e, Assessment.ProcessReviewed)]
    assert (first.overdue, second.overdue) == (False, True)
    assert first.rule_ids == ("ASM-9", "ASM-6.identity") and first.reviewer == "komite-b"
    assert first.findings.planning == FINDINGS["planning"] and first.findings.follow_up is None
    assert second.findings.follow_up == "Pelatihan ulang asesor tentang rekaman."


def test_asm_9_order_after_the_plenary_and_once(office: Office) -> None:
    assessed = office.assessed()
    refused(office, "ASM-9.order", "assessmentId", lambda: review(office, assessed))
    decided = office.decided()
    review(office, decided)
    refused(office, "ASM-9.order", "assessmentId", lambda: review(office, decided, cause=member("komite-a")))


def test_asm_9_independence_not_the_asesor_under_any_number_they_ever_held(office: Office) -> None:
    decided = office.decided()  # assessed by ASESOR, held by committee member "komite-asesor"
    refused(office, "ASM-9.independence", "reviewerId", lambda: review(office, decided, member("komite-asesor")))
    office.app.change_asesor_number(
        lsp_code=LSP,
        person_id="komite-asesor",
        asesor_number=OTHER_ASESOR,
        cause=Cause(KABAG_ADMINISTRASI.actor, request_id="req", reason="Registrasi ulang BNSP"),
    )
    refused(office, "ASM-9.independence", "reviewerId", lambda: review(office, decided, member("komite-asesor")))
    review(office, decided, member("komite-a"))


def test_asm_9_recorded_by_an_appointed_committee_member_only(office: Office) -> None:
    decided = office.decided()
    unauthorized(office, lambda: review(office, decided, KABAG_SERTIFIKASI))
    unauthorized(office, lambda: review(office, decided, KETUA))
    unauthorized(office, lambda: review(office, decided, asesor(OTHER_ASESOR)))
    refused(office, "ASM-9.reviewer", "reviewerId", lambda: review(office, decided, member("stranger")))
    office.app.dismiss_committee_member(lsp_code=LSP, member_id="komite-b", cause=KETUA)
    refused(office, "ASM-9.reviewer", "reviewerId", lambda: review(office, decided, member("komite-b")))


def test_asm_9_findings_in_four_areas_bounded_nfc_and_without_control_characters(office: Office) -> None:
    decided = office.decided()
    for area in ("planning", "evidence", "decision", "records"):
        refused(office, "ASM-9", area, lambda area=area: review(office, decided, **{area: "  "}))
        refused(office, "ASM-9", area, lambda area=area: review(office, decided, **{area: "x" * 2001}))
        refused(office, "ASM-9", area, lambda area=area: review(office, decided, **{area: "ok\x00"}))
    refused(office, "ASM-9", "followUp", lambda: review(office, decided, follow_up="y" * 2001))
    refused(office, "ASM-9", "followUp", lambda: review(office, decided, follow_up="a\x07"))
    review(office, decided, planning="x" * 2000, records="Cate\u0301gori\nbaris dua", follow_up="y" * 2000)
    (reviewed,) = [e for e in events(office, decided) if isinstance(e, Assessment.ProcessReviewed)]
    assert reviewed.findings.records == "Catégori\nbaris dua" and len(reviewed.findings.planning) == 2000


def test_asm_9_a_review_still_owed_when_an_appeal_reopens_keeps_its_due_time(office: Office) -> None:
    office.at(wib(DAY, 10))
    bk = office.decided(Result.BK)
    office.app.appeal(lsp_code=LSP, assessment_id=bk, grounds="Asesor keliru", cause=asesi())
    office.app.decide_appeal(lsp_code=LSP, assessment_id=bk, upheld=True, remark="Diterima", cause=KETUA)
    reopened = office.app.load(Assessment, bk, "a", "")
    assert reopened.stage is Stage.ASSESSING and reopened.review_due == wib(DAY + timedelta(days=7), 10)
    review(office, bk)  # the overturned round's process is reviewed while the new round runs


def test_the_receipts_and_reviews_rebuilt_equal_the_live_read_model(office: Office, world: World) -> None:
    office.at(wib(DAY, 10))
    certified, bk = office.certified(), office.decided(Result.BK)
    archive(office, certified)
    hand_over(
        office, certified, receiver=Receiver.REPRESENTATIVE, representative_name="Budi", representative_relation="ayah"
    )
    office.step(bk, Step.ISSUE_BK_LETTER, KABAG_ADMINISTRASI, "SKBK/2024/007")
    review(office, certified)
    world.project()
    worker = world.container.worker
    tables = worker.projections["assessments"].tables
    live = dump(worker.store, tables)
    assert live["asm_hand_overs"] and live["asm_process_reviews"]
    worker.rebuild("assessments")
    assert dump(worker.store, tables) == live


def test_asm_9_a_plenary_stored_before_asm_9_loads_and_owes_a_review_without_a_due_time(office: Office) -> None:
    decided = office.decided()
    stored = events(office, decided)
    for e in stored:
        if isinstance(e, Assessment.PlenaryDecided):
            del e.__dict__["review_due"]  # as a log from before issue 30 stores it
    replayed: Any = None
    for e in stored:
        replayed = e.mutate(replayed)
    assert replayed.review_owed and replayed.review_due is None
    (plenary,) = [e for e in stored if isinstance(e, Assessment.PlenaryDecided)]
    mapper = office.app.mapper
    old = mapper.to_stored_event(plenary)
    assert b"review_due" not in old.state and mapper.to_domain_event(old).review_due is None
    office.at(wib(DAY + timedelta(days=30), 10))
    late = replayed  # an old decision's review is recorded, never overdue: none was due
    late.review_process("komite-b", frozenset(), Findings.parse(**FINDINGS), wib(DAY + timedelta(days=30)), REVIEWER)
    (reviewed,) = late.collect_events()
    assert isinstance(reviewed, Assessment.ProcessReviewed) and reviewed.overdue is False
