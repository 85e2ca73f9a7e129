"""Queries read read models only; each accepts the position of the caller's last write. A refusal (a malformed
argument, a caller not entitled to the record) is a member of the field's union, never a GraphQL error."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.arguments import optional_prodi
from api.graphql.connection import Connection, Slice, connection, whole
from api.graphql.context import Context
from api.graphql.diploma.types import Diploma, NinaEligibility, Verification
from api.graphql.enums import DiplomaStatusEnum
from api.graphql.errors import NotAuthorized, RuleViolation, read_refusal
from application.audit.reads import SeenView
from application.diploma.eligibility_as_of import eligibility_as_of
from domain import errors
from domain.diploma.nina import NINA
from domain.diploma.status import DiplomaStatus
from domain.registry.codes import ProdiCode, UniversityCode, student_key
from projections.eligibility.register import student_record_id

EligibilityResult = Annotated[
    NinaEligibility | NotAuthorized | RuleViolation, strawberry.union("NinaEligibilityQueryResult")
]
DiplomaResult = Annotated[Diploma | NotAuthorized | RuleViolation, strawberry.union("DiplomaQueryResult")]
DiplomasResult = Annotated[Connection[Diploma] | NotAuthorized | RuleViolation, strawberry.union("DiplomasQueryResult")]
VerificationsResult = Annotated[
    Connection[Verification] | NotAuthorized | RuleViolation, strawberry.union("VerificationsQueryResult")
]


@strawberry.type
class DiplomaQuery:
    @strawberry.field(
        description="May this student be reserved or paired now (or on a date), and if not, which rule ids fail "
        "and why (PIN-8). A past date applies the rules in force then to the records as they stood then (see "
        "recordsAsOf). For the university's staff, national staff and the student themself. Changes nothing."
    )
    async def nina_eligibility(
        self,
        info: Info[Context, None],
        university_code: str,
        nim: str,
        on: date | None = None,
        position: int | None = None,
    ) -> EligibilityResult | None:
        ctx = info.context
        today = ctx.services.today()
        day = on or today
        try:
            university_code, nim = student_key(university_code, nim)
            ctx.require_staff(university_code, nim)
            if day < today:  # as the records stood then, from the log (issue 12), not today's read model
                diplomas = ctx.services.diploma.commands
                row = await ctx.run(lambda: eligibility_as_of(diplomas, diplomas.rulesets, university_code, nim, day))
            else:
                row = await ctx.read(
                    "eligibility",
                    position,
                    lambda: ctx.services.diploma.eligibility.eligibility(university_code, nim, day),
                )
        except errors.DomainError as e:  # e.g. PIN-8: no ruleset in force on that day
            return read_refusal(e)
        if row is None:
            return None
        ctx.saw(SeenView.ELIGIBILITY, [student_record_id(university_code, nim)])  # PDP-R: a student found
        return NinaEligibility.from_row(row)

    @strawberry.field(
        description="A university's own record of one student's NINA (with the full name): for the university's "
        "staff, national staff and the student themself. Null: none reserved."
    )
    async def diploma(
        self, info: Info[Context, None], university_code: str, nim: str, position: int | None = None
    ) -> DiplomaResult | None:
        ctx = info.context
        try:
            university_code, nim = student_key(university_code, nim)
            ctx.require_staff(university_code, nim)
        except errors.DomainError as e:
            return read_refusal(e)
        row = await ctx.read(
            "numbering", position, lambda: ctx.services.diploma.numbering.diploma(university_code, nim)
        )
        if row is None:
            return None
        ctx.saw(SeenView.DIPLOMA, [student_record_id(row.university_code, row.nim)])  # PDP-R
        return Diploma.from_row(row)

    @strawberry.field(description="A university's reservations and pairings, optionally for one prodi or status.")
    async def diplomas(
        self,
        info: Info[Context, None],
        university_code: str,
        prodi_code: str | None = None,
        status: DiplomaStatusEnum | None = None,  # type: ignore[valid-type]
        first: int = 100,
        after: str | None = None,
        position: int | None = None,
    ) -> DiplomasResult:
        ctx = info.context
        try:
            code, page = UniversityCode.parse(university_code).value, Slice.parse(first, after)
            prodi = optional_prodi(prodi_code)
            ctx.require_staff(code)
        except errors.DomainError as e:
            return read_refusal(e)
        wanted = DiplomaStatus(status).value if status else None
        numbering = ctx.services.diploma.numbering

        def read() -> Connection[Diploma]:
            rows = numbering.register(code, prodi_code=prodi, status=wanted, limit=page.limit, offset=page.offset)
            total = numbering.register_count(code, prodi_code=prodi, status=wanted)
            ctx.saw(SeenView.DIPLOMA, (student_record_id(r.university_code, r.nim) for r in rows))  # PDP-R
            return connection(page, rows, total, Diploma.from_row)

        return await ctx.read("numbering", position, read)

    @strawberry.field(
        description="Who verified one diploma in SIVIL, and when (UU PDP processing trail): for its holder's "
        "request, answered by the university's staff or national staff. Never public."
    )
    async def verifications(
        self, info: Info[Context, None], university_code: str, prodi_code: str, nina: str
    ) -> VerificationsResult:
        ctx = info.context
        trail = ctx.services.diploma.sivil_public.trail
        try:
            code, prodi = UniversityCode.parse(university_code).value, ProdiCode.parse(prodi_code).value
            number = NINA.parse(nina, prodi_code=prodi).value
            ctx.require_staff(code)
        except errors.DomainError as e:
            return read_refusal(e)
        rows = await ctx.run(lambda: trail.for_diploma(code, prodi, number))
        return whole(rows, Verification.from_row)
