"""Refusals as union members, so clients handle them as data, not as transport errors."""

from __future__ import annotations

import strawberry

from api.unavailable import MESSAGE, RETRY_AFTER
from domain import errors


@strawberry.type
class Failure:
    rule_id: str
    field: str
    message: str


@strawberry.type
class RuleViolation:
    """The first broken rule, and all of them in ``failures``; nothing was changed."""

    rule_id: str
    field: str
    message: str
    failures: list[Failure]

    @classmethod
    def from_error(cls, e: errors.RuleViolation) -> RuleViolation:
        failures = [Failure(rule_id=f.rule_id, field=f.field, message=f.message) for f in e.failures]
        first = failures[0]
        return cls(rule_id=first.rule_id, field=first.field, message=first.message, failures=failures)


@strawberry.type
class NotAuthorized:
    message: str


@strawberry.type
class Conflict:
    message: str


@strawberry.type
class NotFound:
    what: str
    key: str
    message: str


@strawberry.type(
    description="Temporary: the database could not be reached. Try again after retryAfter seconds; a command cut "
    "off this way may or may not have been applied, so read it back before repeating one that is not idempotent."
)
class Unavailable:
    message: str
    retry_after: int = strawberry.field(description="seconds")

    @classmethod
    def now(cls) -> Unavailable:
        return cls(message=MESSAGE, retry_after=RETRY_AFTER)


Refusal = RuleViolation | NotAuthorized | Conflict | NotFound | Unavailable


def refusal(e: errors.DomainError) -> Refusal:
    if isinstance(e, errors.RuleViolation):
        return RuleViolation.from_error(e)
    if isinstance(e, errors.NotAuthorized):
        return NotAuthorized(message=str(e))
    if isinstance(e, errors.Conflict):
        return Conflict(message=str(e))
    if isinstance(e, errors.NotFound):
        return NotFound(what=e.what, key=e.key, message=str(e))
    raise e


def read_refusal(e: errors.DomainError) -> NotAuthorized | RuleViolation:
    """A query's refusal: a malformed argument, or a read the caller is not entitled to."""
    if isinstance(e, errors.RuleViolation):
        return RuleViolation.from_error(e)
    return NotAuthorized(message=str(e))
