"""Remote assessment as BNSP approves it (ASM-5): the LSP's requirements per skema and its applications, BNSP's
decision, and the applications' status as BNSP and the LSP read it. Who may run each command is decided by the
command itself (application.authorization)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.commands import CommandResult, accepted
from api.graphql.connection import Connection, Slice, connection
from api.graphql.context import Context
from api.graphql.errors import NotAuthorized, RuleViolation, read_refusal
from api.graphql.scalars import instant
from application.assessment.remote import RemoteApplicationInput, parse_lsp
from application.authorization import LSP_READERS
from domain import errors
from domain.assessment.kinds import ApplicationStatus
from domain.audit import Role
from projections.remote_assessment.rows import RemoteApplicationRow, RemoteRequirementsRow

LOG = "assessments"
StatusEnum = strawberry.enum(ApplicationStatus, name="RemoteApplicationStatus")


@strawberry.input(description="What the LSP's TUK must provide to assess the skema remotely (ASM-5.tuk).")
class SetRemoteRequirementsInput:
    lsp_code: str
    skema_code: str
    requirements: list[str]


@strawberry.input(
    description="The Ketua LSP applies to BNSP for remote assessment (ASM-5.application): the SHA-256 of the SOP "
    "for remote assessment and of the description of its technology, both uploaded by the caller (POST /files)."
)
class ApplyForRemoteAssessmentInput:
    lsp_code: str
    sop_file: str
    technology_file: str
    technology: str  # the technology or application, named in a line


@strawberry.input(
    description="BNSP approves or refuses (with its reason) the LSP's pending application (ASM-5.approval)."
)
class DecideRemoteAssessmentInput:
    lsp_code: str
    number: int
    approved: bool
    reason: str | None = None


@strawberry.type
class RemoteApplication:
    lsp_code: str
    number: int
    status: StatusEnum  # type: ignore[valid-type]
    sop_sha256: str
    technology_sha256: str
    technology: str
    applied_at: datetime
    applied_by: str
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None

    @classmethod
    def from_row(cls, row: RemoteApplicationRow) -> RemoteApplication:
        fields = {
            "status": ApplicationStatus(row.status),
            "applied_at": instant(row.applied_at),
            "decided_at": instant(row.decided_at),
        }
        return cls(**{**row.__dict__, **fields})


@strawberry.type
class RemoteRequirements:
    skema_code: str
    requirements: list[str]

    @classmethod
    def from_row(cls, row: RemoteRequirementsRow) -> RemoteRequirements:
        return cls(skema_code=row.skema_code, requirements=row.requirements.split())


@strawberry.type(description="Applications for remote assessment (a page of them), and one LSP's requirements.")
class RemoteAssessmentStatus(Connection[RemoteApplication]):
    requirements: list[RemoteRequirements] = strawberry.field(
        description="One LSP's, one per skema; empty in BNSP's queue of every LSP"
    )


RemoteStatusResult = Annotated[
    RemoteAssessmentStatus | NotAuthorized | RuleViolation, strawberry.union("RemoteAssessmentQueryResult")
]


@strawberry.type
class RemoteAssessmentMutation:
    @strawberry.mutation(description="The LSP sets what its TUK must provide to assess a skema remotely (ASM-5.tuk).")
    async def set_remote_requirements(
        self, info: Info[Context, None], input: SetRemoteRequirementsInput
    ) -> CommandResult:
        return await accepted(
            info,
            lambda c: info.context.services.assessment.commands.set_remote_requirements(
                lsp_code=input.lsp_code, skema_code=input.skema_code, requirements=list(input.requirements), cause=c
            ),
        )

    @strawberry.mutation(description="The Ketua LSP applies to BNSP for remote assessment (ASM-5.application).")
    async def apply_for_remote_assessment(
        self, info: Info[Context, None], input: ApplyForRemoteAssessmentInput
    ) -> CommandResult:
        given = RemoteApplicationInput(input.sop_file, input.technology_file, input.technology)
        return await accepted(
            info,
            lambda c: info.context.services.assessment.commands.apply_for_remote_assessment(
                lsp_code=input.lsp_code, application=given, cause=c
            ),
        )

    @strawberry.mutation(description="BNSP approves or refuses an LSP's application (ASM-5.approval).")
    async def decide_remote_assessment(
        self, info: Info[Context, None], input: DecideRemoteAssessmentInput
    ) -> CommandResult:
        return await accepted(
            info,
            lambda c: info.context.services.assessment.commands.decide_remote_assessment(
                lsp_code=input.lsp_code, number=input.number, approved=input.approved, reason=input.reason, cause=c
            ),
        )


@strawberry.type
class RemoteAssessmentQuery:
    @strawberry.field(
        description="Applications for remote assessment and their status (ASM-5): an LSP's own for its people; "
        "for BNSP, one LSP's or (no lspCode) every LSP's, optionally by status."
    )
    async def remote_assessment(
        self,
        info: Info[Context, None],
        lsp_code: str | None = None,
        status: StatusEnum | None = None,  # type: ignore[valid-type]
        first: int = 100,
        after: str | None = None,
        position: int | None = None,
    ) -> RemoteStatusResult:
        ctx = info.context
        try:
            page, actor = Slice.parse(first, after), ctx.signed_in()
            lsp = parse_lsp(lsp_code) if lsp_code is not None else None
            if actor.role is not Role.BNSP_OFFICER and (
                actor.role not in LSP_READERS or lsp is None or actor.institution != lsp
            ):
                raise errors.NotAuthorized("an LSP's applications are read by BNSP and by the LSP's own people")
        except errors.DomainError as e:
            return read_refusal(e)
        view = ctx.services.assessment.remote
        wanted = ApplicationStatus(status).value if status is not None else None

        def read() -> RemoteAssessmentStatus:
            rows = view.applications(lsp, status=wanted, limit=page.limit, offset=page.offset)
            found = connection(page, rows, view.application_count(lsp, status=wanted), RemoteApplication.from_row)
            return RemoteAssessmentStatus(
                **vars(found),
                requirements=[RemoteRequirements.from_row(r) for r in view.requirements(lsp)] if lsp else [],
            )

        return await ctx.read("remote_assessment", position, read, LOG)
