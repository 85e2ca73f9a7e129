"""What the assessment context's queries return, read from its read models."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.graphql.arguments import optional_day
from api.graphql.assessment.inputs import ModeEnum, ResultEnum, StepEnum
from api.graphql.connection import Connection
from api.graphql.enums import CertificateStatusEnum, ReceiverEnum, StageEnum
from domain.assessment.handover import Receiver
from domain.assessment.kinds import CertificateStatus, Mode, Stage
from domain.assessment.sop import Result, Step
from projections.assessment.rows import (
    AppealRow,
    AssessmentRow,
    CertificateRow,
    EvidenceRow,
    HandOverRow,
    StepCount,
    StepRow,
    UnitRow,
)

# The stages in which a step may be due (ASM-6): steps 9 and 10 follow the issued certificate or letter.
SOP_OPEN = frozenset({"IN_SOP", "CERTIFIED", "NOT_YET_COMPETENT"})


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


@strawberry.type(description="A step of the SOP as it was done (ASM-6).")
class SopStepDone:
    step: StepEnum  # type: ignore[valid-type]
    done_at: datetime
    overdue: bool
    reference: str | None
    done_by: str

    @classmethod
    def from_row(cls, r: StepRow) -> SopStepDone:
        done_at = _instant(r.done_at)
        assert done_at is not None
        return cls(
            step=Step(r.step), done_at=done_at, overdue=bool(r.overdue), reference=r.reference, done_by=r.done_by
        )


@strawberry.type
class UnitRecommendation:
    unit_code: str
    recommendation: ResultEnum  # type: ignore[valid-type]
    asesor_number: str

    @classmethod
    def from_row(cls, r: UnitRow) -> UnitRecommendation:
        return cls(unit_code=r.unit_code, recommendation=Result(r.recommendation), asesor_number=r.asesor_number)


@strawberry.type(description="Evidence for one element: its file by SHA-256, judged by the rules of evidence.")
class AssessmentEvidence:
    unit_code: str
    element: int
    sha256: str
    size: int
    media_type: str
    description: str
    valid: bool
    authentic: bool
    current: bool
    sufficient: bool
    asesor_number: str
    recorded_at: datetime

    @classmethod
    def from_row(cls, r: EvidenceRow) -> AssessmentEvidence:
        recorded = _instant(r.recorded_at)
        assert recorded is not None
        return cls(
            unit_code=r.unit_code,
            element=r.element,
            sha256=r.sha256,
            size=r.size,
            media_type=r.media_type,
            description=r.description,
            valid=bool(r.valid),
            authentic=bool(r.authentic),
            current=bool(r.current),
            sufficient=bool(r.sufficient),
            asesor_number=r.asesor_number,
            recorded_at=recorded,
        )


@strawberry.type
class Appeal:
    number: int
    grounds: str
    appealed_on: date
    upheld: bool | None
    decided_by: str | None
    remark: str | None

    @classmethod
    def from_row(cls, r: AppealRow) -> Appeal:
        return cls(
            number=r.number,
            grounds=r.grounds,
            appealed_on=date.fromisoformat(r.appealed_on),
            upheld=None if r.upheld is None else bool(r.upheld),
            decided_by=r.decided_by,
            remark=r.remark,
        )


@strawberry.type(description="A competency certificate (ASM-7); its status as of today.")
class CompetencyCertificate:
    aggregate_id: str = strawberry.field(description="The record's id, for the audit tools (history, asOf)")
    registration_number: str
    blangko_number: str
    lsp_code: str
    skema_code: str
    skema_title: str
    holder_name: str
    status: CertificateStatusEnum  # type: ignore[valid-type]
    issued_on: date | None
    valid_until: date | None
    revoked_on: date | None

    @classmethod
    def from_row(cls, r: CertificateRow, today: date) -> CompetencyCertificate:
        return cls(
            aggregate_id=r.record_id,
            registration_number=r.registration_number,
            blangko_number=r.blangko_number,
            lsp_code=r.lsp_code,
            skema_code=r.skema_code,
            skema_title=r.skema_title,
            holder_name=r.holder_name,
            status=CertificateStatus(r.status(today)),
            issued_on=optional_day(r.issued_on),
            valid_until=optional_day(r.valid_until),
            revoked_on=optional_day(r.revoked_on),
        )


@strawberry.type(description="One candidate's assessment; details are read by ``assessment``.")
class AssessmentSummary:
    aggregate_id: str = strawberry.field(description="The record's id, for the audit tools (history, asOf)")
    assessment_id: str
    lsp_code: str
    candidate_number: str
    candidate_name: str
    skema_code: str
    skema_version: int
    assessed_on: date
    tuk_code: str
    mode: ModeEnum  # type: ignore[valid-type]
    stage: StageEnum  # type: ignore[valid-type]
    recommendation: ResultEnum | None  # type: ignore[valid-type]
    result: ResultEnum | None  # type: ignore[valid-type]
    next_step: StepEnum | None  # type: ignore[valid-type]
    due_at: datetime | None
    overdue: bool
    appeals: int
    review_due_at: datetime | None = strawberry.field(
        description="When the review of the assessment process is due; null when none is owed (ASM-9)"
    )
    review_overdue: bool

    @classmethod
    def from_row(cls, r: AssessmentRow, now: datetime) -> AssessmentSummary:
        due = _instant(r.due_at) if r.stage in SOP_OPEN else None
        review_due = _instant(r.review_due_at)
        return cls(
            aggregate_id=r.assessment_id,
            assessment_id=r.assessment_id,
            lsp_code=r.lsp_code,
            candidate_number=r.candidate_number,
            candidate_name=r.candidate_name,
            skema_code=r.skema_code,
            skema_version=r.skema_version,
            assessed_on=date.fromisoformat(r.assessed_on),
            tuk_code=r.tuk_code,
            mode=Mode(r.mode),
            stage=Stage(r.stage),
            recommendation=Result(r.recommendation) if r.recommendation else None,
            result=Result(r.result) if r.result else None,
            next_step=Step(r.next_step) if r.stage in SOP_OPEN and r.next_step is not None else None,
            due_at=due,
            overdue=due is not None and due < now,
            appeals=r.appeals,
            review_due_at=review_due,
            review_overdue=review_due is not None and review_due < now,
        )


@strawberry.type(description="Tanda Terima Sertifikat Kompetensi: who received the certificate or BK letter (ASM-6).")
class HandOver:
    receiver: ReceiverEnum  # type: ignore[valid-type]
    representative_name: str | None = strawberry.field(description="for the LSP's people and the holder only")
    relation: str | None
    received_at: datetime
    overdue: bool
    handed_by: str

    @classmethod
    def from_row(cls, r: HandOverRow, *, with_name: bool) -> HandOver:
        received = _instant(r.received_at)
        assert received is not None
        return cls(
            receiver=Receiver(r.receiver),
            representative_name=r.representative_name if with_name else None,
            relation=r.relation,
            received_at=received,
            overdue=bool(r.overdue),
            handed_by=r.handed_by,
        )


@strawberry.type(description="An assessment with what it rests on: steps, K/BK per unit, evidence, appeals.")
class AssessmentDetail:
    summary: AssessmentSummary
    members: list[str]
    steps: list[SopStepDone]
    units: list[UnitRecommendation]
    evidence: list[AssessmentEvidence]
    appeals: list[Appeal]
    certificate: CompetencyCertificate | None
    hand_overs: list[HandOver]


@strawberry.type
class StepLoad:
    step: StepEnum  # type: ignore[valid-type]
    candidates: int
    overdue: int

    @classmethod
    def from_row(cls, r: StepCount) -> StepLoad:
        return cls(step=Step(r.step), candidates=r.candidates, overdue=r.overdue)


@strawberry.type(description="An LSP's candidates in the SOP, the overdue first (ASM-6), and the reviews owed (ASM-9).")
class Pipeline(Connection[AssessmentSummary]):
    per_step: list[StepLoad]
    reviews_due: Connection[AssessmentSummary] = strawberry.field(
        description="Assessments whose process review is owed, the overdue first (ASM-9); paged as the candidates are"
    )
    reviews_overdue: int
    now: datetime
