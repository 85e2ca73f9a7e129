"""Public verification of a competency certificate (ASM-7) at /sertifikat/graphql, apart from the staff schema.

As SIVIL's look-up (PIN-6): a certificate is found by its registration number after an answered challenge, within
the same rate limit per address; the answer shows only the holder's name, the skema, the LSP, the status and the
validity. Every miss, an unknown number or a certificate printed but not yet signed, answers the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Annotated, TypeVar

import strawberry
from fastapi import APIRouter, Request
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from api.competency_trail import CertificateTrail
from api.graphql.cost import Limits, extensions
from api.graphql.enums import CertificateStatusEnum
from api.graphql.transport import Router, Schema
from api.public_lookup import challenge as ch
from api.public_lookup.address import ClientAddress
from api.public_lookup.answers import (
    Challenge,
    ChallengeRefused,
    RateLimitedResult,
    RuleViolation,
    Unavailable,
    refusal,
    unavailable,
)
from api.public_lookup.lane import PublicLane
from api.public_lookup.rate_limit import LOOKUP_SCOPE, RateLimited, RateLimiter
from api.sdl import mount
from api.unavailable import TEMPORARY, UnavailableErrors
from domain import errors
from domain.assessment.kinds import CertificateStatus
from domain.assessment.numbers import parse_number
from projections.assessment.rows import CertificateRow
from projections.assessment.view import AssessmentView

T = TypeVar("T")
# Counted within SIVIL's window (PIN-6), as the README says: one budget per address whichever register it probes, so
# that /sertifikat is not a second 30 a minute beside /sivil (issue 27).
SCOPE = LOOKUP_SCOPE
RULE = "ASM-7"  # the look-up's rule: its challenge and its rate limit
NOT_FOUND = (
    "Tidak ada sertifikat kompetensi terbit dengan nomor registrasi ini. / "
    "No issued competency certificate has this registration number."
)


class CertificateNotFound(Exception):
    pass


class CertificateLookup:
    def __init__(
        self,
        view: AssessmentView,
        challenges: ch.Challenges,
        limiter: RateLimiter,
        today: Callable[[], date],
        trail: CertificateTrail,
        clock: Callable[[], datetime],
    ) -> None:
        self.view = view
        self.challenges = challenges
        self.limiter = limiter
        self.today = today
        self.trail = trail
        self.clock = clock

    def verify(self, registration_number: str, token: str, answer: str, address: str) -> CertificateRow:
        """Raises RuleViolation, RateLimited, ChallengeRefused or CertificateNotFound, in that order of checking."""
        number = parse_number(registration_number, "registrationNumber")
        self.limiter.hit(address, scope=SCOPE)
        ticket = self.challenges.check(token, answer)
        row = self.view.certificate(number)
        with self.challenges.spending(ticket):  # spent only on an answered look-up, as SIVIL's
            if row is None or row.issued_on is None:
                raise CertificateNotFound()
            self.trail.record(number, self.clock(), address, "graphql")  # the holder may ask who looked (UU PDP)
            return row


class PublicContext(BaseContext):
    def __init__(self, lookup: CertificateLookup, address: str, lane: PublicLane) -> None:
        super().__init__()
        self.lookup = lookup
        self.address = address
        self.lane = lane

    async def run(self, fn: Callable[[], T]) -> T:
        """In the public lane's threads, as SIVIL's look-ups (issue 27)."""
        return await self.lane.run(fn)


@strawberry.type(description="Only what ASM-7 lets the public see.")
class VerifiedCertificate:
    registration_number: str
    holder_name: str
    skema_code: str
    skema_title: str
    lsp_code: str
    status: CertificateStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="VALID, EXPIRED or REVOKED, as of today"
    )
    valid_from: date
    valid_until: date
    verified_at: datetime

    @classmethod
    def from_row(cls, row: CertificateRow, today: date, verified_at: datetime) -> VerifiedCertificate:
        assert row.issued_on is not None and row.valid_until is not None
        return cls(
            registration_number=row.registration_number,
            holder_name=row.holder_name,
            skema_code=row.skema_code,
            skema_title=row.skema_title,
            lsp_code=row.lsp_code,
            status=CertificateStatus(row.status(today)),
            valid_from=date.fromisoformat(row.issued_on),
            valid_until=date.fromisoformat(row.valid_until),
            verified_at=verified_at,
        )


@strawberry.type(description="The same answer for every miss: it never tells whether another certificate exists.")
class CertificateNotFoundResult:
    message: str


VerifyResult = Annotated[
    VerifiedCertificate
    | CertificateNotFoundResult
    | RuleViolation
    | ChallengeRefused
    | RateLimitedResult
    | Unavailable,
    strawberry.union("VerifyCertificateResult"),
]


@strawberry.input
class VerifyCertificateInput:
    registration_number: str = strawberry.field(description="as printed on the certificate")
    challenge_token: str
    answer: str


@strawberry.type(name="Query")
class Query:
    @strawberry.field(description="A fresh challenge; it expires within minutes and answers one look-up.")
    def challenge(self, info: Info[PublicContext, None]) -> Challenge:
        return Challenge.issue(info.context.lookup.challenges)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Verify a competency certificate by its registration number and an answered challenge (ASM-7). "
        "It spends the challenge and is recorded for the holder (UU PDP)."
    )
    async def verify_certificate(self, info: Info[PublicContext, None], input: VerifyCertificateInput) -> VerifyResult:
        ctx = info.context
        try:
            row = await ctx.run(
                lambda: ctx.lookup.verify(input.registration_number, input.challenge_token, input.answer, ctx.address)
            )
        except CertificateNotFound:
            return CertificateNotFoundResult(message=NOT_FOUND)
        except TEMPORARY as e:
            return unavailable(e)
        except (errors.RuleViolation, ch.ChallengeRefused, RateLimited) as e:
            return refusal(e, RULE)
        return VerifiedCertificate.from_row(row, ctx.lookup.today(), ctx.lookup.clock())


# A public document is one question: shallow, few aliases, few tokens.
LIMITS = Limits(max_depth=4, max_aliases=4, max_tokens=200)
schema = Schema(query=Query, mutation=Mutation, extensions=[*extensions(LIMITS), UnavailableErrors])


def create_certificate_router(
    *,
    view: AssessmentView,
    secret: str,
    limiter: RateLimiter,
    spent_challenges: ch.ChallengeLedger,
    clock: Callable[[], datetime],
    today: Callable[[], date],
    trail: CertificateTrail,
    trusted_proxies: Iterable[str] = (),
    lane: PublicLane | None = None,
) -> APIRouter:
    challenges = ch.Challenges(secret=secret, ledger=spent_challenges, clock=clock)
    lookup = CertificateLookup(view, challenges, limiter, today, trail, clock)
    address_of = ClientAddress(trusted_proxies)
    public = lane or PublicLane()

    async def context(request: Request) -> PublicContext:
        return PublicContext(lookup, address_of(request), public)

    router = APIRouter()
    mount(router, Router(schema, context_getter=context), "/sertifikat/graphql", schema)
    return router
