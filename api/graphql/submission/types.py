"""What the submission context's queries return, read from its read models."""

from __future__ import annotations

from datetime import date

import strawberry

from api.graphql.assessment.types import CompetencyCertificate
from api.graphql.connection import Connection
from api.graphql.enums import (
    CatalogProposalStatusEnum,
    DpiStatusEnum,
    GradingTypeEnum,
    IssuerKindEnum,
    IssuerOriginEnum,
    OutcomeEnum,
    SubmissionStatusEnum,
)
from domain.submission.claim import GradingType, Outcome
from domain.submission.entry import IssuerKind, IssuerOrigin
from domain.submission.status import DpiStatus, ProposalStatus, SubmissionStatus
from projections.assessment.rows import CertificateRow
from projections.submission.rows import CatalogRow, DpiLine, DpiRow, ProposalRow, SubmissionRow


@strawberry.type
class CatalogEntry:
    entry_id: str
    revision: int
    issuer: str
    issuer_kind: IssuerKindEnum  # type: ignore[valid-type]
    origin: IssuerOriginEnum  # type: ignore[valid-type]
    category: str
    name: str
    withdrawn: bool

    @classmethod
    def from_row(cls, r: CatalogRow) -> CatalogEntry:
        return cls(
            entry_id=r.entry_id,
            revision=r.revision,
            issuer=r.issuer,
            issuer_kind=IssuerKind(r.issuer_kind),
            origin=IssuerOrigin(r.origin),
            category=r.category,
            name=r.name,
            withdrawn=bool(r.withdrawn),
        )


@strawberry.type
class CatalogProposal:
    aggregate_id: str = strawberry.field(description="The record's id, for the audit tools (history, asOf)")
    proposal_id: str
    nim: str
    issuer: str
    issuer_kind: IssuerKindEnum  # type: ignore[valid-type]
    origin: IssuerOriginEnum  # type: ignore[valid-type]
    category: str
    name: str
    status: CatalogProposalStatusEnum  # type: ignore[valid-type]
    proposed_on: date
    remark: str | None
    entry_id: str | None

    @classmethod
    def from_row(cls, r: ProposalRow) -> CatalogProposal:
        return cls(
            aggregate_id=r.proposal_id,
            proposal_id=r.proposal_id,
            nim=r.nim,
            issuer=r.issuer,
            issuer_kind=IssuerKind(r.issuer_kind),
            origin=IssuerOrigin(r.origin),
            category=r.category,
            name=r.name,
            status=ProposalStatus(r.status),
            proposed_on=date.fromisoformat(r.proposed_on),
            remark=r.remark,
            entry_id=r.entry_id,
        )


@strawberry.type
class Evidence:
    sha256: str | None
    size: int | None
    media_type: str | None
    url: str | None


@strawberry.type
class Submission:
    aggregate_id: str = strawberry.field(description="The record's id, for the audit tools (history, asOf)")
    submission_id: str
    university_code: str
    nim: str
    catalog_entry_id: str
    catalog_revision: int = strawberry.field(description="The catalog entry's revision it was submitted under (SUB-1).")
    issuer: str
    category: str
    name: str
    outcome: OutcomeEnum  # type: ignore[valid-type]
    grading_type: GradingTypeEnum  # type: ignore[valid-type]
    result: str
    issued_on: date
    valid_thru: date | None = strawberry.field(description="Null: without expiry, as the student stated (SUB-4).")
    evidence: Evidence
    status: SubmissionStatusEnum  # type: ignore[valid-type]
    submitted_on: date
    due_on: date = strawberry.field(description="3 Indonesian working days after the (re-)upload (SUB-9).")
    overdue: bool = strawberry.field(description="Waiting past its due date, or decided after it (SUB-9).")
    decided_on: date | None
    remark: str | None = strawberry.field(description="Why it was rejected (SUB-8).")
    uploads: int

    @classmethod
    def from_row(cls, r: SubmissionRow, today: date) -> Submission:
        due = date.fromisoformat(r.due_on)
        waiting = r.status == "WAITING_FOR_APPROVAL"
        return cls(
            aggregate_id=r.submission_id,
            submission_id=r.submission_id,
            university_code=r.university_code,
            nim=r.nim,
            catalog_entry_id=r.entry_id,
            catalog_revision=r.revision,
            issuer=r.issuer,
            category=r.category,
            name=r.name,
            outcome=Outcome(r.outcome),
            grading_type=GradingType(r.grading),
            result=r.result,
            issued_on=date.fromisoformat(r.issued_on),
            valid_thru=date.fromisoformat(r.valid_thru) if r.valid_thru else None,
            evidence=Evidence(
                sha256=r.evidence_sha256, size=r.evidence_size, media_type=r.evidence_type, url=r.evidence_url
            ),
            status=SubmissionStatus(r.status),
            submitted_on=date.fromisoformat(r.submitted_on),
            due_on=due,
            overdue=(today > due) if waiting else bool(r.overdue),
            decided_on=date.fromisoformat(r.decided_on) if r.decided_on else None,
            remark=r.remark,
            uploads=r.uploads,
        )


@strawberry.type(
    description="Waiting submissions by due date, overdue first (SUB-9): a page, and the whole queue's overdue."
)
class ReviewQueue(Connection[Submission]):
    overdue_count: int
    today: date


@strawberry.type
class DpiCertification:
    submission_id: str
    catalog_entry_id: str
    catalog_revision: int
    issuer: str
    issuer_kind: IssuerKindEnum  # type: ignore[valid-type]
    origin: IssuerOriginEnum  # type: ignore[valid-type]
    category: str
    name: str
    result: str
    issued_on: date
    valid_thru: date | None
    approved_on: date

    @classmethod
    def from_line(cls, line: DpiLine) -> DpiCertification:
        return cls(
            submission_id=line.submission_id,
            catalog_entry_id=line.entry_id,
            catalog_revision=line.revision,
            issuer=line.issuer,
            issuer_kind=IssuerKind(line.issuer_kind),
            origin=IssuerOrigin(line.origin),
            category=line.category,
            name=line.name,
            result=line.result,
            issued_on=date.fromisoformat(line.issued_on),
            valid_thru=date.fromisoformat(line.valid_thru) if line.valid_thru else None,
            approved_on=date.fromisoformat(line.approved_on),
        )


@strawberry.type(description="Dokumen Pendamping Ijazah: approved certifications, FINISHED when printed (SUB-8).")
class Dpi:
    aggregate_id: str = strawberry.field(description="The record's id, for the audit tools (history, asOf)")
    university_code: str
    nim: str
    status: DpiStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="OPEN, or FINISHED once printed at graduation."
    )
    thesis_deadline: date | None = strawberry.field(description="The last day to submit (SUB-7).")
    finished_on: date | None
    certifications: list[DpiCertification]
    competency_certificates: list[CompetencyCertificate] = strawberry.field(
        description="BNSP competency certificates the student holds (matched on the NIK in the registry), with "
        "their status today: an expiry or a revocation shows (ASM-7). A printed DPI keeps those issued by then."
    )

    @classmethod
    def from_row(cls, r: DpiRow, certificates: list[CertificateRow], today: date) -> Dpi:
        return cls(
            aggregate_id=r.record_id,
            university_code=r.university_code,
            nim=r.nim,
            status=DpiStatus(r.status),
            thesis_deadline=date.fromisoformat(r.deadline) if r.deadline else None,
            finished_on=date.fromisoformat(r.finished_on) if r.finished_on else None,
            certifications=[DpiCertification.from_line(line) for line in r.lines],
            competency_certificates=[CompetencyCertificate.from_row(c, today) for c in certificates],
        )
