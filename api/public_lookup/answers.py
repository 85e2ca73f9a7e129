"""The types both public look-ups answer with (issue 32, item 3): SIVIL's diplomas (/sivil/graphql, PIN-6) and the
competency certificates (/sertifikat/graphql, ASM-7) have one shape, so that a client written for one reads the
other. A look-up is a mutation (it spends its challenge and is recorded for the holder), takes one input with the
key, ``challengeToken`` and ``answer``, and answers the record or one of the same refusals:

``<Kind>NotFoundResult`` (every miss alike), ``RuleViolation`` (a malformed key, nothing spent), ``ChallengeRefused``,
``RateLimitedResult`` and ``Unavailable`` (temporary: ask again with the same challenge)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.public_lookup import challenge as ch
from api.public_lookup.rate_limit import RateLimited
from api.unavailable import MESSAGE, RETRY_AFTER, noted
from domain import errors


@strawberry.type(description="A question for a person (angka pengaman); send its token and answer with the look-up.")
class Challenge:
    question: str = strawberry.field(description="Bahasa Indonesia / English")
    question_indonesian: str
    question_english: str
    token: str
    expires_at: datetime

    @classmethod
    def issue(cls, challenges: ch.Challenges) -> Challenge:
        c = challenges.issue()
        return cls(
            question=c.question,
            question_indonesian=c.question_id,
            question_english=c.question_en,
            token=c.token,
            expires_at=c.expires_at,
        )


@strawberry.type
class Failure:
    rule_id: str
    field: str
    message: str


@strawberry.type(description="The question is malformed (PIN-0, PIN-1, ASM-7); nothing was looked up or spent.")
class RuleViolation:
    rule_id: str
    field: str
    message: str
    failures: list[Failure]

    @classmethod
    def from_error(cls, e: errors.RuleViolation) -> RuleViolation:
        failures = [Failure(rule_id=f.rule_id, field=f.field, message=f.message) for f in e.failures]
        return cls(rule_id=failures[0].rule_id, field=failures[0].field, message=failures[0].message, failures=failures)


ChallengeRefusal = strawberry.enum(ch.Refusal, name="ChallengeRefusal")


@strawberry.type
class ChallengeRefused:
    rule_id: str
    field: str
    reason: ChallengeRefusal  # type: ignore[valid-type]
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


Refusal = RuleViolation | ChallengeRefused | RateLimitedResult | Unavailable


def refusal(e: Exception, rule_id: str) -> Refusal:
    """A look-up's refusal as data; ``rule_id`` names the rule of the look-up (PIN-6, ASM-7) for the challenge and
    the rate limit. Anything else is raised again."""
    if isinstance(e, errors.RuleViolation):
        return RuleViolation.from_error(e)
    if isinstance(e, ch.ChallengeRefused):
        return ChallengeRefused(rule_id=rule_id, field=e.field, reason=e.reason, message=e.message)
    if isinstance(e, RateLimited):
        return RateLimitedResult(rule_id=rule_id, message=e.message, retry_after_seconds=e.retry_after)
    raise e


def unavailable(e: Exception) -> Unavailable:
    noted(e)
    return Unavailable(message=MESSAGE, retry_after=RETRY_AFTER)
