"""Refusals that a command raises before any event is recorded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


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


class Collected:
    """Every failure of a form, so that one refusal names them all (each field parsed in turn)."""

    def __init__(self) -> None:
        self.failures: list[Failure] = []

    def attempt(self, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except RuleViolation as refused:
            self.failures.extend(refused.failures)
            return None

    def raise_any(self) -> None:
        if self.failures:
            raise RuleViolation(*self.failures)


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
