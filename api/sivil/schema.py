"""The public GraphQL schema of SIVIL (PIN-6), apart from the staff schema: a challenge, a look-up, a status.

No argument or input field takes a name: a diploma is found by its key, never by its holder.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, TypeVar

import strawberry
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from api.graphql.arguments import optional_day
from api.graphql.cost import Limits, extensions
from api.graphql.enums import PublicStatusEnum, StatusOnDayEnum
from api.graphql.registry.inputs import LevelEnum
from api.graphql.transport import Schema
from api.public_lookup import challenge as ch
from api.public_lookup.answers import (
    Challenge,
    ChallengeRefused,
    RateLimitedResult,
    Refusal,
    RuleViolation,
    Unavailable,
    refusal,
    unavailable,
)
from api.public_lookup.lane import PublicLane
from api.public_lookup.rate_limit import RateLimited
from api.sivil.download import DownloadTokens
from api.sivil.lookup import Asked, DiplomaNotFound, PublicLookup, Status, Verified, status_label
from api.unavailable import TEMPORARY, UnavailableErrors
from domain import errors
from domain.diploma.status import PublicStatus, StatusOnDay
from domain.registry.level import Level

T = TypeVar("T")
RULE = "PIN-6"  # the look-up's rule: its challenge and its rate limit


class SivilContext(BaseContext):
    def __init__(
        self,
        lookup: PublicLookup,
        challenges: ch.Challenges,
        downloads: DownloadTokens | None,
        address: str,
        lane: PublicLane,
    ) -> None:
        super().__init__()
        self.lookup = lookup
        self.challenges = challenges
        self.downloads = downloads  # None when no PDF renderer is wired
        self.address = address
        self.lane = lane

    async def run(self, fn: Callable[[], T]) -> T:
        """In the public lane's threads: a hung rate-limit store never holds the staff API's (issue 27)."""
        return await self.lane.run(fn)


@strawberry.type(description="A diploma as SIVIL shows it to anyone who asked rightly (PIN-6).")
class VerifiedDiploma:
    university_code: str
    university_name: str
    prodi_code: str
    programme_name: str
    level: LevelEnum  # type: ignore[valid-type]
    nina: str
    nim: str
    full_name: str
    graduation_date: date
    status: PublicStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="VALID, VOID (annulled from the start) or CANCELLED_IN_ERROR"
    )
    status_label: str
    status_date: date
    verified_at: datetime
    pdf_url: str | None = strawberry.field(description="a short-lived link to the verification PDF (PIN-7)")

    @classmethod
    def from_verified(cls, v: Verified, pdf_url: str | None) -> VerifiedDiploma:
        e = v.entry
        return cls(
            university_code=e.university_code,
            university_name=e.university_name,
            prodi_code=e.prodi_code,
            programme_name=e.programme_name,
            level=Level(e.level),
            nina=e.nina,
            nim=e.nim,
            full_name=e.full_name,
            graduation_date=date.fromisoformat(e.graduation_date),
            status=PublicStatus(e.status),
            status_label=status_label(e.status),
            status_date=date.fromisoformat(e.status_date),
            verified_at=v.verified_at,
            pdf_url=pdf_url,
        )


@strawberry.type(description="The status category on a day (VOID when a later annulment reaches back to it).")
class DiplomaStatus:
    on: date
    status: StatusOnDayEnum  # type: ignore[valid-type]
    status_label: str
    status_date: date | None
    current_status: PublicStatusEnum | None  # type: ignore[valid-type]
    current_status_date: date | None

    @classmethod
    def from_status(cls, s: Status, on: date) -> DiplomaStatus:
        return cls(
            on=on,
            status=StatusOnDay(s.status),
            status_label=s.label,
            status_date=optional_day(s.status_date),
            current_status=PublicStatus(s.current_status) if s.current_status else None,
            current_status_date=optional_day(s.current_status_date),
        )


@strawberry.type(description="The same answer for every miss: it never tells whether another diploma exists.")
class DiplomaNotFoundResult:
    message: str


VerifyResult = Annotated[
    VerifiedDiploma | DiplomaNotFoundResult | RuleViolation | ChallengeRefused | RateLimitedResult | Unavailable,
    strawberry.union("VerifyDiplomaResult"),
]
StatusResult = Annotated[
    DiplomaStatus | DiplomaNotFoundResult | RuleViolation | ChallengeRefused | RateLimitedResult | Unavailable,
    strawberry.union("StatusOnQueryResult"),
]


@strawberry.input
class VerifyDiplomaInput:
    university_code: str = strawberry.field(description="kode perguruan tinggi, 6 digits")
    prodi_code: str = strawberry.field(description="kode prodi, 5 digits")
    nina: str = strawberry.field(description="15 digits, as printed on the diploma")
    challenge_token: str
    answer: str


def _refusal(e: Exception) -> DiplomaNotFoundResult | Refusal:
    if isinstance(e, TEMPORARY):
        return unavailable(e)
    if isinstance(e, DiplomaNotFound):
        return DiplomaNotFoundResult(message=e.message)
    return refusal(e, RULE)


REFUSALS: tuple[type[Exception], ...] = (
    DiplomaNotFound,
    errors.RuleViolation,
    ch.ChallengeRefused,
    RateLimited,
    *TEMPORARY,
)


@strawberry.type(name="Query")
class Query:
    @strawberry.field(description="A fresh challenge; it expires within minutes and answers one look-up.")
    def challenge(self, info: Info[SivilContext, None]) -> Challenge:
        return Challenge.issue(info.context.challenges)


@strawberry.type(name="Query")
class QueryWithHistory(Query):
    @strawberry.field(
        description="The status category a diploma had on a date, from its history; no personal data. "
        "Like a look-up it needs an answered challenge (PIN-6)."
    )
    async def status_on(
        self,
        info: Info[SivilContext, None],
        university_code: str,
        prodi_code: str,
        nina: str,
        on: date,
        challenge_token: str,
        answer: str,
    ) -> StatusResult:
        ctx = info.context
        try:
            found = await ctx.run(
                lambda: ctx.lookup.status(
                    university_code=university_code,
                    prodi_code=prodi_code,
                    nina=nina,
                    address=ctx.address,
                    via="graphql-status",
                    on=on,
                    challenge=(challenge_token, answer),
                )
            )
        except REFUSALS as e:
            return _refusal(e)
        return DiplomaStatus.from_status(found, on)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Verify a diploma by university code, prodi code, NINA and an answered challenge (PIN-6). "
        "It spends the challenge and is recorded for the holder (UU PDP)."
    )
    async def verify_diploma(self, info: Info[SivilContext, None], input: VerifyDiplomaInput) -> VerifyResult:
        ctx = info.context
        try:
            verified = await ctx.run(
                lambda: ctx.lookup.verify(
                    university_code=input.university_code,
                    prodi_code=input.prodi_code,
                    nina=input.nina,
                    token=input.challenge_token,
                    answer=input.answer,
                    address=ctx.address,
                    via="graphql",
                )
            )
        except REFUSALS as e:
            return _refusal(e)
        pdf_url = None
        if ctx.downloads is not None:
            entry = verified.entry
            token = ctx.downloads.issue(Asked(entry.university_code, entry.prodi_code, entry.nina), ctx.address)
            pdf_url = f"/sivil/pdf?token={token}"
        return VerifiedDiploma.from_verified(verified, pdf_url)


# The public schema has no lists to page; a look-up document is a few fields deep.
LIMITS = Limits(max_depth=6, max_aliases=10, max_tokens=2000)


def public_schema(*, with_history: bool) -> strawberry.Schema:
    return Schema(
        query=QueryWithHistory if with_history else Query,
        mutation=Mutation,
        extensions=[*extensions(LIMITS), UnavailableErrors],
    )
