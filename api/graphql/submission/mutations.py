"""The submission context's mutations: the catalog (SUB-1, SUB-2), submissions and their review (SUB-3 .. SUB-9),
the thesis deadline (SUB-7) and the printed DPI (SUB-8). A student acts for themself: university and NIM come
from their token."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.graphql.arguments import parse_id
from api.graphql.commands import CommandResult, accepted, run_command
from api.graphql.context import Context
from api.graphql.submission.inputs import (
    AddCatalogEntryInput,
    CatalogAccepted,
    CatalogResult,
    DecideCatalogProposalInput,
    FinishDpiInput,
    ProposalAccepted,
    ProposalResult,
    ProposeCatalogEntryInput,
    ReuploadSubmissionInput,
    ReviewSubmissionInput,
    ReviseCatalogEntryInput,
    SetThesisDeadlineInput,
    SubmissionAccepted,
    SubmissionResult,
    SubmitCertificationInput,
    WithdrawCatalogEntryInput,
)
from application.submission.receipt import CatalogReceipt, ProposalReceipt, SubmissionReceipt
from domain.audit import Cause
from domain.submission.status import ProposalStatus, SubmissionStatus


def _catalog(r: CatalogReceipt) -> CatalogAccepted:
    return CatalogAccepted(position=r.position, entry_id=str(r.entry_id))


def _proposal(r: ProposalReceipt) -> ProposalAccepted:
    return ProposalAccepted(
        position=r.position, proposal_id=str(r.proposal_id), status=ProposalStatus(r.status), entry_id=_str(r.entry_id)
    )


def _submission(r: SubmissionReceipt) -> SubmissionAccepted:
    assert r.due_on is not None
    return SubmissionAccepted(
        position=r.position, submission_id=str(r.submission_id), status=SubmissionStatus(r.status), due_on=r.due_on
    )


def _str(value: object | None) -> str | None:
    return None if value is None else str(value)


def _me(c: Cause) -> tuple[str, str]:
    """The student's own key, from their token (``require_student`` refuses anyone else)."""
    return c.actor.institution or "", c.actor.id


