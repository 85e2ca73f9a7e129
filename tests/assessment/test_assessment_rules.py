"""ASM-2 .. ASM-8 through the application, on SQLite and PostgreSQL: each rule at its boundary on both sides, and
a refused command appends nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.assessment.assessment import Assessment
from domain.assessment.certificate import Certificate, CertificateStatus
from domain.assessment.kinds import Mode, Stage
from domain.assessment.sop import Result, Step
from domain.audit import Role
from domain.errors import DomainError, NotAuthorized, RuleViolation
from tests.assessment.lsp import (
    ASESOR,
    BNSP,
    KABAG_ADMINISTRASI,
    KABAG_SERTIFIKASI,
    KETUA,
    LICENSED,
    LSP,
    OTHER_ASESOR,
    SKEMA,
    UNITS,
    Office,
    actor,
    asesi,
    asesor,
    member,
    unit_input,
    wib,
)
from tests.world import World

DAY = date(2024, 8, 1)  # a Thursday; the world's clock starts at 10:00 WIB on it


@pytest.fixture
def office(world: World) -> Office:
    return Office(world).setup()


def refused(office: Office, rule_id: str, command: Callable[[], Any]) -> RuleViolation:
    before = office.position()
    with pytest.raises(RuleViolation) as refusal:
        command()
    assert rule_id in refusal.value.rule_ids, refusal.value
    assert office.position() == before
    return refusal.value


def unchanged(office: Office, error: type[DomainError], command: Callable[[], Any]) -> None:
    before = office.position()
    with pytest.raises(error):
        command()
    assert office.position() == before


def assessment(office: Office, assessment_id: UUID) -> Assessment:
    return office.app.load(Assessment, assessment_id, "assessment", "")


# ASM-1: a skema of RMCS units, versioned -----------------------------------------------------------------------


def test_asm_1_every_failure_of_every_unit_is_named_and_nothing_is_published(office: Office) -> None:
    broken = unit_input("J.620100.004.02")
    bad = [broken, type(broken)(**{**broken.__dict__, "code": "J 1", "title": "\x00", "elements": []})]
    refusal = refused(
        office, "ASM-1", lambda: office.app.publish_skema(code="SKM/NEW", title="Baru", units=bad, cause=BNSP)
    )
    assert sorted(f.field for f in refusal.failures) == ["units[2].code", "units[2].elements", "units[2].title"]
    refused(
        office,
        "ASM-1.duplicate",
        lambda: office.app.publish_skema(code="SKM/NEW", title="Baru", units=[broken, broken], cause=BNSP),
    )


def test_asm_1_an_assessment_keeps_the_skema_version_it_was_opened_under(office: Office) -> None:
    first = office.open()
    office.app.publish_skema(code=SKEMA, title="Okupasi Programmer", units=[unit_input(UNITS[0])], cause=BNSP)
    second = office.open()
    assert (assessment(office, first).skema_version, assessment(office, second).skema_version) == (1, 2)
    assert list(assessment(office, first).units) == list(UNITS) and list(assessment(office, second).units) == [UNITS[0]]
    unchanged(office, NotAuthorized, lambda: office.app.publish_skema(code="X", title="X", units=[], cause=KETUA))


# ASM-2: within the licence, on the day of assessment ---------------------------------------------------------


def test_asm_2_licence_covers_the_last_day_not_the_day_after(office: Office) -> None:
    office.open(on=LICENSED[1])
    refused(office, "ASM-2.validity", lambda: office.open(on=LICENSED[1] + timedelta(days=1)))
    refused(office, "ASM-2.validity", lambda: office.open(on=LICENSED[0] - timedelta(days=1)))
    office.open(on=LICENSED[0])


def test_asm_2_only_skema_in_the_licence(office: Office) -> None:
    office.app.publish_skema(code="SKM/OTHER", title="Okupasi Lain", units=[unit_input("X.1")], cause=BNSP)
    refused(office, "ASM-2.scope", lambda: office.open(skema_code="SKM/OTHER"))


def test_asm_2_an_lsp_acts_only_for_itself(office: Office) -> None:
    stranger = actor(Role.KABAG_SERTIFIKASI, "x@other", "LSP-OTHER")
    unchanged(
        office,
        NotAuthorized,
        lambda: office.app.open_assessment(
            lsp_code=LSP,
            candidate_number="ASESI-0001",
            skema_code=SKEMA,
            assessed_on=DAY,
            tuk_code="TUK-01",
            mode=Mode.ONSITE,
            cause=stranger,
        ),
    )


# ASM-3: registration on the day, and no conflict of interest --------------------------------------------------


def test_asm_3_registration_valid_on_the_day_of_assessment(world: World) -> None:
    office = Office(world).setup(registered=(date(2023, 1, 1), DAY))
    office.assign(office.open(on=DAY))
    late = office.open(on=DAY + timedelta(days=1))
    refused(office, "ASM-3.registration", lambda: office.assign(late))
    refused(office, "ASM-3.registration", lambda: office.assign(late, "MET.000.999999 2021"))


def test_asm_3_same_employer_or_declared_relation_is_a_conflict(world: World) -> None:
    office = Office(world).setup(asesor_employer="pt contoh")  # the candidate works for "PT Contoh"
    assessment_id = office.open()
    refused(office, "ASM-3.conflict", lambda: office.assign(assessment_id))
    office.candidate("ASESI-0002", employer=None, nik="3171012345670002")
    other = office.open(candidate="ASESI-0002")
    office.app.declare_relation(lsp_code=LSP, candidate_number="ASESI-0002", cause=asesor(ASESOR))
    refused(office, "ASM-3.conflict", lambda: office.assign(other))


def test_asm_3_only_an_assigned_asesor_records(office: Office) -> None:
    assessment_id = office.open()
    office.assign(assessment_id)
    refused(office, "ASM-3.assignment", lambda: office.evidence(assessment_id, UNITS[0], 1, OTHER_ASESOR))


# ASM-4: evidence per element, K only when every unit is K -----------------------------------------------------


def test_asm_4_k_needs_evidence_meeting_the_four_rules_for_every_element(office: Office) -> None:
    assessment_id = office.open()
    office.assign(assessment_id)
    office.evidence(assessment_id, UNITS[0], 1)
    refused(office, "ASM-4.evidence", lambda: office.recommend(assessment_id, UNITS[0], Result.K))
    office.evidence(assessment_id, UNITS[0], 2, current=False)  # recorded as judged, but it supports no K
    refused(office, "ASM-4.evidence", lambda: office.recommend(assessment_id, UNITS[0], Result.K))
    office.evidence(assessment_id, UNITS[0], 2)
    office.recommend(assessment_id, UNITS[0], Result.K)
    office.recommend(assessment_id, UNITS[1], Result.BK)  # BK needs no evidence
    refused(office, "ASM-4", lambda: office.evidence(assessment_id, UNITS[0], 3))
    refused(office, "ASM-4", lambda: office.evidence(assessment_id, "J.999", 1))


def test_asm_4_one_bk_unit_makes_the_whole_bk(office: Office) -> None:
    assert assessment(office, office.assessed(Result.BK)).recommendation is Result.BK
    assert assessment(office, office.assessed(Result.K)).recommendation is Result.K


def test_asm_4_every_unit_needs_a_recommendation(office: Office) -> None:
    assessment_id = office.open()
    office.assign(assessment_id)
    office.recommend(assessment_id, UNITS[1], Result.BK)
    conclude = lambda: office.app.conclude_assessment(lsp_code=LSP, assessment_id=assessment_id, cause=asesor())  # noqa: E731
    refused(office, "ASM-4.incomplete", conclude)
    office.recommend(assessment_id, UNITS[0], Result.BK)
    assert conclude().next_step == Step.INVITE_COMMITTEE


def test_asm_4_the_plenary_cannot_make_a_bk_recommendation_k(office: Office) -> None:
    assessment_id = office.assessed(Result.BK)
    office.step(assessment_id, Step.INVITE_COMMITTEE, KABAG_SERTIFIKASI)
    office.step(assessment_id, Step.PREPARE_DOCUMENTS, KABAG_ADMINISTRASI)
    refused(office, "ASM-4", lambda: office.plenary(assessment_id, Result.K))


# ASM-5: remote assessment -------------------------------------------------------------------------------------


def test_asm_5_remote_needs_bnsp_approval(office: Office) -> None:
    refused(office, "ASM-5.approval", lambda: office.open(mode=Mode.REMOTE))


def test_asm_5_remote_needs_a_tuk_meeting_the_skema_requirements(world: World) -> None:
    office = Office(world).setup(remote=True)
    app = office.app
    refused(office, "ASM-5.tuk", lambda: office.open(mode=Mode.REMOTE))  # no requirements set for the skema
    office.require_remote("VIDEO_CONFERENCE", "SCREEN_SHARING")
    register = lambda facilities: app.register_tuk(  # noqa: E731
        lsp_code=LSP,
        tuk_code="TUK-DARING",
        name="Daring",
        kind="MANDIRI",
        facilities=facilities,
        cause=KABAG_SERTIFIKASI,
    )
    register(["VIDEO_CONFERENCE"])
    refused(office, "ASM-5.tuk", lambda: office.open(mode=Mode.REMOTE, tuk_code="TUK-DARING"))
    register(["VIDEO_CONFERENCE", "SCREEN_SHARING", "PROCTORING"])
    remote = office.open(mode=Mode.REMOTE, tuk_code="TUK-DARING")
    assert assessment(office, remote).mode is Mode.REMOTE


# ASM-6: the SOP -----------------------------------------------------------------------------------------------


def test_asm_6_a_step_before_its_predecessor_is_refused(office: Office) -> None:
    assessment_id = office.open()
    refused(office, "ASM-6.order", lambda: office.step(assessment_id, Step.INVITE_COMMITTEE, KABAG_SERTIFIKASI))
    assessment_id = office.assessed()
    refused(office, "ASM-6.order", lambda: office.step(assessment_id, Step.PREPARE_DOCUMENTS, KABAG_ADMINISTRASI))
    refused(office, "ASM-6.order", lambda: office.plenary(assessment_id))
    office.step(assessment_id, Step.INVITE_COMMITTEE, KABAG_SERTIFIKASI)
    refused(office, "ASM-6.order", lambda: office.step(assessment_id, Step.INVITE_COMMITTEE, KABAG_SERTIFIKASI))
    office.step(assessment_id, Step.PREPARE_DOCUMENTS, KABAG_ADMINISTRASI)
    office.plenary(assessment_id, Result.K)
    office.step(assessment_id, Step.ANNOUNCE_RESULT, KABAG_SERTIFIKASI, reference="SK/1")
    refused(office, "ASM-6.order", lambda: office.step(assessment_id, Step.ISSUE_BK_LETTER, KABAG_ADMINISTRASI, "S/1"))
    refused(office, "ASM-6.order", lambda: office.print(assessment_id, "REG-1"))


def test_asm_6_each_step_by_its_role(office: Office) -> None:
    assessment_id = office.assessed()
    unchanged(office, NotAuthorized, lambda: office.step(assessment_id, Step.INVITE_COMMITTEE, KABAG_ADMINISTRASI))
    unchanged(office, NotAuthorized, lambda: office.step(assessment_id, Step.INVITE_COMMITTEE, KETUA))


def test_asm_6_a_member_who_assessed_the_candidate_does_not_decide(office: Office) -> None:
    assessment_id = office.assessed()  # by ASESOR, who is committee member "komite-asesor"
    office.step(assessment_id, Step.INVITE_COMMITTEE, KABAG_SERTIFIKASI)
    office.step(assessment_id, Step.PREPARE_DOCUMENTS, KABAG_ADMINISTRASI)
    refused(office, "ASM-6.committee", lambda: office.plenary(assessment_id, members=("komite-a", "komite-asesor")))
    refused(office, "ASM-6.committee", lambda: office.plenary(assessment_id, members=("komite-a", "stranger")))
    office.plenary(assessment_id, members=("komite-a", "komite-b"))


def test_asm_6_due_in_office_hours_and_overdue_recorded(office: Office) -> None:
    office.at(wib(DAY, 15, 30))  # Thursday 15:30 WIB: half an hour of office left
    assessment_id = office.assessed()
    due = assessment(office, assessment_id).due
    assert due is not None and due.at == wib(DAY + timedelta(days=1), 8, 30)  # Friday 08:30
    office.at(wib(DAY + timedelta(days=1), 8, 30))
    receipt = office.step(assessment_id, Step.INVITE_COMMITTEE, KABAG_SERTIFIKASI)  # on time, to the minute
    assert receipt.due_at == wib(DAY + timedelta(days=1), 9, 30)
    office.at(wib(DAY + timedelta(days=1), 9, 31))
    office.step(assessment_id, Step.PREPARE_DOCUMENTS, KABAG_ADMINISTRASI)
    stored = [e for e in office.app.repository.event_store.get(assessment_id) if isinstance(e, Assessment.StepDone)]
    assert [e.overdue for e in stored] == [False, True]


def test_asm_6_blangko_takes_working_days(office: Office) -> None:
    office.at(wib(DAY, 10))
    assessment_id = office.decided(Result.K)
    due = assessment(office, assessment_id).due
    # announced Thursday 1 August 2024 at 10:00; five working days: Fri, Mon, Tue, Wed, Thu (8 August)
    assert due is not None and due.step is Step.REQUEST_BLANGKO and due.at == wib(date(2024, 8, 8), 10)


def test_asm_6_bk_candidates_get_a_letter(office: Office) -> None:
    assessment_id = office.decided(Result.BK)
    refused(office, "ASM-6.order", lambda: office.blangko(assessment_id, "0001"))
    refused(office, "ASM-6", lambda: office.step(assessment_id, Step.ISSUE_BK_LETTER, KABAG_ADMINISTRASI, " "))
    receipt = office.step(assessment_id, Step.ISSUE_BK_LETTER, KABAG_ADMINISTRASI, "SKBK/2024/007")
    assert receipt.stage == Stage.NOT_YET_COMPETENT and receipt.next_step == Step.HAND_OVER  # the letter, step 10


# ASM-7: blangko used once, certificates -----------------------------------------------------------------------


def test_asm_7_full_path_to_a_signed_certificate(office: Office) -> None:
    office.at(wib(DAY, 9))
    assessment_id = office.certified(blangko="0012345", registration="62090 2512 3 0000001 2024")
    assert assessment(office, assessment_id).stage is Stage.CERTIFIED
    certificate = office.app.load(Certificate, Certificate.create_id("62090 2512 3 0000001 2024"), "c", "")
    assert certificate.blangko_number == "0012345" and certificate.issued_on == DAY
    assert certificate.valid_until == date(2027, 7, 31)
    assert certificate.status_on(date(2027, 7, 31)) is CertificateStatus.VALID
    assert certificate.status_on(date(2027, 8, 1)) is CertificateStatus.EXPIRED
    office.app.revoke_certificate(
        lsp_code=LSP, registration_number="62090 2512 3 0000001 2024", reason="fraud", cause=KETUA
    )
    certificate = office.app.load(Certificate, certificate.id, "c", "")
    assert certificate.status_on(DAY) is CertificateStatus.REVOKED


def test_asm_7_a_blangko_number_is_used_once(office: Office) -> None:
    first, second = office.decided(), office.decided()
    office.receive("0000100", "0000101")
    refused(office, "ASM-7.blangko", lambda: office.receive("0000101"))
    refused(office, "ASM-7.blangko", lambda: office.receive("0000102", "0000102"))
    refused(office, "ASM-7.blangko", lambda: office.blangko(first, "0009999"))  # never received
    office.blangko(first, "0000100")
    refused(office, "ASM-7.blangko", lambda: office.blangko(second, "0000100"))
    office.blangko(second, "0000101")
    office.print(first, "REG-0001")
    refused(office, "ASM-7.registration", lambda: office.print(second, "REG-0001"))


def test_asm_7_a_blangko_number_is_used_once_under_concurrent_requests(office: Office) -> None:
    contenders = [office.decided() for _ in range(4)]
    office.receive("0000200")
    start = threading.Barrier(len(contenders))
    outcomes: list[str] = []

    def take(assessment_id: UUID) -> None:
        start.wait()
        try:
            office.blangko(assessment_id, "0000200")
            outcomes.append("won")
        except RuleViolation as refusal:
            outcomes.append(refusal.failures[0].rule_id)

    threads = [threading.Thread(target=take, args=(a,)) for a in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ASM-7.blangko"] * 3 + ["won"]
    holders = [a for a in contenders if Step.REQUEST_BLANGKO in assessment(office, a).steps]
    assert len(holders) == 1


def test_asm_7_numbers_kept_in_their_canonical_form(office: Office) -> None:
    refused(office, "ASM-7.number", lambda: office.receive("00\x0012"))
    refused(office, "ASM-7.number", lambda: office.receive("x" * 41))
    office.receive(" bl-2024/0001 ")
    assessment_id = office.decided()
    office.blangko(assessment_id, "ＢＬ-2024/0001")  # the same blangko, typed in full-width letters
    assert assessment(office, assessment_id).references[Step.REQUEST_BLANGKO] == "BL-2024/0001"


# ASM-8: appeal ------------------------------------------------------------------------------------------------


def test_asm_8_appeal_within_fourteen_days_of_the_announced_bk(office: Office) -> None:
    office.at(wib(DAY, 9))
    assessment_id = office.decided(Result.BK)

    def appeal(who: str = "ASESI-0001") -> object:
        grounds = "Bukti portofolio belum dinilai"
        return office.app.appeal(lsp_code=LSP, assessment_id=assessment_id, grounds=grounds, cause=asesi(who))

    unchanged(office, NotAuthorized, lambda: appeal("ASESI-9999"))
    office.at(wib(DAY + timedelta(days=15), 9))
    refused(office, "ASM-8.deadline", appeal)
    office.at(wib(DAY + timedelta(days=14), 9))
    appeal()
    refused(office, "ASM-8", appeal)
    k = office.decided(Result.K)
    refused(office, "ASM-8", lambda: office.app.appeal(lsp_code=LSP, assessment_id=k, grounds="x", cause=asesi()))


def test_asm_8_decided_by_people_who_did_not_make_the_decision(office: Office) -> None:
    assessment_id = office.decided(Result.BK)
    office.app.appeal(lsp_code=LSP, assessment_id=assessment_id, grounds="Asesor keliru", cause=asesi())
    decide = lambda who, upheld=True: office.app.decide_appeal(  # noqa: E731
        lsp_code=LSP, assessment_id=assessment_id, upheld=upheld, remark="Ditinjau ulang", cause=who
    )
    refused(office, "ASM-8.independence", lambda: decide(member("komite-a")))  # sat in the plenary
    refused(office, "ASM-8.independence", lambda: decide(member("komite-asesor")))  # the asesor, as a member
    unchanged(office, NotAuthorized, lambda: decide(asesor(OTHER_ASESOR)))
    receipt = decide(KETUA)
    assert receipt.stage == Stage.ASSESSING
    reopened = assessment(office, assessment_id)
    assert reopened.recommendation is None and reopened.steps == {} and reopened.asesors == set()
    refused(office, "ASM-8.reassessment", lambda: office.assign(assessment_id, ASESOR))
    office.assign(assessment_id, OTHER_ASESOR)


def test_asm_8_a_dismissed_appeal_leaves_the_bk_and_its_letter_due(office: Office) -> None:
    assessment_id = office.decided(Result.BK)
    office.app.appeal(lsp_code=LSP, assessment_id=assessment_id, grounds="Asesor keliru", cause=asesi())
    refused(office, "ASM-6.order", lambda: office.step(assessment_id, Step.ISSUE_BK_LETTER, KABAG_ADMINISTRASI, "S/1"))
    receipt = office.app.decide_appeal(
        lsp_code=LSP, assessment_id=assessment_id, upheld=False, remark="Bukti tidak memadai", cause=KETUA
    )
    assert receipt.stage == Stage.IN_SOP and receipt.next_step == Step.ISSUE_BK_LETTER
    office.step(assessment_id, Step.ISSUE_BK_LETTER, KABAG_ADMINISTRASI, "SKBK/1")


# From review: the appeal and its reopened round ---------------------------------------------------------------


def _appeal_upheld(office: Office) -> UUID:
    assessment_id = office.decided(Result.BK)
    office.app.appeal(lsp_code=LSP, assessment_id=assessment_id, grounds="Asesor keliru", cause=asesi())
    office.app.decide_appeal(lsp_code=LSP, assessment_id=assessment_id, upheld=True, remark="Diterima", cause=KETUA)
    return assessment_id


def test_asm_8_a_reopened_assessment_needs_its_own_evidence(office: Office) -> None:
    assessment_id = _appeal_upheld(office)
    office.assign(assessment_id, OTHER_ASESOR)
    refused(office, "ASM-4.evidence", lambda: office.recommend(assessment_id, UNITS[0], Result.K, OTHER_ASESOR))
    for element in (1, 2):
        office.evidence(assessment_id, UNITS[0], element, OTHER_ASESOR)
    office.recommend(assessment_id, UNITS[0], Result.K, OTHER_ASESOR)


def test_asm_8_one_appeal_per_decision(office: Office) -> None:
    assessment_id = office.decided(Result.BK)
    appeal = lambda: office.app.appeal(lsp_code=LSP, assessment_id=assessment_id, grounds="x", cause=asesi())  # noqa: E731
    appeal()
    office.app.decide_appeal(lsp_code=LSP, assessment_id=assessment_id, upheld=False, remark="Tetap", cause=KETUA)
    refused(office, "ASM-8", appeal)


def test_asm_8_a_dismissed_member_or_a_stranger_does_not_decide_the_appeal(office: Office) -> None:
    assessment_id = office.decided(Result.BK)  # assessed by ASESOR, who is member "komite-asesor"
    office.app.appeal(lsp_code=LSP, assessment_id=assessment_id, grounds="Asesor keliru", cause=asesi())
    office.app.dismiss_committee_member(lsp_code=LSP, member_id="komite-asesor", cause=KETUA)
    decide = lambda who: office.app.decide_appeal(  # noqa: E731
        lsp_code=LSP, assessment_id=assessment_id, upheld=True, remark="x", cause=who
    )
    unchanged(office, NotAuthorized, lambda: decide(member("komite-asesor")))  # no longer a member
    unchanged(office, NotAuthorized, lambda: decide(member("nobody")))
    office.app.declare_asesor_number(lsp_code=LSP, asesor_number=ASESOR, cause=KETUA)  # the Ketua is that asesor
    refused(office, "ASM-8.independence", lambda: decide(KETUA))


def test_asm_8_a_plenary_member_does_not_reassess_after_the_appeal(office: Office) -> None:
    office.app.appoint_committee_member(lsp_code=LSP, member_id="komite-b", asesor_number=OTHER_ASESOR, cause=KETUA)
    assessment_id = _appeal_upheld(office)  # komite-b (OTHER_ASESOR) decided the overturned plenary
    refused(office, "ASM-8.reassessment", lambda: office.assign(assessment_id, OTHER_ASESOR))


def test_asm_6_a_plenary_names_at_most_fifty_members(office: Office) -> None:
    assessment_id = office.assessed()
    office.step(assessment_id, Step.INVITE_COMMITTEE, KABAG_SERTIFIKASI)
    office.step(assessment_id, Step.PREPARE_DOCUMENTS, KABAG_ADMINISTRASI)
    for n in range(51):
        office.app.appoint_committee_member(lsp_code=LSP, member_id=f"m-{n}", asesor_number=None, cause=KETUA)
    refused(
        office, "ASM-6.committee", lambda: office.plenary(assessment_id, members=tuple(f"m-{n}" for n in range(51)))
    )


# From review: entitlements are checked again when the judgement is recorded ----------------------------------


def test_asm_5_remote_approval_withdrawn_before_the_judgement(world: World) -> None:
    office = Office(world).setup(remote=True)
    app = office.app
    office.require_remote("VIDEO_CONFERENCE")
    app.register_tuk(
        lsp_code=LSP,
        tuk_code="TUK-DARING",
        name="Daring",
        kind="MANDIRI",
        facilities=["VIDEO_CONFERENCE"],
        cause=KABAG_SERTIFIKASI,
    )
    assessment_id = office.open(mode=Mode.REMOTE, tuk_code="TUK-DARING")
    office.assign(assessment_id)
    app.license_lsp(
        lsp_code=LSP,
        kind="FIRST_PARTY",
        skema_codes=[SKEMA],
        valid_from=LICENSED[0],
        valid_until=LICENSED[1],
        cause=BNSP,
    )
    office.recommend(assessment_id, UNITS[0], Result.BK)  # an amended licence keeps its approval (ASM-5.approval)
    office.apply_remote(technology="Aplikasi baru")  # a new SOP: decided afresh, and BNSP refuses it
    app.decide_remote_assessment(lsp_code=LSP, number=2, approved=False, reason="SOP tidak lengkap", cause=BNSP)
    refused(office, "ASM-5.approval", lambda: office.recommend(assessment_id, UNITS[1], Result.BK))


def test_asm_3_a_conflict_arising_after_the_assignment(office: Office) -> None:
    assessment_id = office.open()
    office.assign(assessment_id)
    office.app.declare_relation(lsp_code=LSP, candidate_number="ASESI-0001", cause=asesor())
    refused(office, "ASM-3.conflict", lambda: office.recommend(assessment_id, UNITS[0], Result.BK))


# From review: inputs ------------------------------------------------------------------------------------------


def test_another_kind_of_aggregate_id_is_not_found(office: Office) -> None:
    from domain.assessment.licence import Licence
    from domain.errors import NotFound

    unchanged(office, NotFound, lambda: office.assign(Licence.create_id(LSP)))


def test_asm_7_a_candidate_number_is_never_an_identity_number(office: Office) -> None:
    refused(office, "ASM-7.holder", lambda: office.candidate("3171012345670009", nik="3171012345670009"))
    refused(office, "ASM-7.holder", lambda: office.candidate("3171012345670010", nik="3171012345670011"))


# ASM-2, ASM-3 (decided): judged on the assessment day, once; recording the K/BK later does not judge them again -


def test_asm_2_3_a_licence_and_registration_ending_on_the_assessment_day_still_take_k_and_bk_the_day_after(
    world: World,
) -> None:
    office = Office(world).setup(licensed=(date(2024, 1, 1), DAY), registered=(date(2023, 1, 1), DAY))
    assessment_id = office.open(on=DAY)
    office.assign(assessment_id)
    for element in (1, 2):
        office.evidence(assessment_id, UNITS[0], element)
    office.at(wib(DAY + timedelta(days=1)))  # both ended yesterday
    office.recommend(assessment_id, UNITS[0], Result.K)
    office.recommend(assessment_id, UNITS[1], Result.BK)
    office.app.conclude_assessment(lsp_code=LSP, assessment_id=assessment_id, cause=asesor())
    recorded = assessment(office, assessment_id)
    assert recorded.recommendation is Result.BK and recorded.stage is Stage.IN_SOP


def test_asm_2_3_the_day_after_the_licence_or_registration_ends_is_refused_when_scheduled(world: World) -> None:
    office = Office(world).setup(licensed=(date(2024, 1, 1), DAY), registered=(date(2023, 1, 1), DAY))
    refusal = refused(office, "ASM-2.validity", lambda: office.open(on=DAY + timedelta(days=1)))
    assert refusal.failures[0].field == "assessedOn"
    other = Office(world)
    other.app.license_lsp(
        lsp_code=LSP,
        kind="FIRST_PARTY",
        skema_codes=[SKEMA],
        valid_from=date(2024, 1, 1),
        valid_until=DAY + timedelta(days=1),
        cause=BNSP,
    )
    late = office.open(on=DAY + timedelta(days=1))
    refused(office, "ASM-3.registration", lambda: office.assign(late))


def test_asm_2_3_a_renewal_after_the_assessment_day_does_not_undo_the_judgement(world: World) -> None:
    office = Office(world).setup()
    assessment_id = office.open(on=DAY)
    office.assign(assessment_id)
    renewed = (date(2027, 1, 1), date(2029, 12, 31))  # the new terms start after the assessment day
    office.app.license_lsp(
        lsp_code=LSP,
        kind="FIRST_PARTY",
        skema_codes=[SKEMA],
        valid_from=renewed[0],
        valid_until=renewed[1],
        cause=BNSP,
    )
    office.app.register_asesor(
        asesor_number=ASESOR,
        employer="Politeknik Negeri",
        skema_code=SKEMA,
        valid_from=renewed[0],
        valid_until=renewed[1],
        cause=BNSP,
    )
    office.recommend(assessment_id, UNITS[0], Result.BK)
    stored = office.app.recorder.select_notifications(office.position(), 1)[0]
    recorded = office.app.mapper.to_domain_event(stored)
    assert isinstance(recorded, Assessment.UnitRecommended)
    assert recorded.rule_ids == ("ASM-4", "ASM-2.assessment-day")
