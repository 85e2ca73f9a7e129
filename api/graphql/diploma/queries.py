"""Queries read read models only; each accepts the position of the caller's last write."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.arguments import Page, optional_prodi
from api.graphql.context import Context
from api.graphql.diploma.types import Diploma, DiplomaPage, NinaEligibility, Verification
from api.graphql.errors import RuleViolation
from application.diploma.eligibility_as_of import eligibility_as_of
from domain import errors
from domain.diploma.nina import NINA
from domain.diploma.status import DiplomaStatus
from domain.errors import violation
from domain.registry.codes import ProdiCode, UniversityCode, student_key

EligibilityResult = Annotated[NinaEligibility | RuleViolation, strawberry.union("EligibilityResult")]
DiplomasResult = Annotated[DiplomaPage | RuleViolation, strawberry.union("DiplomasResult")]


def optional_status(status: str | None) -> str | None:
    if status is None:
        return None
    try:
        return DiplomaStatus(status).value
    except ValueError:
        known = ", ".join(s.value for s in DiplomaStatus)
        raise violation("PIN-0", "status", f"status is one of {known}") from None


@strawberry.type
class DiplomaQuery:
    @strawberry.field(
        description="May this student be reserved or paired now (or on a date), and if not, which rule ids fail "
        "and why (PIN-8). A past date applies the rules in force then to the records as they stood then (see "
        "recordsAsOf). Changes nothing."
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
        ctx.require_staff(university_code)
        today = ctx.services.today()
        day = on or today
        try:
            university_code, nim = student_key(university_code, nim)
            if day < today:  # as the records stood then, from the log (issue 12), not today's read model
                diplomas = ctx.services.diploma.commands
                row = await ctx.run(lambda: eligibility_as_of(diplomas, diplomas.rulesets, university_code, nim, day))
            else:
                row = await ctx.read(
                    "eligibility",
                    position,
                    lambda: ctx.services.diploma.eligibility.eligibility(university_code, nim, day),
                )
        except errors.RuleViolation as e:  # e.g. PIN-8: no ruleset in force on that day
            return RuleViolation.from_error(e)
        return NinaEligibility.from_row(row) if row else None

    @strawberry.field(description="A university's own record of one student's NINA (staff view, with the full name).")
    async def diploma(
        self, info: Info[Context, None], university_code: str, nim: str, position: int | None = None
    ) -> Diploma | None:
        ctx = info.context
        ctx.require_staff(university_code)
        try:
            university_code, nim = student_key(university_code, nim)
        except errors.RuleViolation:
            return None  # no diploma is kept under a key that cannot be given
        row = await ctx.read(
            "numbering", position, lambda: ctx.services.diploma.numbering.diploma(university_code, nim)
        )
        return Diploma.from_row(row) if row else None

    @strawberry.field(description="A university's reservations and pairings, optionally for one prodi or status.")
    async def diplomas(
        self,
        info: Info[Context, None],
        university_code: str,
        prodi_code: str | None = None,
        status: str | None = None,
        first: int = 100,
        offset: int = 0,
        position: int | None = None,
    ) -> DiplomasResult:
        ctx = info.context
        ctx.require_staff(university_code)
        try:
            code, page = UniversityCode.parse(university_code).value, Page.parse(first, offset)
            prodi, wanted = optional_prodi(prodi_code), optional_status(status)
        except errors.RuleViolation as e:
            return RuleViolation.from_error(e)
        rows = await ctx.read(
            "numbering",
            position,
            lambda: ctx.services.diploma.numbering.register(
                code, prodi_code=prodi, status=wanted, limit=page.first, offset=page.offset
            ),
        )
        return DiplomaPage(items=[Diploma.from_row(r) for r in rows], first=page.first, offset=page.offset)

    @strawberry.field(
        description="Who verified one diploma in SIVIL, and when (UU PDP processing trail): for its holder's "
        "request, answered by the university's staff or national staff. Never public."
    )
    async def verifications(
        self, info: Info[Context, None], university_code: str, prodi_code: str, nina: str
    ) -> list[Verification]:
        ctx = info.context
        ctx.require_staff(university_code)
        trail = ctx.services.diploma.sivil_public.trail
        try:
            code, prodi = UniversityCode.parse(university_code).value, ProdiCode.parse(prodi_code).value
            number = NINA.parse(nina, prodi_code=prodi).value
        except errors.RuleViolation:
            return []  # nothing was verified under a key that cannot exist
        rows = await ctx.run(lambda: trail.for_diploma(code, prodi, number))
        return [Verification.from_row(r) for r in rows]
