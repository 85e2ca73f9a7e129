"""The submission context's command inputs and successes (SUB-1 .. SUB-8), as clients send and read them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from api.graphql.enums import (
    CatalogProposalStatusEnum,
    GradingTypeEnum,
    IssuerOriginEnum,
    OutcomeEnum,
    SubmissionStatusEnum,
)
from api.graphql.errors import Conflict, NotAuthorized, NotFound, RuleViolation, Unavailable
from application.submission.claims import ClaimInput
from domain.submission.claim import GradingType, Outcome
from domain.submission.entry import EntryDetails, IssuerKind, IssuerOrigin

IssuerKindEnum = strawberry.enum(IssuerKind, name="IssuerKind")


@strawberry.input
class CatalogEntryInput:
    issuer: str
    issuer_kind: IssuerKindEnum  # type: ignore[valid-type]
    origin: IssuerOriginEnum  # type: ignore[valid-type]
    category: str
    name: str

    def parsed(self) -> EntryDetails:
        return EntryDetails.parse(
            issuer=self.issuer,
            issuer_kind=IssuerKind(self.issuer_kind),
            origin=IssuerOrigin(self.origin),
            category=self.category,
            name=self.name,
        )


@strawberry.input
class AddCatalogEntryInput:
    university_code: str
    entry: CatalogEntryInput


@strawberry.input
class ReviseCatalogEntryInput:
    university_code: str
    entry_id: str
    entry: CatalogEntryInput


@strawberry.input
class WithdrawCatalogEntryInput:
    university_code: str
    entry_id: str


@strawberry.input(description="A student proposes a certification for the catalog (SUB-2), for themself only.")
class ProposeCatalogEntryInput:
    entry: CatalogEntryInput


@strawberry.input
class DecideCatalogProposalInput:
    university_code: str
    proposal_id: str
    accept: bool
    remark: str | None = strawberry.field(default=None, description="Required to reject (SUB-2.remark).")
    entry: CatalogEntryInput | None = strawberry.field(
        default=None, description="When accepting: the entry as the catalog will list it, if worded otherwise."
    )


@strawberry.input(description="What the student states (SUB-3 .. SUB-6). The student is the caller.")
class CertificationInput:
    outcome: OutcomeEnum  # type: ignore[valid-type]
    grading_type: GradingTypeEnum  # type: ignore[valid-type]
    result: str = strawberry.field(description="A letter grade (LETTER) or a score within 0..scale (NUMERIC).")
    issued_on: date
    scale: str | None = strawberry.field(default=None, description="NUMERIC only: the top score; 100 if not given.")
    valid_thru: date | None = None
    no_expiry: bool = strawberry.field(default=False, description="Say so explicitly when it has no valid-thru date.")
    evidence_file: str | None = strawberry.field(
        default=None, description="The sha256 that POST /files answered (PDF, PNG or JPEG); or give evidenceUrl."
    )
    evidence_url: str | None = None

    def parsed(self) -> ClaimInput:
        return ClaimInput(
            outcome=Outcome(self.outcome),
            grading=GradingType(self.grading_type),
            result=self.result,
            scale=self.scale,
            issued_on=self.issued_on,
            valid_thru=self.valid_thru,
            no_expiry=self.no_expiry,
            evidence_file=self.evidence_file,
            evidence_url=self.evidence_url,
        )


@strawberry.input
class SubmitCertificationInput:
    catalog_entry_id: str
    certification: CertificationInput


@strawberry.input
class ReuploadSubmissionInput:
    submission_id: str
    certification: CertificationInput


@strawberry.input
class ReviewSubmissionInput:
    university_code: str
    submission_id: str
    remark: str | None = strawberry.field(default=None, description="Required to reject (SUB-8.remark).")


@strawberry.input
class SetThesisDeadlineInput:
    university_code: str
    nim: str
    deadline: date = strawberry.field(description="The final-thesis upload deadline: the last day to submit (SUB-7).")


@strawberry.input
class FinishDpiInput:
    university_code: str
    nim: str


@strawberry.type
class CatalogAccepted:
    position: int | None
    entry_id: str


@strawberry.type
class ProposalAccepted:
    position: int | None
    proposal_id: str
    status: CatalogProposalStatusEnum  # type: ignore[valid-type]
    entry_id: str | None


@strawberry.type
class SubmissionAccepted:
    position: int | None
    submission_id: str
    status: SubmissionStatusEnum  # type: ignore[valid-type]
    due_on: date = strawberry.field(description="The review is due by this day: 3 working days (SUB-9).")


Refusals = RuleViolation | NotAuthorized | Conflict | NotFound | Unavailable
CatalogResult = Annotated[CatalogAccepted | Refusals, strawberry.union("CatalogResult")]
ProposalResult = Annotated[ProposalAccepted | Refusals, strawberry.union("ProposalResult")]
SubmissionResult = Annotated[SubmissionAccepted | Refusals, strawberry.union("SubmissionResult")]
