"""ASM-5 as BNSP approves it, through the application on SQLite and PostgreSQL: the LSP's requirements per skema
(ASM-5.tuk), its application (ASM-5.application), BNSP's decision (ASM-5.approval) on the licence, and the licence
flag of older events still meaning approved. Each refusal names its rule and field and appends nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from application.assessment.remote import RemoteApplicationInput
from domain.assessment.assessment import Assessment
from domain.assessment.kinds import LicenceKind, Mode, TukKind
from domain.assessment.licence import Licence
from domain.assessment.remote import RemoteApplication
from domain.assessment.standards import Skema
from domain.audit import Role
from domain.errors import NotAuthorized, RuleViolation
from tests.assessment.lsp import BNSP, KABAG_ADMINISTRASI, KABAG_SERTIFIKASI, KETUA, LICENSED, LSP, SKEMA, Office, actor
from tests.world import World


@pytest.fixture
def office(world: World) -> Office:
    office = Office(world).setup()
    office.app.register_tuk(
        lsp_code=LSP,
        tuk_code="TUK-DARING",
        name="Daring",
        kind=TukKind.MANDIRI,
        facilities=["VIDEO_CONFERENCE", "SCREEN_SHARING"],
        cause=KABAG_SERTIFIKASI,
    )
    return office


def refused(office: Office, command: Callable[[], Any]) -> tuple[str, str]:
    before = office.position()
    with pytest.raises(RuleViolation) as refusal:
        command()
    assert office.position() == before
    failure = refusal.value.failures[0]
    return failure.rule_id, failure.field


def denied(office: Office, command: Callable[[], Any]) -> None:
    before = office.position()
    with pytest.raises(NotAuthorized):
        command()
    assert office.position() == before


def remote(office: Office) -> Callable[[], Any]:
    return lambda: office.open(mode=Mode.REMOTE, tuk_code="TUK-DARING")


def decide(office: Office, approved: bool, reason: str | None = None, number: int = 1) -> Any:
    return office.app.decide_remote_assessment(
        lsp_code=LSP, number=number, approved=approved, reason=reason, cause=BNSP
    )


def test_asm_5_tuk_the_lsp_sets_its_requirements_ketua_or_kabag_sertifikasi_not_bnsp(office: Office) -> None:
    office.require_remote("VIDEO_CONFERENCE", cause=KETUA)
    office.require_remote("VIDEO_CONFERENCE", "SCREEN_SHARING", cause=KABAG_SERTIFIKASI)
    denied(office, lambda: office.require_remote("PROCTORING", cause=BNSP))
    denied(office, lambda: office.require_remote("PROCTORING", cause=KABAG_ADMINISTRASI))
    stranger = actor(Role.KETUA_LSP, "ketua@other", "LSP-OTHER")
    denied(office, lambda: office.require_remote("PROCTORING", cause=stranger))
    assert refused(office, lambda: office.require_remote("video conference")) == ("ASM-5.tuk", "requirements")


def test_asm_5_only_an_approved_lsp_at_a_tuk_meeting_its_requirements_assesses_remotely(office: Office) -> None:
    office.require_remote("VIDEO_CONFERENCE", "SCREEN_SHARING")
    assert refused(office, remote(office)) == ("ASM-5.approval", "mode")  # not applied
    office.apply_remote()
    assert refused(office, remote(office)) == ("ASM-5.approval", "mode")  # applied, not yet decided
    decide(office, True)
    assessment_id = remote(office)()
    opened = office.app.load(Assessment, assessment_id, "assessment", "")
    assert opened.mode is Mode.REMOTE
    office.require_remote("VIDEO_CONFERENCE", "SCREEN_SHARING", "PROCTORING")  # more than the TUK provides
    assert refused(office, remote(office)) == ("ASM-5.tuk", "tukCode")
    office.require_remote()  # none: this LSP does not assess the skema remotely
    assert refused(office, remote(office)) == ("ASM-5.tuk", "tukCode")


def test_asm_5_application_by_the_ketua_with_two_files_they_uploaded(office: Office) -> None:
    mine = office.files.put(b"%PDF-1.7\nSOP", KETUA.actor).sha256
    theirs = office.files.put(b"%PDF-1.7\nlain", KABAG_SERTIFIKASI.actor).sha256

    def apply(sop: str = mine, tech: str = mine, line: str = "Zoom", cause: Any = KETUA) -> Any:
        given = RemoteApplicationInput(sop_file=sop, technology_file=tech, technology=line)
        return office.app.apply_for_remote_assessment(lsp_code=LSP, application=given, cause=cause)

    denied(office, lambda: apply(cause=KABAG_SERTIFIKASI))
    denied(office, lambda: apply(cause=BNSP))
    assert refused(office, lambda: apply(sop=theirs)) == ("FILE.uploader", "sopFile")
    assert refused(office, lambda: apply(tech="0" * 64)) == ("FILE.uploader", "technologyFile")
    assert refused(office, lambda: apply(tech="not-a-digest")) == ("ASM-5.application", "technologyFile")
    assert refused(office, lambda: apply(line="Zoom\x00")) == ("ASM-5.application", "technology")
    assert refused(office, lambda: apply(line="x" * 201)) == ("ASM-5.application", "technology")
    apply(line="x" * 200)
    assert refused(office, apply) == ("ASM-5.application", "lspCode")  # one pending at a time
    applied = office.app.load(RemoteApplication, RemoteApplication.create_id(LSP), "application", LSP)
    assert applied.number == 1


def test_asm_5_application_needs_a_licence(world: World) -> None:
    office = Office(world)
    sop = office.files.put(b"%PDF-1.7\nSOP", KETUA.actor).sha256
    given = RemoteApplicationInput(sop_file=sop, technology_file=sop, technology="Zoom")
    apply = lambda: office.app.apply_for_remote_assessment(lsp_code=LSP, application=given, cause=KETUA)  # noqa: E731
    assert refused(office, apply) == ("ASM-5.application", "lspCode")


def test_asm_5_approval_bnsp_decides_the_pending_one_and_a_refusal_gives_its_reason(office: Office) -> None:
    assert refused(office, lambda: decide(office, True)) == ("ASM-5.approval", "number")  # nothing applied
    office.apply_remote()
    denied(
        office,
        lambda: office.app.decide_remote_assessment(lsp_code=LSP, number=1, approved=True, reason=None, cause=KETUA),
    )
    assert refused(office, lambda: decide(office, False)) == ("ASM-5.approval", "reason")
    assert refused(office, lambda: decide(office, False, "  ")) == ("ASM-5.approval", "reason")
    assert refused(office, lambda: decide(office, True, number=2)) == ("ASM-5.approval", "number")
    assert refused(office, lambda: decide(office, True, number=0)) == ("ASM-5.approval", "number")
    assert refused(office, lambda: decide(office, False, "x" * 2001)) == ("ASM-5.approval", "reason")
    decide(office, False, "SOP belum memuat penjaminan kerahasiaan bukti")
    licence = office.app.load(Licence, Licence.create_id(LSP), "licence", LSP)
    assert not licence.remote_assessment
    assert refused(office, lambda: decide(office, True)) == ("ASM-5.approval", "number")  # decided once
    office.apply_remote()
    decide(office, True, number=2)
    licence = office.app.load(Licence, Licence.create_id(LSP), "licence", LSP)
    assert licence.remote_assessment


def test_asm_5_decisions_carry_their_rule_ids_in_the_events(office: Office) -> None:
    office.apply_remote()
    decide(office, True)
    stored = office.app.recorder.select_notifications(1, 10_000)
    events = [office.app.mapper.to_domain_event(s) for s in stored]
    rules = {
        type(e).__qualname__: e.rule_ids for e in events if hasattr(e, "rule_ids") and "Remote" in type(e).__qualname__
    }
    assert rules == {
        "RemoteApplication.Applied": ("ASM-5.application",),
        "RemoteApplication.Approved": ("ASM-5.approval",),
        "Licence.RemoteAssessmentDecided": ("ASM-5.approval",),
    }


# Older logs: BNSP's flag on the licence, and BNSP's requirements on the skema, still mean what they meant ----------


def test_asm_5_a_licence_flag_set_before_applications_still_means_approved(world: World) -> None:
    office = Office(world).setup()
    app = office.app
    older = Licence.create_id("LSP-LAMA")
    # The events an earlier version stored: a grant with the flag set, then an amendment clearing it for another.
    legacy = Licence(
        lsp_code="LSP-LAMA",
        kind=LicenceKind.FIRST_PARTY,
        skema_codes=(SKEMA,),
        valid_from=LICENSED[0],
        valid_until=LICENSED[1],
        remote_assessment=True,
        cause=BNSP,
    )
    withdrawn = Licence(
        lsp_code="LSP-DICABUT",
        kind=LicenceKind.FIRST_PARTY,
        skema_codes=(SKEMA,),
        valid_from=LICENSED[0],
        valid_until=LICENSED[1],
        remote_assessment=True,
        cause=BNSP,
    )
    withdrawn._amended(
        lsp_code="LSP-DICABUT",
        skema_codes=(SKEMA,),
        valid_from=LICENSED[0],
        valid_until=LICENSED[1],
        remote_assessment=False,
        cause=BNSP,
    )
    app.save(legacy, withdrawn)
    assert app.repository.get(older).remote_assessment is True
    assert app.repository.get(withdrawn.id).remote_assessment is False
    # A grant or amendment recorded now carries no flag and keeps the approval as it was.
    app.license_lsp(
        lsp_code="LSP-LAMA",
        kind=LicenceKind.FIRST_PARTY,
        skema_codes=[SKEMA],
        valid_from=LICENSED[0],
        valid_until=LICENSED[1],
        cause=BNSP,
    )
    assert app.repository.get(older).remote_assessment is True


def test_asm_5_requirements_bnsp_set_on_the_skema_still_apply_where_the_lsp_set_none(office: Office) -> None:
    skema = office.app.load(Skema, Skema.create_id(SKEMA), "skema", SKEMA)
    skema._remote_requirements_set(code=SKEMA, requirements=("VIDEO_CONFERENCE",), rule_ids=("ASM-5",), cause=BNSP)
    office.app.save(skema)
    office.approve_remote()
    remote(office)()
    office.require_remote("PROCTORING")  # the LSP's own, once set, are the ones in force
    assert refused(office, remote(office)) == ("ASM-5.tuk", "tukCode")
