"""The assessment context's read models on SQLite and PostgreSQL: an LSP's pipeline (overdue first), an asesor's
assignments, a candidate's assessments, certificates, and a student's certificates found through the registry's
NIK (ASM-7)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.assessment.sop import Result, Step
from projections.assessment.projection import utc_text
from tests.assessment.lsp import (
    ASESOR,
    CANDIDATE,
    KABAG_SERTIFIKASI,
    KETUA,
    LSP,
    NIK,
    SKEMA,
    UNITS,
    Office,
    asesi,
    wib,
)
from tests.world import World

DAY = date(2024, 8, 1)


@pytest.fixture
def office(world: World) -> Office:
    return Office(world).setup()


def test_pipeline_lists_candidates_by_step_overdue_first(office: Office, world: World) -> None:
    office.at(wib(DAY, 9))
    late = office.assessed()  # step 1 due at 10:00
    office.at(wib(DAY, 11))
    on_time = office.assessed()  # due at 12:00
    office.step(on_time, Step.INVITE_COMMITTEE, KABAG_SERTIFIKASI)  # step 2 due at 13:00
    office.candidate("ASESI-0002", nik="3171012345670002")
    assessing = office.open(candidate="ASESI-0002")
    world.project()
    view = world.container.services.assessment.view
    now = utc_text(wib(DAY, 11, 30))
    pipeline = view.pipeline(LSP, step=None, limit=10, offset=0)
    assert [r.assessment_id for r in pipeline] == [str(late), str(on_time)]
    assert [r.overdue(now) for r in pipeline] == [True, False]
    assert pipeline[0].candidate_name == "Siti Rahmawati" and pipeline[0].next_step == Step.INVITE_COMMITTEE
    assert [r.assessment_id for r in view.pipeline(LSP, step=2, limit=10, offset=0)] == [str(on_time)]
    everyone = view.pipeline(LSP, step=None, limit=10, offset=0, include_assessing=True)
    assert [r.assessment_id for r in everyone][-1] == str(assessing)
    assert [(c.step, c.candidates, c.overdue) for c in view.pipeline_counts(LSP, now)] == [(1, 1, 1), (2, 1, 0)]
    assert view.pipeline("LSP-OTHER", step=None, limit=10, offset=0) == []


def test_assignments_candidate_view_and_evidence(office: Office, world: World) -> None:
    assessment_id = office.assessed(Result.BK)
    world.project()
    view = world.container.services.assessment.view
    assert [r.assessment_id for r in view.assignments(ASESOR, active_only=True, limit=10, offset=0)] == [
        str(assessment_id)
    ]
    assert [r.assessment_id for r in view.of_candidate(LSP, CANDIDATE)] == [str(assessment_id)]
    row = view.assessment(str(assessment_id))
    assert row is not None and row.recommendation == "BK" and row.skema_code == SKEMA and row.stage == "IN_SOP"
    assert [(u.unit_code, u.recommendation) for u in view.units(str(assessment_id))] == [
        (UNITS[0], "K"),
        (UNITS[1], "BK"),
    ]
    evidence = view.evidence(str(assessment_id))
    assert len(evidence) == 4 and evidence[0].sha256 == office.evidence_sha and evidence[0].valid == 1


def test_appeal_upheld_reopens_the_row(office: Office, world: World) -> None:
    assessment_id = office.decided(Result.BK)
    office.app.appeal(lsp_code=LSP, assessment_id=assessment_id, grounds="Tinjau ulang", cause=asesi())
    office.app.decide_appeal(lsp_code=LSP, assessment_id=assessment_id, upheld=True, remark="Diterima", cause=KETUA)
    world.project()
    view = world.container.services.assessment.view
    row = view.assessment(str(assessment_id))
    assert row is not None and row.stage == "ASSESSING" and row.appeals == 1 and row.result is None
    assert view.steps(str(assessment_id)) == [] and view.units(str(assessment_id)) == []
    [appeal] = view.appeals(str(assessment_id))
    assert appeal.upheld == 1 and appeal.decided_by == "ketua@lsp" and appeal.grounds == "Tinjau ulang"
    assert view.assignments(ASESOR, active_only=True, limit=10, offset=0) == []
    assert len(view.assignments(ASESOR, active_only=False, limit=10, offset=0)) == 1


def test_a_students_certificates_are_found_through_the_registry_nik(office: Office, world: World) -> None:
    world.university()
    world.programme()
    world.student("2020001", nik=NIK)  # the candidate's NIK
    world.student("2020002", nik="3171012345679999")
    office.at(wib(DAY, 9))
    office.certified(registration="REG-2024-0001")
    world.project()
    services = world.container.services.assessment
    digest = services.student_nik_digest("001002", "2020001")
    assert digest is not None
    [certificate] = services.view.certificates_of_holder(digest)
    assert certificate.registration_number == "REG-2024-0001" and certificate.holder_name == "Siti Rahmawati"
    assert certificate.status(DAY) == "VALID" and certificate.valid_until == "2027-07-31"
    assert certificate.status(date(2027, 8, 1)) == "EXPIRED"
    other = services.student_nik_digest("001002", "2020002")
    assert other is not None and services.view.certificates_of_holder(other) == []
    assert NIK not in repr(services.view.certificate("REG-2024-0001"))
    office.app.revoke_certificate(lsp_code=LSP, registration_number="REG-2024-0001", reason="Pemalsuan", cause=KETUA)
    world.project()
    [revoked] = services.view.certificates_of_holder(digest)
    assert revoked.status(DAY + timedelta(days=1)) == "REVOKED"
