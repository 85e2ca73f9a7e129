"""What competency certification's people see of their own: BNSP officers the national registers they write
(licences, skema, asesors, blangko); an LSP's staff, committee and head their LSP's licence, TUK, committee,
blangko and SOP pipeline; an asesor their registration and assignments; a candidate their assessments and
certificates."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.assessment.inputs import StepEnum
from api.graphql.assessment.types import AssessmentSummary, CompetencyCertificate
from api.graphql.connection import Connection, Slice, whole
from api.graphql.context import Context
from api.graphql.errors import RuleViolation
from api.graphql.viewer.base import DEFAULT_PAGE, Viewer, paged
from api.graphql.viewer.records import (
    Asesor,
    Blangko,
    CommitteeMember,
    Licence,
    Skema,
    Tuk,
)
from application.audit.reads import SeenView
from domain import errors
from domain.calendar import JAKARTA
from projections.assessment.rows import AssessmentRow, candidate_record_id

ASSESSMENTS = "assessments"

LicencesPage = Annotated[Connection[Licence] | RuleViolation, strawberry.union("LicenceConnectionResult")]
SkemaPage = Annotated[Connection[Skema] | RuleViolation, strawberry.union("SkemaConnectionResult")]
AsesorsPage = Annotated[Connection[Asesor] | RuleViolation, strawberry.union("AsesorConnectionResult")]
BlangkoPage = Annotated[Connection[Blangko] | RuleViolation, strawberry.union("BlangkoConnectionResult")]
AssessmentsPage = Annotated[
    Connection[AssessmentSummary] | RuleViolation, strawberry.union("AssessmentConnectionResult")
]


def _slice(first: int, after: str | None) -> Slice | RuleViolation:
    try:
        return Slice.parse(first, after)
    except errors.RuleViolation as e:
        return RuleViolation.from_error(e)


@strawberry.type(description="A BNSP officer: the national registers they write, read back (ASM-1 .. ASM-3, ASM-6).")
class BnspViewer(Viewer):
    @strawberry.field(description="Every LSP's licence, by LSP code (ASM-2).")
    async def licences(
        self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None
    ) -> LicencesPage:
        page, view = _slice(first, after), info.context.services.assessment.registers
        if isinstance(page, RuleViolation):
            return page
        return await paged(
            info.context,
            page,
            lambda p: view.licences(limit=p.limit, offset=p.offset),
            view.licence_count,
            Licence.from_row,
        )

    @strawberry.field(description="Every published skema, by code, at its latest version.")
    async def skema(self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None) -> SkemaPage:
        page, view = _slice(first, after), info.context.services.assessment.registers
        if isinstance(page, RuleViolation):
            return page
        return await paged(
            info.context, page, lambda p: view.skema(limit=p.limit, offset=p.offset), view.skema_count, Skema.from_row
        )

    @strawberry.field(description="Every registered asesor, by registration number, with their skema (ASM-3).")
    async def asesors(
        self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None
    ) -> AsesorsPage:
        page, view = _slice(first, after), info.context.services.assessment.registers
        if isinstance(page, RuleViolation):
            return page
        return await paged(
            info.context,
            page,
            lambda p: view.asesors(limit=p.limit, offset=p.offset),
            view.asesor_count,
            lambda r: Asesor.from_row(r, view.asesor_skema(r.asesor_number)),
        )

    @strawberry.field(description="Every blangko issued to an LSP, by number, and what it was used for (ASM-6).")
    async def blangko(
        self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None
    ) -> BlangkoPage:
        return await _blangko(info, None, first, after)


async def _blangko(info: Info[Context, None], lsp_code: str | None, first: int, after: str | None) -> BlangkoPage:
    page, view = _slice(first, after), info.context.services.assessment.registers
    if isinstance(page, RuleViolation):
        return page
    return await paged(
        info.context,
        page,
        lambda p: view.blangko(lsp_code=lsp_code, limit=p.limit, offset=p.offset),
        lambda: view.blangko_count(lsp_code=lsp_code),
        Blangko.from_row,
    )


@strawberry.type(description="An LSP's certification or administration head, committee member or head: their LSP.")
class LspViewer(Viewer):
    lsp_code: str

    @strawberry.field(description="The LSP's licence from BNSP (ASM-2). Null: not licensed.")
    async def licence(self, info: Info[Context, None]) -> Licence | None:
        view, code = info.context.services.assessment.registers, self.lsp_code
        row = await info.context.run(lambda: view.licence(code))
        return Licence.from_row(row) if row else None

    @strawberry.field(description="The LSP's TUK, by code.")
    async def tuk(self, info: Info[Context, None]) -> Connection[Tuk]:
        view, code = info.context.services.assessment.registers, self.lsp_code
        return whole(await info.context.run(lambda: view.tuk(code)), Tuk.from_row)

    @strawberry.field(description="The LSP's technical committee, dismissed members included (ASM-6).")
    async def committee(self, info: Info[Context, None]) -> Connection[CommitteeMember]:
        view, code = info.context.services.assessment.registers, self.lsp_code
        return whole(await info.context.run(lambda: view.committee(code)), CommitteeMember.from_row)

    @strawberry.field(description="The blangko BNSP issued to the LSP, by number.")
    async def blangko(
        self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None
    ) -> BlangkoPage:
        return await _blangko(info, self.lsp_code, first, after)

    @strawberry.field(description="Candidates in the SOP, by the due time of their next step: the overdue first.")
    async def pipeline(
        self,
        info: Info[Context, None],
        step: StepEnum | None = None,  # type: ignore[valid-type]
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> AssessmentsPage:
        page = _slice(first, after)
        if isinstance(page, RuleViolation):
            return page
        view, code, number = info.context.services.assessment.view, self.lsp_code, None if step is None else int(step)
        now = info.context.services.registry.clock().astimezone(JAKARTA)
        return await paged(
            info.context,
            page,
            lambda p: _seen(info.context, view.pipeline(code, step=number, limit=p.limit, offset=p.offset)),
            lambda: view.pipeline_count(code, step=number),
            lambda r: AssessmentSummary.from_row(r, now),
        )


@strawberry.type(description="An asesor (their token's subject is their BNSP registration number).")
class AsesorViewer(Viewer):
    @strawberry.field(description="The asesor's registration with BNSP and its skema (ASM-3).")
    async def registration(self, info: Info[Context, None]) -> Asesor | None:
        view, number = info.context.services.assessment.registers, self.actor.id

        def read() -> Asesor | None:
            row = view.asesor(number)
            return Asesor.from_row(row, view.asesor_skema(number)) if row else None

        return await info.context.run(read)

    @strawberry.field(description="The assessments the asesor is (or, with activeOnly false, was) assigned to.")
    async def assignments(
        self,
        info: Info[Context, None],
        active_only: bool = True,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> AssessmentsPage:
        page = _slice(first, after)
        if isinstance(page, RuleViolation):
            return page
        view, number, now = info.context.services.assessment.view, self.actor.id, info.context.services.registry.clock()
        return await paged(
            info.context,
            page,
            lambda p: view.assignments(number, active_only=active_only, limit=p.limit, offset=p.offset),
            lambda: view.assignment_count(number, active_only=active_only),
            lambda r: AssessmentSummary.from_row(r, now),
        )


@strawberry.type(description="A candidate (asesi; their token's subject is their candidate number at their LSP).")
class AsesiViewer(Viewer):
    lsp_code: str

    @strawberry.field(description="The candidate's assessments, newest first.")
    async def assessments(self, info: Info[Context, None]) -> Connection[AssessmentSummary]:
        view, lsp, number = info.context.services.assessment.view, self.lsp_code, self.actor.id
        now = info.context.services.registry.clock()
        rows = await info.context.run(lambda: view.of_candidate(lsp, number))
        return whole(rows, lambda r: AssessmentSummary.from_row(r, now))

    @strawberry.field(description="The candidate's certificates from this LSP, with their status today (ASM-7).")
    async def certificates(self, info: Info[Context, None]) -> Connection[CompetencyCertificate]:
        view, lsp, number = info.context.services.assessment.view, self.lsp_code, self.actor.id
        today = info.context.services.today()
        rows = await info.context.run(lambda: view.certificates_of_candidate(lsp, number))
        return whole(rows, lambda r: CompetencyCertificate.from_row(r, today))


def _seen(ctx: Context, rows: list[AssessmentRow]) -> list[AssessmentRow]:
    """PDP-R: the candidates an LSP's people are shown in their pipeline, each by their record id."""
    ctx.saw(SeenView.ASSESSMENT, (candidate_record_id(r.lsp_code, r.candidate_number) for r in rows))
    return rows
