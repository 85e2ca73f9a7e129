"""What national staff and an equivalency applicant see of their own: the Director General and the ministry the
open annulment proposals (PIN-5); the directorate's team its work queue (EQV-1); legal staff the formal reviews
waiting for them (EQV-8) and the same queue; auditors the logs they audit; an applicant their applications."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.connection import Connection, Slice, whole
from api.graphql.context import Context
from api.graphql.diploma.types import Diploma
from api.graphql.enums import EquivalencyStatusEnum
from api.graphql.equivalency.queries import _application_view
from api.graphql.equivalency.types import EquivalencyApplicationView, EquivalencyQueueItem
from api.graphql.errors import RuleViolation
from api.graphql.viewer.base import DEFAULT_PAGE, Viewer, paged
from api.graphql.viewer.records import OpenReview
from api.graphql.viewer.university import DiplomasPage
from application.audit.reads import SeenView
from domain import errors
from domain.diploma.status import ProposalStatus
from domain.equivalency.kinds import Status
from projections.equivalency.rows import ApplicationRow, application_uuid

EQUIVALENCIES = "equivalencies"

QueuePage = Annotated[
    Connection[EquivalencyQueueItem] | RuleViolation, strawberry.union("EquivalencyQueueConnectionResult")
]
ReviewsPage = Annotated[Connection[OpenReview] | RuleViolation, strawberry.union("OpenReviewConnectionResult")]


@strawberry.type(description="The ministry's administrator or the Director General: national.")
class NationalViewer(Viewer):
    @strawberry.field(description="Universities' open annulment proposals, the oldest first (PIN-5).")
    async def annulment_proposals(
        self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None
    ) -> DiplomasPage:
        try:
            page = Slice.parse(first, after)
        except errors.RuleViolation as e:
            return RuleViolation.from_error(e)
        numbering, wanted = info.context.services.diploma.numbering, ProposalStatus.OPEN.value
        return await paged(
            info.context,
            page,
            lambda p: numbering.proposals(wanted, limit=p.limit, offset=p.offset),
            lambda: numbering.proposal_count(wanted),
            Diploma.from_row,
        )


def _seen(ctx: Context, rows: list[ApplicationRow]) -> list[ApplicationRow]:
    """PDP-R: the applications the directorate's people are shown in their queue."""
    ctx.saw(SeenView.APPLICATION, (application_uuid(r.registration_number) for r in rows))
    return rows


async def _queue(info: Info[Context, None], status: Status, first: int, after: str | None) -> QueuePage:
    try:
        page = Slice.parse(first, after)
    except errors.RuleViolation as e:
        return RuleViolation.from_error(e)
    view, today, wanted = info.context.services.equivalency.view, info.context.services.today(), Status(status).value
    return await paged(
        info.context,
        page,
        lambda p: _seen(info.context, view.work_queue(wanted, limit=p.limit, offset=p.offset)),
        lambda: view.work_queue_count(wanted),
        lambda r: EquivalencyQueueItem.from_row(r, view.working_days(r, today)),
    )


@strawberry.type(description="The directorate's equivalency team: its work queue (EQV-1).")
class DirectorateViewer(Viewer):
    @strawberry.field(description="Applications in one status; IN_REVIEW (the clock runs) by how long complete.")
    async def queue(
        self,
        info: Info[Context, None],
        status: EquivalencyStatusEnum = Status.IN_REVIEW,  # type: ignore[valid-type]
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> QueuePage:
        return await _queue(info, status, first, after)


@strawberry.type(description="Legal staff: formal reviews (PK) to decide, and the team's queue (EQV-8).")
class LegalViewer(Viewer):
    @strawberry.field(description="Formal reviews requested and not yet decided, the oldest first (EQV-8).")
    async def open_reviews(
        self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None
    ) -> ReviewsPage:
        try:
            page = Slice.parse(first, after)
        except errors.RuleViolation as e:
            return RuleViolation.from_error(e)
        view = info.context.services.equivalency.view
        return await paged(
            info.context,
            page,
            lambda p: view.open_reviews(limit=p.limit, offset=p.offset),
            view.open_review_count,
            lambda r: OpenReview.from_row(r[1], r[0], r[2]),
        )

    @strawberry.field(description="Applications in one status, as the team sees them.")
    async def queue(
        self,
        info: Info[Context, None],
        status: EquivalencyStatusEnum = Status.IN_REVIEW,  # type: ignore[valid-type]
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> QueuePage:
        return await _queue(info, status, first, after)


@strawberry.type(description="One event log an auditor audits, and how far it has been written.")
class AuditedLog:
    name: str
    last_position: int


@strawberry.type(description="An auditor: every context's logs, read through history, asOf and replayDecision.")
class AuditorViewer(Viewer):
    @strawberry.field(description="The event logs, by name, with their last position.")
    async def logs(self, info: Info[Context, None]) -> Connection[AuditedLog]:
        applications = info.context.services.applications

        def read() -> Connection[AuditedLog]:
            return whole(
                sorted(applications.items()),
                lambda item: AuditedLog(name=item[0], last_position=item[1].recorder.max_notification_id() or 0),
            )

        return await info.context.run(read)


@strawberry.type(description="An equivalency applicant (their token's subject is their portal account).")
class ApplicantViewer(Viewer):
    @strawberry.field(description="The applicant's own applications, by registration number.")
    async def applications(
        self, info: Info[Context, None], position: int | None = None
    ) -> Connection[EquivalencyApplicationView]:
        ctx, account = info.context, self.actor.id
        view, today = ctx.services.equivalency.view, ctx.services.today()

        def read() -> Connection[EquivalencyApplicationView]:
            return whole(view.of_account(account), lambda r: _application_view(view, r, today))

        return await ctx.read(EQUIVALENCIES, position, read, EQUIVALENCIES)
