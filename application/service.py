"""The base of our applications: typed aggregate loading, retry on conflict, and positions."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from application.receipt import Receipt
from domain.errors import Conflict, NotFound

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R", bound=Receipt)
T = TypeVar("T")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Service(Application[UUID]):
    """An eventsourcing Application with the conventions every command here follows."""

    # Optimistic-concurrency conflicts are retried by re-running the whole command, so the rerun
    # sees the winner's events and raises the precise domain error if one applies. Hot aggregates
    # (a NINA sequence during a graduation rush) need more than one rerun.
    max_attempts = 25

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        clock: Clock = utc_now,
        on_saved: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(env)
        self.clock = clock
        self._on_saved = on_saved

    def load(self, cls: type[A], aggregate_id: UUID, what: str, key: str) -> A:
        try:
            aggregate: Any = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(what, key) from None
        assert isinstance(aggregate, cls)
        return aggregate

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        try:
            aggregate: Any = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        assert isinstance(aggregate, cls)
        return aggregate

    def commit(self, *aggregates: Any) -> int | None:
        recordings = self.save(*aggregates)
        if not recordings:
            return None
        position = recordings[-1].notification.id
        if self._on_saved is not None:
            self._on_saved(position)
        return position

    def receipt(self, position: int | None) -> Receipt:
        return Receipt(self.name, position)

    def retrying(self, command: Callable[[], R]) -> R:
        for attempt in range(1, self.max_attempts + 1):
            try:
                return command()
            except IntegrityError:
                if attempt == self.max_attempts:
                    raise Conflict("another change to the same record won; retry the command") from None
                time.sleep(random.uniform(0, 0.005 * attempt))  # spread reruns of colliding writers
        raise AssertionError("unreachable")
