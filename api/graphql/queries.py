"""Queries read read models only; each accepts the position of the caller's last write."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from api.graphql.context import Context
from api.graphql.types import Diploma, NinaEligibility, Verification


@strawberry.type
class Query:
    @strawberry.field(
        description="May this student be reserved or paired now (or on a date), and if not, which rule ids fail "
        "and why (PIN-8). Changes nothing."
    )
    async def nina_eligibility(
        self,
        info: Info[Context, None],
        university_code: str,
        nim: str,
        on: date | None = None,
        position: int | None = None,
    ) -> NinaEligibility | None:
        ctx = info.context
        ctx.require_staff(university_code)
        day = on or ctx.services.today()
        row = await ctx.read(
            "eligibility", position, lambda: ctx.services.eligibility.eligibility(university_code, nim, day)
        )
        return NinaEligibility.from_row(row) if row else None

    @strawberry.field(description="A university's own record of one student's NINA (staff view, with the full name).")
    async def diploma(
        self, info: Info[Context, None], university_code: str, nim: str, position: int | None = None
    ) -> Diploma | None:
        ctx = info.context
        ctx.require_staff(university_code)
        row = await ctx.read("numbering", position, lambda: ctx.services.numbering.diploma(university_code, nim))
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
    ) -> list[Diploma]:
        ctx = info.context
        ctx.require_staff(university_code)
        first = max(1, min(first, 500))
        rows = await ctx.read(
            "numbering",
            position,
            lambda: ctx.services.numbering.register(
                university_code, prodi_code=prodi_code, status=status, limit=first, offset=offset
            ),
        )
        return [Diploma.from_row(r) for r in rows]

    @strawberry.field(
        description="Who verified one diploma in SIVIL, and when (UU PDP processing trail): for its holder's "
        "request, answered by the university's staff or national staff. Never public."
    )
    async def verifications(
        self, info: Info[Context, None], university_code: str, prodi_code: str, nina: str
    ) -> list[Verification]:
        ctx = info.context
        ctx.require_staff(university_code)
        trail = ctx.services.sivil_public.trail
        rows = await ctx.run(lambda: trail.for_diploma(university_code, prodi_code, nina))
        return [Verification.from_row(r) for r in rows]
