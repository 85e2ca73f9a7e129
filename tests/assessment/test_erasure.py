"""UU PDP for candidates (issue 12, item 6), on both stores: the LSP erases a candidate's personal data with its
ground; the key (which also seals the certificate's holder) is destroyed, every read-model row shows the name as
erased and drops the NIK digest, the assessment and the certificate stay; an erasure interrupted before the key
was destroyed is finished on start-up; an erased candidate number is never registered again."""

from __future__ import annotations

from dataclasses import replace

import pytest

from application.assessment.inputs import CandidateInput
from domain.assessment.people import Asesi
from domain.errors import NotAuthorized, RuleViolation
from projections.personal import ERASED
from tests.assessment.lsp import ASESOR, CANDIDATE, KABAG_ADMINISTRASI, LSP, Office, asesor
from tests.world import World

REGISTRATION = "62090 2512 3 0000001 2024"


def erase(office: Office, reason: str | None = "the candidate asked (UU PDP)") -> None:
    office.app.erase_candidate_data(
        lsp_code=LSP, candidate_number=CANDIDATE, cause=replace(KABAG_ADMINISTRASI, reason=reason)
    )


def test_PDP_an_erased_candidate_reads_as_erased_everywhere_and_the_certificate_stays(world: World) -> None:
    office = Office(world).setup()
    assessment_id = office.certified(registration=REGISTRATION)
    erase(office)
    world.project()
    view = world.container.services.assessment.view
    certificate = view.certificate(REGISTRATION)
    assert certificate is not None and certificate.holder_name == ERASED
    store = world.container.services.worker.store
    rows = store.query(
        "SELECT full_name, nik_digest, employer FROM asm_candidates WHERE candidate_number = :n", {"n": CANDIDATE}
    )
    assert rows == [{"full_name": ERASED, "nik_digest": None, "employer": None}]
    assert "Siti Rahmawati" not in repr(store.query("SELECT * FROM asm_certificates"))
    asesi = office.app.find(Asesi, Asesi.create_id(LSP, CANDIDATE))
    assert asesi is not None and office.app.sealer.unseal(asesi.personal) is None
    assert view.assessment(str(assessment_id)) is not None  # the assessment itself stays
    before = office.position()
    erase(office)  # again: nothing more to do
    assert office.position() == before
    with pytest.raises(RuleViolation) as again:
        office.app.register_candidate(
            lsp_code=LSP,
            candidate=CandidateInput(CANDIDATE, "Siti Rahmawati", "3171012345670001", None, None),
            cause=KABAG_ADMINISTRASI,
        )
    assert "erased" in again.value.failures[0].message


def test_PDP_an_erasure_needs_its_ground_and_the_lsp(world: World) -> None:
    office = Office(world).setup()
    before = office.position()
    with pytest.raises(RuleViolation):
        erase(office, reason="")
    with pytest.raises(NotAuthorized):
        office.app.erase_candidate_data(
            lsp_code=LSP, candidate_number=CANDIDATE, cause=replace(asesor(ASESOR), reason="asked")
        )
    assert office.position() == before


def test_PDP_a_candidate_erasure_recorded_but_not_finished_is_finished_on_start_up(world: World) -> None:
    office = Office(world).setup()
    asesi = office.app.find(Asesi, Asesi.create_id(LSP, CANDIDATE))
    assert asesi is not None
    asesi.erase_personal_data(replace(KABAG_ADMINISTRASI, reason="end of retention"))
    office.app.save(asesi)  # stopped here, before destroying the key
    assert office.app.complete_erasures() == 1 and office.app.complete_erasures() == 0
    assert office.app.sealer.unseal(asesi.personal) is None


def test_PDP_a_candidate_s_employer_is_sealed_with_their_identity_so_an_erasure_takes_it_too(world: World) -> None:
    office = Office(world).setup()  # the candidate works for "PT Contoh"
    office.candidate(employer="PT Baru Sejahtera")  # a new employer: sealed again
    world.project()
    store = world.container.services.worker.store
    [row] = store.query("SELECT employer FROM asm_candidates WHERE candidate_number = :n", {"n": CANDIDATE})
    assert row["employer"] == "PT Baru Sejahtera"
    stored = b"".join(bytes(n.state) for n in office.app.recorder.select_notifications(start=1, limit=10_000))
    assert b"PT Contoh" not in stored and b"PT Baru" not in stored  # never in the clear in the log
    erase(office)
    world.project()
    [row] = store.query("SELECT employer FROM asm_candidates WHERE candidate_number = :n", {"n": CANDIDATE})
    assert row["employer"] is None
