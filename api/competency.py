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
from api.graphql.transport import Router, Schema
from api.public_lane import PublicLane
from api.sdl import mount
from api.sivil import challenge as ch
from api.sivil.address import ClientAddress
from api.sivil.lookup import SCOPE as LOOKUP_SCOPE
from api.sivil.rate_limit import RateLimited, RateLimiter
from api.unavailable import MESSAGE, RETRY_AFTER, TEMPORARY, UnavailableErrors, noted
from domain import errors
from domain.assessment.numbers import parse_number
from projections.assessment.rows import CertificateRow
from projections.assessment.view import AssessmentView

T = TypeVar("T")
# Counted within SIVIL's window (PIN-6), as the README says: one budget per address whichever register it probes, so
# that /sertifikat is not a second 30 a minute beside /sivil (issue 27).
SCOPE = LOOKUP_SCOPE
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


@strawberry.type(name="Challenge", description="A question for a person; send its token and answer with the look-up.")
class PublicChallenge:
    question: str
    token: str
    expires_at: datetime


@strawberry.type(description="Only what ASM-7 lets the public see.")
class VerifiedCertificate:
    registration_number: str
    holder_name: str
    skema_code: str
    skema_title: str
    lsp_code: str
    status: str = strawberry.field(description="VALID, EXPIRED or REVOKED, as of today")
    valid_from: date
    valid_until: date


@strawberry.type
class CertificateNotFoundResult:
    message: str


@strawberry.type
class Refused:
    rule_id: str
    field: str
    message: str


@strawberry.type
class RateLimitedResult:
    rule_id: str
    message: str
    retry_after_seconds: int


@strawberry.type
class UnavailableResult:
    message: str
    retry_after: int


VerifyResult = Annotated[
    VerifiedCertificate | CertificateNotFoundResult | Refused | RateLimitedResult | UnavailableResult,
    strawberry.union("VerifyCertificateResult"),
]


@strawberry.type(name="Query")
class Query:
    @strawberry.field(description="A fresh challenge; it expires within minutes and answers one look-up.")
    def challenge(self, info: Info[PublicContext, None]) -> PublicChallenge:
        c = info.context.lookup.challenges.issue()
        return PublicChallenge(question=c.question, token=c.token, expires_at=c.expires_at)

    @strawberry.field(description="A competency certificate by its registration number (ASM-7).")
    async def verify_certificate(
        self, info: Info[PublicContext, None], registration_number: str, challenge_token: str, answer: str
    ) -> VerifyResult:
        ctx = info.context
        try:
            row = await ctx.run(lambda: ctx.lookup.verify(registration_number, challenge_token, answer, ctx.address))
        except CertificateNotFound:
            return CertificateNotFoundResult(message=NOT_FOUND)
        except errors.RuleViolation as e:
            first = e.failures[0]
            return Refused(rule_id=first.rule_id, field=first.field, message=first.message)
        except ch.ChallengeRefused as e:
            return Refused(rule_id="ASM-7", field=e.field, message=e.message)
        except RateLimited as e:
            return RateLimitedResult(rule_id="ASM-7", message=e.message, retry_after_seconds=e.retry_after)
        except TEMPORARY as e:
            noted(e)
            return UnavailableResult(message=MESSAGE, retry_after=RETRY_AFTER)
        assert row.issued_on is not None and row.valid_until is not None
        return VerifiedCertificate(
            registration_number=row.registration_number,
            holder_name=row.holder_name,
            skema_code=row.skema_code,
            skema_title=row.skema_title,
            lsp_code=row.lsp_code,
            status=row.status(ctx.lookup.today()),
            valid_from=date.fromisoformat(row.issued_on),
            valid_until=date.fromisoformat(row.valid_until),
        )


# A public document is one question: shallow, few aliases, few tokens.
LIMITS = Limits(max_depth=4, max_aliases=4, max_tokens=200)
schema = Schema(query=Query, extensions=[*extensions(LIMITS), UnavailableErrors])


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
