"""The SOP's last step and the review of the assessment process through GraphQL (ASM-6 step 10, ASM-9): the
receipt's and the findings' inputs, their mutations, and the reviews as BNSP, auditors and the LSP read them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.arguments import parse_id
from api.graphql.assessment.inputs import AssessmentResult
from api.graphql.assessment.mutations import _app, _assessment
from api.graphql.commands import run_command
from api.graphql.connection import Connection, Slice, connection
from api.graphql.context import Context
from api.graphql.enums import ReceiverEnum
from api.graphql.errors import NotAuthorized, RuleViolation, read_refusal
from application.authorization import may_read_process_reviews
from domain import errors
from domain.assessment.handover import Receiver
from domain.assessment.lsp_code import parse_lsp_code
from projections.assessment.rows import ProcessReviewRow

LOG = "assessments"


@strawberry.input(
    description="Step 10: the certificate (K) or the BK letter handed over against a receipt, Tanda Terima "
    "Sertifikat Kompetensi (ASM-6). A representative is named with their relation to the holder."
)
class HandOverInput:
    lsp_code: str
    assessment_id: str
    receiver: ReceiverEnum  # type: ignore[valid-type]
    representative_name: str | None = None
    representative_relation: str | None = strawberry.field(default=None, description="e.g. orang tua, suami, kuasa")


@strawberry.input(
    description="The calling committee member reviews how the assessment was carried out (ASM-9): a finding in "
    "each of four areas, and any follow-up."
)
class ReviewAssessmentProcessInput:
    lsp_code: str
    assessment_id: str
    planning: str
    evidence: str
    decision: str
    records: str
    follow_up: str | None = None


@strawberry.type
class ClosingMutation:
    @strawberry.mutation(description="Step 10: handed over against the holder's receipt (ASM-6).")
    async def hand_over_certificate(self, info: Info[Context, None], input: HandOverInput) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).hand_over(
                lsp_code=input.lsp_code,
                assessment_id=parse_id(input.assessment_id, "assessmentId", "ASM-6"),
                receiver=Receiver(input.receiver),
                representative_name=input.representative_name,
                representative_relation=input.representative_relation,
                cause=c,
            ),
            _assessment,
        )

    @strawberry.mutation(description="The review of the assessment process, by a member who did not assess (ASM-9).")
    async def review_assessment_process(
        self, info: Info[Context, None], input: ReviewAssessmentProcessInput
    ) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).review_process(
                lsp_code=input.lsp_code,
                assessment_id=parse_id(input.assessment_id, "assessmentId", "ASM-9"),
                planning=input.planning,
                evidence=input.evidence,
                decision=input.decision,
                records=input.records,
                follow_up=input.follow_up,
                cause=c,
            ),
            _assessment,
        )


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@strawberry.type(description="A review of an assessment's process (ASM-9); the candidate by their number only.")
class ProcessReview:
    assessment_id: str
    lsp_code: str
    skema_code: str
    candidate_number: str
    reviewer: str
    planning: str
    evidence: str
    decision: str
    records: str
    follow_up: str | None
    reviewed_at: datetime
    overdue: bool

    @classmethod
    def from_row(cls, r: ProcessReviewRow) -> ProcessReview:
        return cls(
            assessment_id=r.assessment_id,
            lsp_code=r.lsp_code,
            skema_code=r.skema_code,
            candidate_number=r.candidate_number,
            reviewer=r.reviewer,
            planning=r.planning,
            evidence=r.evidence,
            decision=r.decision,
            records=r.records,
            follow_up=r.follow_up,
            reviewed_at=_instant(r.reviewed_at),
            overdue=bool(r.overdue),
        )


ReviewListResult = Annotated[
    Connection[ProcessReview] | NotAuthorized | RuleViolation, strawberry.union("ProcessReviewsQueryResult")
]


@strawberry.type
class ProcessReviewQuery:
    @strawberry.field(
        description="An LSP's reviews of its assessments' process, the latest first: for BNSP's officers, auditors "
        "and the LSP's own people (ASM-9)."
    )
    async def process_reviews(
        self,
        info: Info[Context, None],
        lsp_code: str,
        first: int = 100,
        after: str | None = None,
        position: int | None = None,
    ) -> ReviewListResult:
        ctx = info.context
        try:
            page, actor, lsp = Slice.parse(first, after), ctx.signed_in(), parse_lsp_code(lsp_code)
            if not may_read_process_reviews(actor, lsp):
                raise errors.NotAuthorized("an LSP's process reviews are for BNSP, auditors and the LSP's people")
        except errors.DomainError as e:
            return read_refusal(e)
        view = ctx.services.assessment.view

        def read() -> Connection[ProcessReview]:
            rows = view.process_reviews(lsp, limit=page.limit, offset=page.offset)
            return connection(page, rows, view.process_review_count(lsp), ProcessReview.from_row)

        return await ctx.read(LOG, position, read, LOG)
