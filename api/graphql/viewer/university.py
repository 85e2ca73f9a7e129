"""What a university's people see of their own: the student their record, NINA, SIVIL trail, submissions, DPI and
certificates; the operator and the leader their university's students, semesters and reservations; SSC staff their
review queue and proposals; the PDDIKTI feed its university."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.arguments import optional_prodi
from api.graphql.assessment.types import CompetencyCertificate
from api.graphql.connection import Connection, Slice, whole
from api.graphql.context import Context
from api.graphql.diploma.queries import EligibilityResult
from api.graphql.diploma.types import Diploma, NinaEligibility, Verification
from api.graphql.enums import CatalogProposalStatusEnum as ProposalStatusEnum
from api.graphql.enums import DiplomaStatusEnum
from api.graphql.errors import RuleViolation
from api.graphql.submission.types import CatalogProposal, Dpi, Submission
from api.graphql.viewer.base import DEFAULT_PAGE, Viewer, paged
from api.graphql.viewer.imports import IMPORTS_DESCRIPTION, ImportsPage, imports_of
from api.graphql.viewer.records import Semester, StandingEnum, Student
from application.audit.reads import SeenView
from domain import errors
from domain.diploma.status import DiplomaStatus
from domain.registry.codes import NIM
from domain.submission.status import ProposalStatus
from projections.eligibility.register import Standing, StudentRow, student_record_id
from projections.numbering.rows import RegisteredDiploma
from projections.submission.rows import SubmissionRow

DIPLOMAS, SUBMISSIONS = "diplomas", "submissions"  # the logs whose positions the fields take

StudentsPage = Annotated[Connection[Student] | RuleViolation, strawberry.union("StudentConnectionResult")]
StudentResult = Annotated[Student | RuleViolation, strawberry.union("StudentResult")]
SemestersPage = Annotated[Connection[Semester] | RuleViolation, strawberry.union("SemesterConnectionResult")]
DiplomasPage = Annotated[Connection[Diploma] | RuleViolation, strawberry.union("DiplomaConnectionResult")]
SubmissionsPage = Annotated[Connection[Submission] | RuleViolation, strawberry.union("SubmissionConnectionResult")]
ProposalsPage = Annotated[
    Connection[CatalogProposal] | RuleViolation, strawberry.union("CatalogProposalConnectionResult")
]


@strawberry.type(description="A student (their token's subject is their NIM at their university): what is theirs.")
class StudentViewer(Viewer):
    @strawberry.field(description="The student's registry record, as their university reported it.")
    async def record(self, info: Info[Context, None]) -> Student | None:
        register, (university, nim) = info.context.services.diploma.students, self._key
        row = await info.context.run(lambda: register.student(university, nim))
        return Student.from_row(row) if row else None

    @strawberry.field(description="The semesters that count for the rules, in period order.")
    async def semesters(self, info: Info[Context, None]) -> Connection[Semester]:
        register, (university, nim) = info.context.services.diploma.students, self._key
        return whole(await info.context.run(lambda: register.reports(university, nim)), Semester.from_row)

    @strawberry.field(description="Whether a NINA may be reserved or paired for the student today (PIN-2, PIN-3).")
    async def eligibility(self, info: Info[Context, None]) -> EligibilityResult | None:
        ctx, (university, nim) = info.context, self._key
        view, today = ctx.services.diploma.eligibility, ctx.services.today()
        try:
            row = await ctx.run(lambda: view.eligibility(university, nim, today))
        except errors.RuleViolation as e:  # PIN-8: no ruleset in force today
            return RuleViolation.from_error(e)
        return NinaEligibility.from_row(row) if row else None

    @strawberry.field(description="The student's NINA and diploma (the latest, if one was cancelled in error).")
    async def diploma(self, info: Info[Context, None], position: int | None = None) -> Diploma | None:
        ctx, (university, nim) = info.context, self._key
        numbering = ctx.services.diploma.numbering
        row = await ctx.read("numbering", position, lambda: numbering.diploma(university, nim))
        return Diploma.from_row(row) if row else None

    @strawberry.field(description="Who verified the student's diploma in SIVIL, and when (UU PDP).")
    async def sivil_trail(self, info: Info[Context, None]) -> Connection[Verification]:
        ctx, (university, nim) = info.context, self._key
        numbering, trail = ctx.services.diploma.numbering, ctx.services.diploma.sivil_public.trail

        def read() -> Connection[Verification]:
            diploma = numbering.diploma(university, nim)
            rows = trail.for_diploma(university, diploma.prodi_code, diploma.nina) if diploma else []
            return whole(rows, Verification.from_row)

        return await ctx.run(read)

    @strawberry.field(description="The student's certification submissions (SUB), newest first.")
    async def submissions(self, info: Info[Context, None], position: int | None = None) -> Connection[Submission]:
        ctx, (university, nim) = info.context, self._key
        view, today = ctx.services.submission.view, ctx.services.today()
        rows = await ctx.read(SUBMISSIONS, position, lambda: view.of_student(university, nim), SUBMISSIONS)
        return whole(rows, lambda r: Submission.from_row(r, today))

    @strawberry.field(description="The student's DPI (SUB-8), with the competency certificates it lists (ASM-7).")
    async def dpi(self, info: Info[Context, None]) -> Dpi | None:
        ctx, (university, nim) = info.context, self._key
        services = ctx.services

        def read() -> Dpi | None:
            row = services.submission.view.dpi(university, nim)
            if row is None:
                return None
            digest = services.assessment.student_nik_digest(university, nim)
            held = services.assessment.view.on_dpi(digest, row.finished_on)
            return Dpi.from_row(row, held, services.today())

        return await ctx.run(read)

    @strawberry.field(description="The competency certificates the student holds (matched on their NIK, ASM-7).")
    async def certificates(self, info: Info[Context, None]) -> Connection[CompetencyCertificate]:
        ctx, (university, nim) = info.context, self._key
        services = ctx.services

        def read() -> Connection[CompetencyCertificate]:
            digest = services.assessment.student_nik_digest(university, nim)
            held = services.assessment.view.certificates_of_holder(digest) if digest else []
            today = services.today()
            return whole(held, lambda r: CompetencyCertificate.from_row(r, today))

        return await ctx.run(read)

    @property
    def _key(self) -> tuple[str, str]:
        return self.actor.institution or "", self.actor.id


def _seen(ctx: Context, rows: Sequence[StudentRow], view: SeenView = SeenView.STUDENT_LIST) -> Sequence[StudentRow]:
    """PDP-R: the students whose data a staff member is shown, each by their record id."""
    ctx.saw(view, (student_record_id(r.university_code, r.nim) for r in rows))
    return rows


def _queued(ctx: Context, rows: list[SubmissionRow]) -> list[SubmissionRow]:
    """PDP-R: the students whose submissions SSC staff are shown."""
    ctx.saw(SeenView.SUBMISSION, (student_record_id(r.university_code, r.nim) for r in rows))
    return rows


def _reserved(ctx: Context, rows: list[RegisteredDiploma]) -> list[RegisteredDiploma]:
    """PDP-R: the students whose NINA (and name) a staff member is shown."""
    ctx.saw(SeenView.DIPLOMA, (student_record_id(r.university_code, r.nim) for r in rows))
    return rows


def _standing(value: Standing | None) -> Standing | None:
    return None if value is None else Standing(value)


@strawberry.type(description="A university's operator or leader: the university's students and NINAs.")
class UniversityViewer(Viewer):
    university_code: str

    @strawberry.field(description="The university's students by NIM, filtered by prodi, standing or NIM prefix.")
    async def students(
        self,
        info: Info[Context, None],
        prodi_code: str | None = None,
        standing: StandingEnum | None = None,  # type: ignore[valid-type]
        nim_prefix: str | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> StudentsPage:
        try:
            page, prodi = Slice.parse(first, after), optional_prodi(prodi_code)
            prefix = None if nim_prefix is None else NIM.parse(nim_prefix, "nimPrefix").value
        except errors.RuleViolation as e:
            return RuleViolation.from_error(e)
        register, code, wanted = info.context.services.diploma.students, self.university_code, _standing(standing)
        return await paged(
            info.context,
            page,
            lambda p: _seen(
                info.context,
                register.students(
                    code, prodi_code=prodi, standing=wanted, nim_prefix=prefix, limit=p.limit, offset=p.offset
                ),
            ),
            lambda: register.count(code, prodi_code=prodi, standing=wanted, nim_prefix=prefix),
            Student.from_row,
        )

    @strawberry.field(description="One of the university's students. Null: no such student here.")
    async def student(self, info: Info[Context, None], nim: str) -> StudentResult | None:
        try:
            number = NIM.parse(nim).value
        except errors.RuleViolation as e:
            return RuleViolation.from_error(e)
        register, code = info.context.services.diploma.students, self.university_code
        row = await info.context.run(lambda: register.student(code, number))
        if row is None:
            return None
        _seen(info.context, [row], SeenView.STUDENT_RECORD)
        return Student.from_row(row)

    @strawberry.field(
        description="A student's semester reports that count, in period order (empty: none, or no such student here)."
    )
    async def semesters(self, info: Info[Context, None], nim: str) -> SemestersPage:
        try:
            number = NIM.parse(nim).value
        except errors.RuleViolation as e:
            return RuleViolation.from_error(e)
        register, code = info.context.services.diploma.students, self.university_code
        rows = await info.context.run(lambda: register.reports(code, number))
        if rows:  # PDP-R: keyed by the record the rows belong to, as found
            info.context.saw(SeenView.SEMESTERS, [student_record_id(code, number)])
        return whole(rows, Semester.from_row)

    @strawberry.field(description="The university's NINA reservations and pairings, in NINA order.")
    async def reservations(
        self,
        info: Info[Context, None],
        prodi_code: str | None = None,
        status: DiplomaStatusEnum | None = None,  # type: ignore[valid-type]
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        position: int | None = None,
    ) -> DiplomasPage:
        try:
            page, prodi = Slice.parse(first, after), optional_prodi(prodi_code)
        except errors.RuleViolation as e:
            return RuleViolation.from_error(e)
        ctx, code = info.context, self.university_code
        numbering, wanted = ctx.services.diploma.numbering, None if status is None else DiplomaStatus(status).value
        await ctx.read("numbering", position, lambda: None)
        return await paged(
            ctx,
            page,
            lambda p: _reserved(
                ctx, numbering.register(code, prodi_code=prodi, status=wanted, limit=p.limit, offset=p.offset)
            ),
            lambda: numbering.register_count(code, prodi_code=prodi, status=wanted),
            Diploma.from_row,
        )

    @strawberry.field(description=IMPORTS_DESCRIPTION)
    async def imports(
        self,
        info: Info[Context, None],
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        position: int | None = None,
    ) -> ImportsPage:
        return await imports_of(info.context, self.university_code, first, after, position)


@strawberry.type(description="A university's student service centre: its review queue and catalog proposals.")
class SscViewer(Viewer):
    university_code: str

    @strawberry.field(description="Submissions waiting for review, by due date: the overdue first (SUB-9).")
    async def review_queue(
        self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None
    ) -> SubmissionsPage:
        try:
            page = Slice.parse(first, after)
        except errors.RuleViolation as e:
            return RuleViolation.from_error(e)
        view, today, code = info.context.services.submission.view, info.context.services.today(), self.university_code
        return await paged(
            info.context,
            page,
            lambda p: _queued(info.context, view.review_queue(code, limit=p.limit, offset=p.offset)),
            lambda: view.review_queue_count(code),
            lambda r: Submission.from_row(r, today),
        )

    @strawberry.field(description="Waiting submissions already past their due date (SUB-9).")
    async def overdue_count(self, info: Info[Context, None]) -> int:
        view, today, code = info.context.services.submission.view, info.context.services.today(), self.university_code
        return await info.context.run(lambda: view.overdue_count(code, today))

    @strawberry.field(description="Students' proposals of catalog entries (SUB-2), oldest first.")
    async def catalog_proposals(
        self,
        info: Info[Context, None],
        status: ProposalStatusEnum | None = None,  # type: ignore[valid-type]
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> ProposalsPage:
        try:
            page = Slice.parse(first, after)
        except errors.RuleViolation as e:
            return RuleViolation.from_error(e)
        view, code = info.context.services.submission.view, self.university_code
        wanted = None if status is None else ProposalStatus(status).value
        return await paged(
            info.context,
            page,
            lambda p: view.proposals(code, status=wanted, limit=p.limit, offset=p.offset),
            lambda: view.proposal_count(code, status=wanted),
            CatalogProposal.from_row,
        )


@strawberry.type(description="A university's PDDIKTI feed: it reports for its own university.")
class FeedViewer(Viewer):
    university_code: str

    @strawberry.field(description=IMPORTS_DESCRIPTION)
    async def imports(
        self,
        info: Info[Context, None],
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        position: int | None = None,
    ) -> ImportsPage:
        return await imports_of(info.context, self.university_code, first, after, position)
