"""Mutations run commands; each returns a success with the position to read after, or a refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, TypeVar

import strawberry
from strawberry.types import Info

from api.graphql.context import Context
from api.graphql.errors import Conflict, NotAuthorized, NotFound, Refusal, RuleViolation, Unavailable, refusal
from api.unavailable import TEMPORARY, noted
from application.receipt import Receipt
from domain.audit import Cause
from domain.errors import DomainError
from domain.personal import PersonalData
from domain.registry.accreditation import Accreditation
from domain.registry.gpa import GPA
from domain.registry.level import Level, Orientation
from domain.registry.period import Period
from domain.registry.record import Graduation, SemesterReport, SemesterStatus

T = TypeVar("T")
V = TypeVar("V")

LevelEnum = strawberry.enum(Level, name="Level")
OrientationEnum = strawberry.enum(Orientation, name="Orientation")
SemesterStatusEnum = strawberry.enum(SemesterStatus, name="SemesterStatus")


@strawberry.type
class Accepted:
    """The command was applied; ``position`` is null when it changed nothing (an identical repeat)."""

    position: int | None
    changed: bool


@strawberry.type
class NinaAccepted:
    position: int
    nina: str


CommandResult = Annotated[
    Accepted | RuleViolation | NotAuthorized | Conflict | NotFound | Unavailable, strawberry.union("CommandResult")
]
NinaResult = Annotated[
    NinaAccepted | RuleViolation | NotAuthorized | Conflict | NotFound | Unavailable, strawberry.union("NinaResult")
]


@strawberry.type
class AnnulmentAccepted:
    """An annulment command was applied (PIN-5); ``status`` is the diploma's status after it."""

    position: int
    nina: str
    status: str = strawberry.field(description="RESERVED, PAIRED, VOID or CANCELLED_IN_ERROR.")


AnnulmentResult = Annotated[
    AnnulmentAccepted | RuleViolation | NotAuthorized | Conflict | NotFound | Unavailable,
    strawberry.union("AnnulmentResult"),
]


@strawberry.input
class AccreditationInput:
    grade: str
    valid_from: date
    valid_until: date


@strawberry.input
class RegisterUniversityInput:
    code: str
    name: str


@strawberry.input
class RegisterProgrammeInput:
    university_code: str
    prodi_code: str
    name: str
    level: LevelEnum  # type: ignore[valid-type]
    orientation: OrientationEnum  # type: ignore[valid-type]
    accreditation: AccreditationInput | None = None


@strawberry.input
class RegisterStudentInput:
    university_code: str
    nim: str
    prodi_code: str
    entry_period: str
    full_name: str
    nik: str | None = None
    passport_number: str | None = None
    birth_place: str | None = None
    birth_date: date | None = None
    email: str | None = None


@strawberry.input
class ReportSemesterInput:
    university_code: str
    nim: str
    period: str
    status: SemesterStatusEnum  # type: ignore[valid-type]
    sks_taken: int
    ips: str
    ipk: str
    sks_passed: int


@strawberry.input
class WithdrawSemesterReportInput:
    university_code: str
    nim: str
    period: str
    reason: str | None = strawberry.field(default=None, description="Required (PIN-0): why the report was wrong.")


@strawberry.input
class RecordGraduationInput:
    university_code: str
    nim: str
    yudisium_number: str
    yudisium_date: date


@strawberry.input
class ReserveNinaInput:
    university_code: str
    nim: str


@strawberry.input
class PairNinaInput:
    university_code: str
    nim: str
    nina: str


@strawberry.input
class AnnulNinaInput:
    university_code: str
    nim: str
    reason: str | None = strawberry.field(default=None, description="Required (PIN-5.reason); staff only.")
    legal_basis: str | None = strawberry.field(
        default=None, description="Required (PIN-5.legal_basis): the decree or article applied."
    )


@strawberry.input
class ProposeAnnulmentInput:
    university_code: str
    nim: str
    reason: str | None = strawberry.field(default=None, description="Required (PIN-5.reason): what was in error.")


@strawberry.input
class DecideAnnulmentInput:
    university_code: str
    nim: str
    accept: bool
    remark: str | None = strawberry.field(default=None, description="Required to reject (PIN-5.remark).")


Command = Callable[[Cause], Receipt]


async def _run(info: Info[Context, None], command: Command, success: Callable[[Receipt], T]) -> T | Refusal:
    """Runs a command as the caller; a refusal becomes a union member and nothing was appended."""
    ctx = info.context
    try:
        cause = ctx.cause()
        receipt = await ctx.run(lambda: command(cause))
    except DomainError as e:
        return refusal(e)
    except TEMPORARY as e:  # the recorder's retries and the read stores' retry are spent
        noted(e)
        return Unavailable.now()
    return success(receipt)


async def _accepted(info: Info[Context, None], command: Command) -> Accepted | Refusal:
    return await _run(info, command, lambda r: Accepted(position=r.position, changed=r.changed))


async def _nina(info: Info[Context, None], command: Command) -> NinaAccepted | Refusal:
    return await _run(info, command, lambda r: NinaAccepted(position=_known(r.position), nina=_known(r.nina)))


async def _annulment(info: Info[Context, None], command: Command) -> AnnulmentAccepted | Refusal:
    return await _run(
        info,
        command,
        lambda r: AnnulmentAccepted(position=_known(r.position), nina=_known(r.nina), status=_known(r.status)),
    )