@strawberry.type
class SubmissionMutation:
    @strawberry.mutation(description="SSC staff add a certification to their university's catalog (SUB-1).")
    async def add_catalog_entry(self, info: Info[Context, None], input: AddCatalogEntryInput) -> CatalogResult:
        app = info.context.services.submission.commands
        return await run_command(
            info,
            lambda c: app.add_catalog_entry(
                university_code=input.university_code, details=input.entry.parsed(), cause=c
            ),
            _catalog,
        )

    @strawberry.mutation(description="A new revision of a catalog entry; past submissions keep theirs (SUB-1).")
    async def revise_catalog_entry(self, info: Info[Context, None], input: ReviseCatalogEntryInput) -> CatalogResult:
        app = info.context.services.submission.commands
        return await run_command(
            info,
            lambda c: app.revise_catalog_entry(
                university_code=input.university_code,
                entry_id=parse_id(input.entry_id, "entryId", "SUB-1"),
                details=input.entry.parsed(),
                cause=c,
            ),
            _catalog,
        )

    @strawberry.mutation(description="No longer submittable; approved certifications stay on their DPI.")
    async def withdraw_catalog_entry(
        self, info: Info[Context, None], input: WithdrawCatalogEntryInput
    ) -> CatalogResult:
        app = info.context.services.submission.commands
        return await run_command(
            info,
            lambda c: app.withdraw_catalog_entry(
                university_code=input.university_code, entry_id=parse_id(input.entry_id, "entryId", "SUB-1"), cause=c
            ),
            _catalog,
        )

    @strawberry.mutation(description="A student proposes a new catalog entry, until proposals close (SUB-2).")
    async def propose_catalog_entry(self, info: Info[Context, None], input: ProposeCatalogEntryInput) -> ProposalResult:
        app = info.context.services.submission.commands
        return await run_command(
            info,
            lambda c: app.propose_catalog_entry(
                university_code=_me(c)[0],
                nim=_me(c)[1],
                details=input.entry.parsed(),
                cause=c,
                idempotency_key=info.context.idempotency_key,
            ),
            _proposal,
        )

    @strawberry.mutation(
        description="SSC staff accept a proposal into the catalog, or reject it with a remark (SUB-2)."
    )
    async def decide_catalog_proposal(
        self, info: Info[Context, None], input: DecideCatalogProposalInput
    ) -> ProposalResult:
        app = info.context.services.submission.commands
        return await run_command(
            info,
            lambda c: app.decide_catalog_proposal(
                university_code=input.university_code,
                proposal_id=parse_id(input.proposal_id, "proposalId", "SUB-2"),
                accept=input.accept,
                remark=input.remark,
                details=input.entry.parsed() if input.entry else None,
                cause=c,
            ),
            _proposal,
        )

    @strawberry.mutation(description="A student submits a passed, valid certification from the catalog for the DPI.")
    async def submit_certification(
        self, info: Info[Context, None], input: SubmitCertificationInput
    ) -> SubmissionResult:
        app = info.context.services.submission.commands
        return await run_command(
            info,
            lambda c: app.submit_certification(
                university_code=_me(c)[0],
                nim=_me(c)[1],
                entry_id=parse_id(input.catalog_entry_id, "catalogEntryId", "SUB-1"),
                claim=input.certification.parsed(),
                cause=c,
                idempotency_key=info.context.idempotency_key,
            ),
            _submission,
        )

    @strawberry.mutation(description="Unggah ulang: a rejected submission with new evidence or corrected data (SUB-8).")
    async def reupload_submission(self, info: Info[Context, None], input: ReuploadSubmissionInput) -> SubmissionResult:
        app = info.context.services.submission.commands
        return await run_command(
            info,
            lambda c: app.reupload_submission(
                university_code=_me(c)[0],
                nim=_me(c)[1],
                submission_id=parse_id(input.submission_id, "submissionId", "SUB-8"),
                claim=input.certification.parsed(),
                cause=c,
            ),
            _submission,
        )

    @strawberry.mutation(description="SSC staff approve: the certification is listed on the student's DPI (SUB-8).")
    async def approve_submission(self, info: Info[Context, None], input: ReviewSubmissionInput) -> SubmissionResult:
        app = info.context.services.submission.commands
        return await run_command(
            info,
            lambda c: app.approve_submission(
                university_code=input.university_code,
                submission_id=parse_id(input.submission_id, "submissionId", "SUB-8"),
                cause=c,
            ),
            _submission,
        )

    @strawberry.mutation(description="SSC staff reject, with a remark that tells the student why (SUB-8).")
    async def reject_submission(self, info: Info[Context, None], input: ReviewSubmissionInput) -> SubmissionResult:
        app = info.context.services.submission.commands
        return await run_command(
            info,
            lambda c: app.reject_submission(
                university_code=input.university_code,
                submission_id=parse_id(input.submission_id, "submissionId", "SUB-8"),
                remark=input.remark,
                cause=c,
            ),
            _submission,
        )

    @strawberry.mutation(description="The student's final-thesis upload deadline: the last day to submit (SUB-7).")
    async def set_thesis_deadline(self, info: Info[Context, None], input: SetThesisDeadlineInput) -> CommandResult:
        app = info.context.services.submission.commands
        return await accepted(
            info,
            lambda c: app.set_thesis_deadline(
                university_code=input.university_code, nim=input.nim, deadline=input.deadline, cause=c
            ),
        )

    @strawberry.mutation(description="Graduation staff print the DPI: it is FINISHED and no longer changes (SUB-8).")
    async def finish_dpi(self, info: Info[Context, None], input: FinishDpiInput) -> CommandResult:
        app = info.context.services.submission.commands
        return await accepted(
            info, lambda c: app.finish_dpi(university_code=input.university_code, nim=input.nim, cause=c)
        )
