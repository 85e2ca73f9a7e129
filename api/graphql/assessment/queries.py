"""The assessment context's queries. An LSP's people read their LSP's candidates; an asesor their assignments
and the assessments they were assigned to; a candidate their own; a forbidden read answers NotAuthorized."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.arguments import parse_id
from api.graphql.assessment.inputs import StepEnum
from api.graphql.assessment.types import (
    Appeal,
    AssessmentDetail,
    AssessmentEvidence,
    AssessmentSummary,
    CompetencyCertificate,
    HandOver,
    Pipeline,
    SopStepDone,
    StepLoad,
    UnitRecommendation,
)
from api.graphql.connection import Connection, Slice, connection, sliced
from api.graphql.context import Context
from api.graphql.errors import NotAuthorized, RuleViolation, read_refusal
from application.audit.reads import SeenView
from application.authorization import LSP_READERS, may_read_assessment
from domain import errors
from domain.audit import Actor, Role
from domain.calendar import JAKARTA
from projections.assessment.projection import utc_text
from projections.assessment.rows import candidate_record_id

LOG = "assessments"  # the application whose positions these queries wait for

PipelineResult = Annotated[Pipeline | NotAuthorized | RuleViolation, strawberry.union("LspPipelineQueryResult")]
AssignmentsResult = Annotated[
    Connection[AssessmentSummary] | NotAuthorized | RuleViolation, strawberry.union("MyAssignmentsQueryResult")
]
AssessmentsResult = Annotated[
    Connection[AssessmentSummary] | NotAuthorized | RuleViolation, strawberry.union("MyAssessmentsQueryResult")
]
DetailResult = Annotated[AssessmentDetail | NotAuthorized | RuleViolation, strawberry.union("AssessmentQueryResult")]


def _lsp_reader(ctx: Context, lsp_code: str) -> Actor:
    actor = ctx.signed_in()
    if actor.role not in LSP_READERS or actor.institution != lsp_code.strip().upper():
        raise errors.NotAuthorized("an LSP's assessments are read by its own certification staff and committee")
    return actor


ASSESSMENT_READERS = LSP_READERS | {Role.ASESOR, Role.ASESI}  # who may read some assessment (ASM-5)


@strawberry.type
class AssessmentQuery:
    @strawberry.field(description="An LSP's candidates per SOP step, the overdue first (ASM-6).")
    async def lsp_pipeline(
        self,
        info: Info[Context, None],
        lsp_code: str,
        step: StepEnum | None = None,  # type: ignore[valid-type]
        include_assessing: bool = False,
        first: int = 100,
        after: str | None = None,
        position: int | None = None,
    ) -> PipelineResult:
        ctx = info.context
        try:
            page = Slice.parse(first, after)
            actor = _lsp_reader(ctx, lsp_code)
        except errors.DomainError as e:
            return read_refusal(e)
        lsp, number = actor.institution or "", None if step is None else int(step)
        view, now = ctx.services.assessment.view, ctx.services.registry.clock().astimezone(JAKARTA)

        def read() -> Pipeline:
            rows = view.pipeline(
                lsp, step=number, limit=page.limit, offset=page.offset, include_assessing=include_assessing
            )
            total = view.pipeline_count(lsp, step=number, include_assessing=include_assessing)
            reviews = view.reviews_due(lsp, limit=page.limit, offset=page.offset)
            shown = [*rows, *reviews]  # PDP-R: each candidate shown, by their record id
            ctx.saw(SeenView.ASSESSMENT, (candidate_record_id(r.lsp_code, r.candidate_number) for r in shown))
            summary = lambda r: AssessmentSummary.from_row(r, now)  # noqa: E731
            candidates = connection(page, rows, total, summary)
            return Pipeline(
                **vars(candidates),
                per_step=[StepLoad.from_row(c) for c in view.pipeline_counts(lsp, utc_text(now))],
                reviews_due=connection(page, reviews, view.reviews_due_count(lsp), summary),
                reviews_overdue=view.reviews_overdue(lsp, utc_text(now)),
                now=now,
            )

        return await ctx.read(LOG, position, read, LOG)

    @strawberry.field(description="The calling asesor's assignments, latest assessment day first.")
    async def my_assignments(
        self,
        info: Info[Context, None],
        active_only: bool = True,
        first: int = 100,
        after: str | None = None,
        position: int | None = None,
    ) -> AssignmentsResult:
        ctx = info.context
        try:
            page, actor = Slice.parse(first, after), ctx.signed_in()
            if actor.role is not Role.ASESOR:
                raise errors.NotAuthorized("myAssignments is an asesor's own list: sign in with an asesor token")
        except errors.DomainError as e:
            return read_refusal(e)
        view, now = ctx.services.assessment.view, ctx.services.registry.clock()

        def read() -> Connection[AssessmentSummary]:
            rows = view.assignments(actor.id, active_only=active_only, limit=page.limit, offset=page.offset)
            total = view.assignment_count(actor.id, active_only=active_only)
            return connection(page, rows, total, lambda r: AssessmentSummary.from_row(r, now))

        return await ctx.read(LOG, position, read, LOG)

    @strawberry.field(description="The calling candidate's own assessments, newest first.")
    async def my_assessments(
        self, info: Info[Context, None], first: int = 100, after: str | None = None, position: int | None = None
    ) -> AssessmentsResult:
        ctx = info.context
        actor = ctx.actor
        if actor is None or actor.role is not Role.ASESI or actor.institution is None:
            return NotAuthorized(message="myAssessments is a candidate's own list: sign in with an asesi token")
        try:
            page = Slice.parse(first, after)
        except errors.RuleViolation as e:
            return RuleViolation.from_error(e)
        lsp = actor.institution
        view, now = ctx.services.assessment.view, ctx.services.registry.clock()
        rows = await ctx.read(LOG, position, lambda: view.of_candidate(lsp, actor.id), LOG)
        return sliced(page, rows, lambda r: AssessmentSummary.from_row(r, now))

    @strawberry.field(description="One assessment with its steps, units, evidence, appeals and certificate.")
    async def assessment(
        self, info: Info[Context, None], assessment_id: str, position: int | None = None
    ) -> DetailResult | None:
        ctx = info.context
        try:
            actor, key = ctx.signed_in(), str(parse_id(assessment_id, "assessmentId", "ASM-6"))
            if actor.role not in ASSESSMENT_READERS:  # decided by the role alone, before any look-up
                raise errors.NotAuthorized("not a role that reads assessments")
        except errors.DomainError as e:
            return read_refusal(e)
        view, services = ctx.services.assessment.view, ctx.services

        def read() -> AssessmentDetail | NotAuthorized | None:
            row = view.assessment(key)
            if row is None:
                return None
            assigned = actor.role is Role.ASESOR and view.is_assigned(key, actor.id)
            if not may_read_assessment(actor, row.lsp_code, row.candidate_number, assigned):
                return None  # someone else's reads as absent: a refusal must not tell that it exists
            ctx.saw(SeenView.ASSESSMENT, [candidate_record_id(row.lsp_code, row.candidate_number)])  # PDP-R
            now, today = services.registry.clock(), services.today()
            certificate = view.certificate_of(key)
            return AssessmentDetail(
                summary=AssessmentSummary.from_row(row, now),
                members=[m for m in (row.members or "").split(", ") if m],
                steps=[SopStepDone.from_row(s) for s in view.steps(key)],
                units=[UnitRecommendation.from_row(u) for u in view.units(key)],
                evidence=[AssessmentEvidence.from_row(e) for e in view.evidence(key)],
                appeals=[Appeal.from_row(a) for a in view.appeals(key)],
                certificate=CompetencyCertificate.from_row(certificate, today) if certificate else None,
                # a representative's name is the holder's business and the LSP's, not the asesor's
                hand_overs=[
                    HandOver.from_row(h, with_name=actor.role is not Role.ASESOR) for h in view.hand_overs(key)
                ],
            )

        return await ctx.read(LOG, position, read, LOG)
