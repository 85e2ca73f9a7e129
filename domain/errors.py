"""Refusals that a command raises before any event is recorded."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """Base class: a command was refused and nothing changed."""


@dataclass(frozen=True)
class Failure:
    """One broken rule: its id (e.g. ``PIN-2.ipk``), the input field it concerns, and why."""

    rule_id: str
    field: str
    message: str


class RuleViolation(DomainError):
    def __init__(self, *failures: Failure) -> None:
        super().__init__("; ".join(f"{f.rule_id} ({f.field}): {f.message}" for f in failures))
        self.failures = failures

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(f.rule_id for f in self.failures)


def violation(rule_id: str, field: str, message: str) -> RuleViolation:
    return RuleViolation(Failure(rule_id, field, message))


class NotFound(DomainError):
    def __init__(self, what: str, key: str) -> None:
        super().__init__(f"{what} {key} is not registered")
        self.what = what
        self.key = key


class NotAuthorized(DomainError):
    pass


class Conflict(DomainError):
    """Another command changed the same aggregate first; the caller may retry."""