def _known(value: V | None) -> V:
    assert value is not None, "a command that changed something says what"
    return value


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Register or rename a university in the PDDIKTI registry (ministry).")
    async def register_university(self, info: Info[Context, None], input: RegisterUniversityInput) -> CommandResult:
        app = info.context.services.diplomas
        return await _accepted(info, lambda c: app.register_university(code=input.code, name=input.name, cause=c))

    @strawberry.mutation(description="Register a prodi with its level and accreditation (PIN-0).")
    async def register_programme(self, info: Info[Context, None], input: RegisterProgrammeInput) -> CommandResult:
        app = info.context.services.diplomas
        a = input.accreditation
        accreditation = Accreditation(a.grade, a.valid_from, a.valid_until) if a else None
        return await _accepted(
            info,
            lambda c: app.register_programme(
                university_code=input.university_code,
                prodi_code=input.prodi_code,
                name=input.name,
                level=Level(input.level),
                orientation=Orientation(input.orientation),
                accreditation=accreditation,
                cause=c,
            ),
        )

    @strawberry.mutation(description="Register a student (NIM, prodi, entry period, identity) as reported (PIN-0).")
    async def register_student(self, info: Info[Context, None], input: RegisterStudentInput) -> CommandResult:
        app = info.context.services.diplomas
        personal = PersonalData(
            full_name=input.full_name,
            nik=input.nik,
            passport_number=input.passport_number,
            birth_place=input.birth_place,
            birth_date=input.birth_date,
            email=input.email,
        )
        return await _accepted(
            info,
            lambda c: app.register_student(
                university_code=input.university_code,
                nim=input.nim,
                prodi_code=input.prodi_code,
                entry_period=input.entry_period,
                personal=personal,
                cause=c,
            ),
        )

    @strawberry.mutation(description="Report one semester; a second report for a period supersedes it (PIN-0).")
    async def report_semester(self, info: Info[Context, None], input: ReportSemesterInput) -> CommandResult:
        app = info.context.services.diplomas

        def command(c):  # type: ignore[no-untyped-def]
            report = SemesterReport(
                period=Period.parse(input.period),
                status=SemesterStatus(input.status),
                sks_taken=input.sks_taken,
                ips=GPA.parse(input.ips, "ips").value,
                ipk=GPA.parse(input.ipk, "ipk").value,
                sks_passed=input.sks_passed,
            )
            return app.report_semester(university_code=input.university_code, nim=input.nim, report=report, cause=c)

        return await _accepted(info, command)

    @strawberry.mutation(
        description="Withdraw a semester report made in error, with a reason (PIN-0): it no longer counts for "
        "the rules; the history keeps it. A correct report for the period can be sent again."
    )
    async def withdraw_semester_report(
        self, info: Info[Context, None], input: WithdrawSemesterReportInput
    ) -> CommandResult:
        app = info.context.services.diplomas
        return await _accepted(
            info,
            lambda c: app.withdraw_semester_report(
                university_code=input.university_code,
                nim=input.nim,
                period=input.period,
                reason=input.reason,
                cause=c,
            ),
        )

    @strawberry.mutation(description="Record graduation (yudisium decree number and date) (PIN-0).")
    async def record_graduation(self, info: Info[Context, None], input: RecordGraduationInput) -> CommandResult:
        app = info.context.services.diplomas
        graduation = Graduation(input.yudisium_number, input.yudisium_date)
        return await _accepted(
            info,
            lambda c: app.record_graduation(
                university_code=input.university_code, nim=input.nim, graduation=graduation, cause=c
            ),
        )

    @strawberry.mutation(description="Reserve (pesan) a NINA for a student (PIN-1, PIN-2, PIN-8).")
    async def reserve_nina(self, info: Info[Context, None], input: ReserveNinaInput) -> NinaResult:
        app = info.context.services.diplomas
        return await _nina(
            info, lambda c: app.reserve_nina(university_code=input.university_code, nim=input.nim, cause=c)
        )

    @strawberry.mutation(
        description="Pair (pasang) the reserved NINA with the graduate's NIM (PIN-3); SIVIL follows (PIN-4)."
    )
    async def pair_nina(self, info: Info[Context, None], input: PairNinaInput) -> NinaResult:
        app = info.context.services.diplomas
        return await _nina(
            info,
            lambda c: app.pair_nina(university_code=input.university_code, nim=input.nim, nina=input.nina, cause=c),
        )

    @strawberry.mutation(
        description="Annul a NINA (pembatalan, PIN-5): the Director General, with a reason and a legal basis. "
        "The diploma becomes VOID from the start; SIVIL shows the status and date, never the reason."
    )
    async def annul_nina(self, info: Info[Context, None], input: AnnulNinaInput) -> AnnulmentResult:
        app = info.context.services.diplomas
        return await _annulment(
            info,
            lambda c: app.annul_nina(
                university_code=input.university_code,
                nim=input.nim,
                reason=input.reason,
                legal_basis=input.legal_basis,
                cause=c,
            ),
        )

    @strawberry.mutation(
        description="Propose annulment (usulan pembatalan, PIN-5) of the university's own NINA reserved or paired "
        "in error: its leader, with a reason. The Director General decides."
    )
    async def propose_annulment(self, info: Info[Context, None], input: ProposeAnnulmentInput) -> AnnulmentResult:
        app = info.context.services.diplomas
        return await _annulment(
            info,
            lambda c: app.propose_annulment(
                university_code=input.university_code, nim=input.nim, reason=input.reason, cause=c
            ),
        )

    @strawberry.mutation(
        description="Decide an open annulment proposal (PIN-5): accepted, the NINA is CANCELLED_IN_ERROR; "
        "rejected, a remark is required."
    )
    async def decide_annulment(self, info: Info[Context, None], input: DecideAnnulmentInput) -> AnnulmentResult:
        app = info.context.services.diplomas
        return await _annulment(
            info,
            lambda c: app.decide_annulment_proposal(
                university_code=input.university_code,
                nim=input.nim,
                accept=input.accept,
                remark=input.remark,
                cause=c,
            ),
        )
