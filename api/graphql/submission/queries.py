"""The submission context's queries. Students see only their own submissions and DPI; SSC staff only their
university's; a forbidden read answers NotAuthorized and no data."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.arguments import parse_id
from api.graphql.connection import Connection, Slice, connection, sliced
from api.graphql.context import Context
from api.graphql.enums import CatalogProposalStatusEnum
from api.graphql.errors import NotAuthorized, RuleViolation, read_refusal
from api.graphql.submission.types import CatalogEntry, CatalogProposal, Dpi, ReviewQueue, Submission
from application.audit.reads import SeenView
from application.authorization import DPI_READERS, NATIONAL_ROLES, SSC, may_read_student
from domain import errors
from domain.audit import Actor, Role
from domain.registry.codes import UniversityCode, student_key
from domain.submission.status import ProposalStatus
from projections.eligibility.register import student_record_id

LOG = "submissions"  # the application whose positions these queries wait for
ASSESSMENTS = "assessments"  # the DPI also lists competency certificates (ASM-7), from that log


CatalogResult = Annotated[
    Connection[CatalogEntry] | NotAuthorized | RuleViolation, strawberry.union("CatalogQueryResult")
]
ProposalsResult = Annotated[
    Connection[CatalogProposal] | NotAuthorized | RuleViolation, strawberry.union("CatalogProposalsQueryResult")
]
SubmissionsResult = Annotated[
    Connection[Submission] | NotAuthorized | RuleViolation, strawberry.union("MySubmissionsQueryResult")
]
OneSubmissionResult = Annotated[Submission | NotAuthorized | RuleViolation, strawberry.union("SubmissionQueryResult")]
QueueResult = Annotated[ReviewQueue | NotAuthorized | RuleViolation, strawberry.union("ReviewQueueQueryResult")]
DpiResult = Annotated[Dpi | NotAuthorized | RuleViolation, strawberry.union("DpiQueryResult")]


def _member(ctx: Context, university_code: str) -> Actor:
    """Anyone of the university (students included), or national staff: the catalog is no one's personal data."""
    actor = ctx.signed_in()
    if actor.role not in NATIONAL_ROLES and actor.institution != university_code:
        raise errors.NotAuthorized("only the university's own people read its certification catalog")
    return actor


def _ssc(ctx: Context, university_code: str) -> Actor:
    actor = ctx.signed_in()
    if actor.role not in SSC or actor.institution != university_code:
        raise errors.NotAuthorized("only the university's student service centre (ssc_staff) reads this")
    return actor


