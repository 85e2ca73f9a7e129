"""A small language for the assessment context in tests: BNSP's skema, licence and asesors; an LSP with its TUK,
committee and candidates; and an assessment taken step by step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from application.assessment.assessments import Assessments
from application.assessment.inputs import CandidateInput, EvidenceInput, UnitInput
from application.assessment.receipt import AssessmentReceipt
from application.assessment.remote import RemoteApplicationInput
from domain.assessment.kinds import LicenceKind, Mode, TukKind
from domain.assessment.sop import Result, Step
from domain.audit import Actor, Cause, Role
from tests.world import World

LSP = "LSP-P1-UNIV"
SKEMA = "SKM/OKUP/001"
UNITS = ("J.620100.004.02", "J.620100.009.01")
ASESOR = "MET.000.001234 2019"
OTHER_ASESOR = "MET.000.005678 2020"
CANDIDATE = "ASESI-0001"
NIK = "3171012345670001"
PDF = b"%PDF-1.7\n" + b"1" * 64
LICENSED = (date(2024, 1, 1), date(2026, 12, 31))


def actor(role: Role, actor_id: str, institution: str | None = LSP) -> Cause:
    return Cause(Actor(actor_id, role, institution), request_id="req-test")


BNSP = actor(Role.BNSP_OFFICER, "bnsp@test", None)
KABAG_SERTIFIKASI = actor(Role.KABAG_SERTIFIKASI, "sertifikasi@lsp")
KABAG_ADMINISTRASI = actor(Role.KABAG_ADMINISTRASI, "administrasi@lsp")
KETUA = actor(Role.KETUA_LSP, "ketua@lsp")


def asesor(number: str = ASESOR) -> Cause:
    return actor(Role.ASESOR, number, None)


def member(member_id: str) -> Cause:
    return actor(Role.KOMITE_TEKNIS, member_id)


def asesi(number: str = CANDIDATE) -> Cause:
    return actor(Role.ASESI, number)


def unit_input(code: str) -> UnitInput:
    return UnitInput(
        code=code,
        title=f"Unit {code}",
        descriptor="Unit ini berhubungan dengan pengetahuan, keterampilan dan sikap kerja.",
        elements=[("Elemen satu", ["Kriteria 1.1"]), ("Elemen dua", ["Kriteria 2.1", "Kriteria 2.2"])],
        range_statement="Konteks variabel.",
        evidence_guide="Tes tertulis dan praktik.",
    )


def wib(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


class Office:
    """The assessment context of a ``World``: BNSP's setup and one LSP, ready to assess."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.app: Assessments = world.container.services.assessment.commands
        self.files = world.container.services.submission.files
        self.evidence_sha = self.files.put(PDF, asesor().actor).sha256

    def at(self, moment: datetime) -> Office:
        self.world.clock.now = moment
        return self

    def position(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def setup(
        self,
        *,
        licensed: tuple[date, date] = LICENSED,
        remote: bool = False,
        registered: tuple[date, date] = LICENSED,
        asesor_employer: str | None = "Politeknik Negeri",
    ) -> Office:
        app = self.app
        app.publish_skema(code=SKEMA, title="Okupasi Programmer", units=[unit_input(u) for u in UNITS], cause=BNSP)
        app.license_lsp(
            lsp_code=LSP,
            kind=LicenceKind.FIRST_PARTY,
            skema_codes=[SKEMA],
            valid_from=licensed[0],
            valid_until=licensed[1],
            cause=BNSP,
        )
        if remote:
            self.approve_remote()
        for number in (ASESOR, OTHER_ASESOR):
            app.register_asesor(
                asesor_number=number,
                employer=asesor_employer,
                skema_code=SKEMA,
                valid_from=registered[0],
                valid_until=registered[1],
                cause=BNSP,
            )
        app.register_tuk(
            lsp_code=LSP,
            tuk_code="TUK-01",
            name="Lab Komputer 1",
            kind=TukKind.SEWAKTU,
            facilities=[],
            cause=KABAG_SERTIFIKASI,
        )
        for member_id, number in (("komite-a", None), ("komite-b", None), ("komite-asesor", ASESOR)):
            app.appoint_committee_member(lsp_code=LSP, member_id=member_id, asesor_number=number, cause=KETUA)
        self.candidate()
        return self

    def apply_remote(self, cause: Cause = KETUA, technology: str = "Zoom dengan proctoring") -> None:
        """ASM-5.application: the Ketua LSP uploads the SOP and the technology's description, then applies."""
        sop = self.files.put(b"%PDF-1.7\nSOP asesmen jarak jauh", cause.actor).sha256
        tech = self.files.put(b"%PDF-1.7\nDeskripsi teknologi", cause.actor).sha256
        given = RemoteApplicationInput(sop_file=sop, technology_file=tech, technology=technology)
        self.app.apply_for_remote_assessment(lsp_code=LSP, application=given, cause=cause)

    def approve_remote(self, number: int = 1) -> None:
        self.apply_remote()
        self.app.decide_remote_assessment(lsp_code=LSP, number=number, approved=True, reason=None, cause=BNSP)

    def require_remote(self, *requirements: str, cause: Cause = KABAG_SERTIFIKASI) -> None:
        self.app.set_remote_requirements(lsp_code=LSP, skema_code=SKEMA, requirements=list(requirements), cause=cause)

    def candidate(self, number: str = CANDIDATE, employer: str | None = "PT Contoh", nik: str = NIK) -> None:
        given = CandidateInput(number, "Siti Rahmawati", nik, None, employer)
        self.app.register_candidate(lsp_code=LSP, candidate=given, cause=KABAG_ADMINISTRASI)

    def open(self, on: date = date(2024, 8, 1), candidate: str = CANDIDATE, **kw: Any) -> UUID:
        given: dict[str, Any] = {"tuk_code": "TUK-01", "mode": Mode.ONSITE, "skema_code": SKEMA, **kw}
        receipt = self.app.open_assessment(
            lsp_code=LSP, candidate_number=candidate, assessed_on=on, cause=KABAG_SERTIFIKASI, **given
        )
        return receipt.assessment_ids[0]

    def assign(self, assessment_id: UUID, number: str = ASESOR) -> AssessmentReceipt:
        return self.app.assign_asesor(
            lsp_code=LSP, assessment_id=assessment_id, asesor_number=number, cause=KABAG_SERTIFIKASI
        )

    def evidence(self, assessment_id: UUID, unit: str, element: int, number: str = ASESOR, **judged: bool) -> None:
        rules = {"valid": True, "authentic": True, "current": True, "sufficient": True, **judged}
        self.files.put(PDF, asesor(number).actor)  # FILE.uploader: each asesor names their own upload
        given = EvidenceInput(unit, element, self.evidence_sha, "Hasil observasi praktik", **rules)
        self.app.record_evidence(lsp_code=LSP, assessment_id=assessment_id, evidence=given, cause=asesor(number))

    def recommend(self, assessment_id: UUID, unit: str, result: Result, number: str = ASESOR) -> AssessmentReceipt:
        return self.app.recommend_unit(
            lsp_code=LSP, assessment_id=assessment_id, unit_code=unit, recommendation=result, cause=asesor(number)
        )

    def assessed(self, result: Result = Result.K, number: str = ASESOR, **open_kw: Any) -> UUID:
        """Opened, assigned, evidenced and concluded: the SOP's first step is due."""
        assessment_id = self.open(**open_kw)
        self.assign(assessment_id, number)
        for unit in UNITS:
            for element in (1, 2):
                self.evidence(assessment_id, unit, element, number)
        self.recommend(assessment_id, UNITS[0], Result.K, number)
        self.recommend(assessment_id, UNITS[1], result, number)
        self.app.conclude_assessment(lsp_code=LSP, assessment_id=assessment_id, cause=asesor(number))
        return assessment_id

    def step(self, assessment_id: UUID, step: Step, cause: Cause, reference: str | None = None) -> AssessmentReceipt:
        return self.app.complete_step(
            lsp_code=LSP, assessment_ids=[assessment_id], step=step, reference=reference, cause=cause
        )

    def plenary(
        self, assessment_id: UUID, result: Result = Result.K, members: tuple[str, ...] = ("komite-a", "komite-b")
    ) -> AssessmentReceipt:
        return self.app.decide_in_plenary(
            lsp_code=LSP, assessment_id=assessment_id, result=result, members=list(members), cause=member(members[0])
        )

    def decided(self, result: Result = Result.K) -> UUID:
        """Through the plenary and the announced SK."""
        assessment_id = self.assessed(result)
        self.step(assessment_id, Step.INVITE_COMMITTEE, KABAG_SERTIFIKASI)
        self.step(assessment_id, Step.PREPARE_DOCUMENTS, KABAG_ADMINISTRASI)
        self.plenary(assessment_id, result)
        self.step(assessment_id, Step.ANNOUNCE_RESULT, KABAG_SERTIFIKASI, reference="SK/LSP/2024/081")
        return assessment_id

    def receive(self, *numbers: str, reference: str = "BNSP-REQ-2024-0815") -> None:
        self.app.issue_blangko(lsp_code=LSP, batch_reference=reference, numbers=list(numbers), cause=BNSP)

    def blangko(self, assessment_id: UUID, number: str) -> AssessmentReceipt:
        return self.app.assign_blangko(
            lsp_code=LSP, assessment_id=assessment_id, blangko_number=number, cause=KABAG_SERTIFIKASI
        )

    def print(self, assessment_id: UUID, registration: str) -> AssessmentReceipt:
        return self.app.print_certificate(
            lsp_code=LSP, assessment_id=assessment_id, registration_number=registration, cause=KABAG_ADMINISTRASI
        )

    def sign(self, assessment_id: UUID) -> AssessmentReceipt:
        return self.app.sign_certificate(lsp_code=LSP, assessment_id=assessment_id, cause=KETUA)

    def certified(self, blangko: str = "0012345", registration: str = "62090 2512 3 0000001 2024") -> UUID:
        assessment_id = self.decided(Result.K)
        self.receive(blangko)
        self.blangko(assessment_id, blangko)
        self.print(assessment_id, registration)
        self.sign(assessment_id)
        return assessment_id
