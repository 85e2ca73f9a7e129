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
from api.graphql.transport import Schema
from api.public_lane import PublicLane
from api.sivil import challenge as ch
from api.sivil.download import DownloadTokens
from api.sivil.lookup import Asked, DiplomaNotFound, PublicLookup, Status, Verified, status_label
from api.sivil.rate_limit import RateLimited
from api.unavailable import MESSAGE, RETRY_AFTER, TEMPORARY, UnavailableErrors, noted
from domain import errors

T = TypeVar("T")


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


@strawberry.type(description="A question for a person (angka pengaman); send its token and answer with the look-up.")
class Challenge:
    question: str = strawberry.field(description="Bahasa Indonesia / English")
    question_indonesian: str
    question_english: str
    token: str
    expires_at: datetime


@strawberry.type(description="A diploma as SIVIL shows it to anyone who asked rightly (PIN-6).")
class VerifiedDiploma:
    university_code: str
    university_name: str
    prodi_code: str
    programme_name: str
    level: str
    nina: str
    nim: str
    full_name: str
    graduation_date: date
    status: str = strawberry.field(description="VALID, VOID (annulled from the start) or CANCELLED_IN_ERROR")
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
            level=e.level,
            nina=e.nina,
            nim=e.nim,
            full_name=e.full_name,
            graduation_date=date.fromisoformat(e.graduation_date),
            status=e.status,
            status_label=status_label(e.status),
            status_date=date.fromisoformat(e.status_date),
            verified_at=v.verified_at,
            pdf_url=pdf_url,
        )


@strawberry.type(description="The status category on a day (VOID when a later annulment reaches back to it).")
class DiplomaStatus:
    on: date
    status: str = strawberry.field(description="VALID, VOID, CANCELLED_IN_ERROR or NOT_YET_RECORDED")
    status_label: str
    status_date: date | None
    current_status: str | None
    current_status_date: date | None

    @classmethod
    def from_status(cls, s: Status, on: date) -> DiplomaStatus:
        return cls(
            on=on,
            status=s.status,
            status_label=s.label,
            status_date=optional_day(s.status_date),
            current_status=s.current_status,
            current_status_date=optional_day(s.current_status_date),
        )


@strawberry.type(description="The same answer for every miss: it never tells whether another diploma exists.")
class DiplomaNotFoundResult:
    message: str


@strawberry.type
class Failure:
    rule_id: str
    field: str
    message: str


@strawberry.type(description="The question is malformed (PIN-0, PIN-1); nothing was looked up or spent.")
class RuleViolation:
    rule_id: str
    field: str
    message: str
    failures: list[Failure]

    @classmethod
    def from_error(cls, e: errors.RuleViolation) -> RuleViolation:
        failures = [Failure(rule_id=f.rule_id, field=f.field, message=f.message) for f in e.failures]
        return cls(rule_id=failures[0].rule_id, field=failures[0].field, message=failures[0].message, failures=failures)


ChallengeRefusal = ch.Refusal  # exposed to GraphQL as the enum ChallengeRefusal (registered below)
strawberry.enum(ch.Refusal, name="ChallengeRefusal")


@strawberry.type
class ChallengeRefused:
    rule_id: str
    field: str
    reason: ChallengeRefusal
    message: str


@strawberry.type
class RateLimitedResult:
    rule_id: str
    message: str
    retry_after_seconds: int


@strawberry.type(
    description="Temporary: the database could not be reached; nothing was looked up and the challenge was not "
    "spent. Ask again with the same challenge after retryAfter seconds."
)
class Unavailable:
    message: str
    retry_after: int = strawberry.field(description="seconds")


VerifyResult = Annotated[
    VerifiedDiploma | DiplomaNotFoundResult | RuleViolation | ChallengeRefused | RateLimitedResult | Unavailable,
    strawberry.union("VerifyDiplomaResult"),
]
StatusResult = Annotated[
    DiplomaStatus | DiplomaNotFoundResult | RuleViolation | ChallengeRefused | RateLimitedResult | Unavailable,
    strawberry.union("DiplomaStatusResult"),
]


@strawberry.input
class VerifyDiplomaInput:
    university_code: str = strawberry.field(description="kode perguruan tinggi, 6 digits")
    prodi_code: str = strawberry.field(description="kode prodi, 5 digits")
    nina: str = strawberry.field(description="15 digits, as printed on the diploma")
    challenge_token: str
    answer: str


def _refusal(
    e: Exception,
) -> DiplomaNotFoundResult | RuleViolation | ChallengeRefused | RateLimitedResult | Unavailable:
    if isinstance(e, TEMPORARY):
        noted(e)
        return Unavailable(message=MESSAGE, retry_after=RETRY_AFTER)
    if isinstance(e, DiplomaNotFound):
        return DiplomaNotFoundResult(message=e.message)
    if isinstance(e, errors.RuleViolation):
        return RuleViolation.from_error(e)
    if isinstance(e, ch.ChallengeRefused):
        return ChallengeRefused(rule_id=e.rule_id, field=e.field, reason=e.reason, message=e.message)
    if isinstance(e, RateLimited):
        return RateLimitedResult(rule_id=e.rule_id, message=e.message, retry_after_seconds=e.retry_after)
    raise e


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
        c = info.context.challenges.issue()
        return Challenge(
            question=c.question,
            question_indonesian=c.question_id,
            question_english=c.question_en,
            token=c.token,
            expires_at=c.expires_at,
        )


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