@strawberry.type
class SubmissionQuery:
    @strawberry.field(description="The university's Certification Catalog: what may be submitted (SUB-1).")
    async def catalog(
        self,
        info: Info[Context, None],
        university_code: str,
        include_withdrawn: bool = False,
        first: int = 100,
        after: str | None = None,
        position: int | None = None,
    ) -> CatalogResult:
        ctx = info.context
        try:
            code, page = UniversityCode.parse(university_code).value, Slice.parse(first, after)
            _member(ctx, code)
        except errors.DomainError as e:
            return read_refusal(e)
        view = ctx.services.submission.view
        rows = await ctx.read(LOG, position, lambda: view.catalog(code, include_withdrawn=include_withdrawn), LOG)
        return sliced(page, rows, CatalogEntry.from_row)

    @strawberry.field(description="Proposals of new catalog entries (SUB-2): SSC staff see all, a student their own.")
    async def catalog_proposals(
        self,
        info: Info[Context, None],
        university_code: str,
        status: CatalogProposalStatusEnum | None = None,  # type: ignore[valid-type]
        first: int = 100,
        after: str | None = None,
        position: int | None = None,
    ) -> ProposalsResult:
        ctx = info.context
        try:
            code, page = UniversityCode.parse(university_code).value, Slice.parse(first, after)
            actor = _member(ctx, code)
            if actor.role not in SSC and actor.role is not Role.STUDENT:
                raise errors.NotAuthorized("proposals are read by SSC staff and by the students who made them")
        except errors.DomainError as e:
            return read_refusal(e)
        wanted = ProposalStatus(status).value if status else None
        view = ctx.services.submission.view
        own = actor.id if actor.role is Role.STUDENT else None  # a student reads only their own proposals

        def read() -> Connection[CatalogProposal]:
            rows = view.proposals(code, status=wanted, limit=page.limit, offset=page.offset, nim=own)
            return connection(page, rows, view.proposal_count(code, status=wanted, nim=own), CatalogProposal.from_row)

        return await ctx.read(LOG, position, read, LOG)

    @strawberry.field(description="The calling student's own submissions, newest first.")
    async def my_submissions(
        self, info: Info[Context, None], first: int = 100, after: str | None = None, position: int | None = None
    ) -> SubmissionsResult:
        ctx = info.context
        actor = ctx.actor
        if actor is None or actor.role is not Role.STUDENT or actor.institution is None:
            return NotAuthorized(message="mySubmissions is a student's own list: sign in with a student token")
        try:
            page = Slice.parse(first, after)
        except errors.RuleViolation as e:
            return RuleViolation.from_error(e)
        university_code = actor.institution
        view, today = ctx.services.submission.view, ctx.services.today()
        rows = await ctx.read(LOG, position, lambda: view.of_student(university_code, actor.id), LOG)
        return sliced(page, rows, lambda r: Submission.from_row(r, today))

    @strawberry.field(description="One submission: for its student, or their university's SSC staff.")
    async def submission(
        self, info: Info[Context, None], submission_id: str, position: int | None = None
    ) -> OneSubmissionResult | None:
        ctx = info.context
        try:
            actor, key = ctx.signed_in(), str(parse_id(submission_id, "submissionId", "SUB-8"))
            if actor.role is not Role.STUDENT and actor.role not in SSC:  # by the role alone, before any look-up
                raise errors.NotAuthorized("submissions are read by their student and their university's SSC staff")
        except errors.DomainError as e:
            return read_refusal(e)
        view = ctx.services.submission.view
        row = await ctx.read(LOG, position, lambda: view.submission(key), LOG)
        if row is None or not may_read_student(actor, SSC, row.university_code, row.nim):
            return None  # someone else's reads as absent: a refusal must not tell that it exists
        ctx.saw(SeenView.SUBMISSION, [student_record_id(row.university_code, row.nim)])  # PDP-R
        return Submission.from_row(row, ctx.services.today())

    @strawberry.field(description="SSC staff's queue: waiting submissions by due date, overdue first (SUB-9).")
    async def review_queue(
        self,
        info: Info[Context, None],
        university_code: str,
        first: int = 100,
        after: str | None = None,
        position: int | None = None,
    ) -> QueueResult:
        ctx = info.context
        try:
            code, page = UniversityCode.parse(university_code).value, Slice.parse(first, after)
            _ssc(ctx, code)
        except errors.DomainError as e:
            return read_refusal(e)
        view, today = ctx.services.submission.view, ctx.services.today()

        def read() -> ReviewQueue:
            rows = view.review_queue(code, limit=page.limit, offset=page.offset)
            ctx.saw(SeenView.SUBMISSION, (student_record_id(r.university_code, r.nim) for r in rows))  # PDP-R
            found = connection(page, rows, view.review_queue_count(code), lambda r: Submission.from_row(r, today))
            return ReviewQueue(**vars(found), overdue_count=view.overdue_count(code, today), today=today)

        return await ctx.read(LOG, position, read, LOG)

    @strawberry.field(description="A student's DPI: for the student, their SSC staff and graduation staff.")
    async def dpi(
        self,
        info: Info[Context, None],
        university_code: str,
        nim: str,
        position: int | None = None,
        certificates_position: Annotated[
            int | None,
            strawberry.argument(description="a position in the assessments log (ASM-7): wait for its certificates"),
        ] = None,
    ) -> DpiResult | None:
        ctx = info.context
        try:
            code, number = student_key(university_code, nim)
            if not may_read_student(ctx.signed_in(), DPI_READERS, code, number):
                raise errors.NotAuthorized("a DPI is read by its student and by their university's staff")
        except errors.DomainError as e:
            return read_refusal(e)
        view, services = ctx.services.submission.view, ctx.services
        if certificates_position is not None:
            await ctx.read(ASSESSMENTS, certificates_position, lambda: None, ASSESSMENTS)

        def read() -> Dpi | None:
            row = view.dpi(code, number)
            if row is None:
                return None
            ctx.saw(SeenView.DPI, [student_record_id(row.university_code, row.nim)])  # PDP-R
            digest = services.assessment.student_nik_digest(code, number)  # ASM-7: through the registry's NIK
            held = services.assessment.view.on_dpi(digest, row.finished_on)
            return Dpi.from_row(row, held, services.today())

        return await ctx.read(LOG, position, read, LOG)
