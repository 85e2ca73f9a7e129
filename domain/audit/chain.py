"""Tamper evidence (issue 12, item 3): every stored event chained to its predecessor by a hash over its bytes.

An event's hash covers exactly what the event store keeps of it (aggregate id, version, topic, state), so any
change to a stored event changes its hash. The chain links each log's events in position order:
``link(previous, position, event_hash)``, starting from ``GENESIS``. The chain is kept beside the log (the
keeper, ``projections/audit``) and its head is signed at checkpoints, so rewriting the log and the chain
together still disagrees with a signed head held elsewhere.

``verify`` walks a log and its chain side by side and names what it finds at each position: an event whose
bytes changed (altered), one chained but gone (removed), one present but never chained inside the chained
range (inserted), one whose bytes are another chained event's (reordered), and a chain whose own links or
signed heads disagree with what the events give (rewritten).
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar
from uuid import UUID

GENESIS = "0" * 64
T = TypeVar("T")


def event_hash(originator_id: UUID | str, version: int, topic: str, state: bytes) -> str:
    """SHA-256 over the stored event's parts, each length-prefixed so no two events share an encoding."""
    digest = hashlib.sha256()
    aggregate = originator_id if isinstance(originator_id, UUID) else UUID(originator_id)
    for part in (aggregate.bytes, version.to_bytes(8, "big", signed=True), topic.encode(), state):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def link(previous: str, position: int, hash_: str) -> str:
    """The chain's hash at a position: its predecessor's, the position, and the event's own hash."""
    return hashlib.sha256(f"{previous}:{position}:{hash_}".encode()).hexdigest()


class Tamper(StrEnum):
    ALTERED = "altered"  # the event's stored bytes changed
    REMOVED = "removed"  # a chained event is gone
    INSERTED = "inserted"  # an event appeared inside the chained range without being chained
    REORDERED = "reordered"  # the bytes at this position are those chained at another
    CHAIN_REWRITTEN = "chain_rewritten"  # the chain's own links, or a signed head, disagree with the events


@dataclass(frozen=True)
class Finding:
    log: str
    position: int
    kind: Tamper
    detail: str


@dataclass(frozen=True)
class Stored:
    """An event as its log holds it: its position and the hash of its bytes."""

    position: int
    hash: str


@dataclass(frozen=True)
class Link:
    """A row of the chain: the event's hash when it was chained, and the chain's hash there."""

    position: int
    event_hash: str
    chain_hash: str


@dataclass(frozen=True)
class Head:
    """A signed checkpoint whose signature has been checked: the chain's hash at a position."""

    position: int
    chain_hash: str


def verify(
    log: str,
    events: Iterable[Stored],
    chain: Iterable[Link],
    heads: Iterable[Head],
    locate: Callable[[str], int | None],
) -> Iterator[Finding]:
    """The findings of one log, in position order. ``locate`` finds the position a hash was chained at.

    The events are matched to the chain by their hashes, in order, not by position: after an event is removed or
    inserted and the later ones renumbered, the rest still match and only that one is reported. Only the chained
    range is judged: events after the chain's last link are new and not yet chained. The chain itself is judged
    row by row: each link must follow from the one before, and each signed checkpoint must hold the chain's hash
    at its position.
    """
    events_, rows = _Lookahead(events), _Lookahead(chain)
    pending = sorted(heads, key=lambda h: h.position)
    stored = GENESIS

    def consume_row() -> Iterator[Finding]:
        nonlocal stored
        row = next(rows)
        if link(stored, row.position, row.event_hash) != row.chain_hash:
            yield Finding(
                log, row.position, Tamper.CHAIN_REWRITTEN, "the chain's link does not follow from the one before"
            )
        stored = row.chain_hash
        while pending and pending[0].position <= row.position:
            head = pending.pop(0)
            if head.position < row.position:
                yield Finding(log, head.position, Tamper.CHAIN_REWRITTEN, "a signed checkpoint's position has no link")
            elif head.chain_hash != row.chain_hash:
                yield Finding(
                    log,
                    head.position,
                    Tamper.CHAIN_REWRITTEN,
                    f"the signed checkpoint at {head.position} disagrees with the chain: the log and its chain were "
                    "rewritten together at or before that position",
                )

    while (row := rows.peek()) is not None:
        event = events_.peek()
        if event is None:
            yield Finding(log, row.position, Tamper.REMOVED, "a chained event is missing")
            yield from consume_row()
            continue
        if event.hash == row.event_hash:
            next(events_)
            yield from consume_row()
            continue
        next_row, next_event = rows.peek(1), events_.peek(1)
        swapped_with_next = next_event is not None and next_event.hash == row.event_hash
        if next_row is not None and event.hash == next_row.event_hash and not swapped_with_next:
            yield Finding(log, row.position, Tamper.REMOVED, "a chained event is missing")
            yield from consume_row()
            continue
        elsewhere = locate(event.hash)
        if elsewhere is None and swapped_with_next:
            assert next_event is not None
            yield Finding(log, event.position, Tamper.INSERTED, "an event that was never chained")
            next(events_)
            continue
        if elsewhere is not None and elsewhere != row.position:
            yield Finding(log, row.position, Tamper.REORDERED, f"holds the event chained at position {elsewhere}")
        else:
            yield Finding(log, row.position, Tamper.ALTERED, "the stored bytes changed since chained")
        next(events_)
        yield from consume_row()
    for head in pending:  # signed beyond the chain's last link: its tail was cut off
        yield Finding(log, head.position, Tamper.CHAIN_REWRITTEN, "a signed checkpoint's position has no link")


class _Lookahead(Generic[T]):
    def __init__(self, items: Iterable[T]) -> None:
        self._items = iter(items)
        self._ahead: deque[T] = deque()

    def __iter__(self) -> _Lookahead[T]:
        return self

    def __next__(self) -> T:
        return self._ahead.popleft() if self._ahead else next(self._items)

    def peek(self, n: int = 0) -> T | None:
        """The item ``n`` places ahead, without taking it."""
        while len(self._ahead) <= n:
            item = next(self._items, None)
            if item is None:
                return None
            self._ahead.append(item)
        return self._ahead[n]
