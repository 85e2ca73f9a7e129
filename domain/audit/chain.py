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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

GENESIS = "0" * 64


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

    Only the chained range is judged: events after the chain's last link are new and not yet chained.
    """
    pending_heads = sorted(heads, key=lambda h: h.position)
    events_, links = _Peekable(events), iter(chain)
    event, row = next(events_, None), next(links, None)
    recomputed = stored = GENESIS  # the chain as the events give it, and as its rows give it
    clean = True  # no finding yet: a signed head is then the only way a consistent rewrite shows

    def heads_up_to(position: int) -> Iterator[Finding]:
        nonlocal clean
        while pending_heads and pending_heads[0].position <= position:
            head = pending_heads.pop(0)
            if clean and head.chain_hash != recomputed:
                clean = False
                yield Finding(
                    log,
                    head.position,
                    Tamper.CHAIN_REWRITTEN,
                    f"the signed checkpoint at {head.position} disagrees with the events up to it: the log and its "
                    "chain were rewritten together at or before that position",
                )

    while row is not None:
        if event is not None and event.position < row.position:
            yield from heads_up_to(event.position - 1)
            clean = False
            yield Finding(log, event.position, Tamper.INSERTED, "an event that was never chained")
            recomputed = link(recomputed, event.position, event.hash)
            event = next(events_, None)
            continue
        yield from heads_up_to(row.position - 1)
        expected = link(stored, row.position, row.event_hash)
        if expected != row.chain_hash:
            clean = False
            yield Finding(
                log, row.position, Tamper.CHAIN_REWRITTEN, "the chain's link here does not follow from its predecessor"
            )
        stored = row.chain_hash
        if event is None or event.position > row.position:
            clean = False
            yield Finding(log, row.position, Tamper.REMOVED, "a chained event is missing")
        else:
            if event.hash != row.event_hash:
                clean = False
                yield _mismatch(log, row, event, events_, locate)
            recomputed = link(recomputed, event.position, event.hash)
            event = next(events_, None)
        yield from heads_up_to(row.position)
        row = next(links, None)
    yield from heads_up_to(2**63)


def _mismatch(log: str, row: Link, event: Stored, following: _Peekable, locate: Callable[[str], int | None]) -> Finding:
    """What a position whose bytes are not those chained there shows: the events after it tell an insertion
    (the next event is the one chained here) from an alteration, and a removal (this is the one chained next)
    from a reordering."""
    elsewhere = locate(event.hash)
    if elsewhere is None:
        after = following.peek()
        if after is not None and after.hash == row.event_hash:
            return Finding(log, row.position, Tamper.INSERTED, "an event never chained, with the later ones moved up")
        return Finding(log, row.position, Tamper.ALTERED, "the stored bytes changed since chained")
    if elsewhere == row.position:
        return Finding(log, row.position, Tamper.ALTERED, "the stored bytes changed since chained")
    if elsewhere > row.position and following.peek_position_of(locate) == elsewhere + 1:
        return Finding(log, row.position, Tamper.REMOVED, "the event chained here is gone, the later ones moved down")
    return Finding(log, row.position, Tamper.REORDERED, f"holds the event chained at position {elsewhere}")


class _Peekable:
    def __init__(self, items: Iterable[Stored]) -> None:
        self._items = iter(items)
        self._next: list[Stored] = []

    def __iter__(self) -> _Peekable:
        return self

    def __next__(self) -> Stored:
        return self._next.pop() if self._next else next(self._items)

    def peek(self) -> Stored | None:
        if not self._next:
            item = next(self._items, None)
            if item is None:
                return None
            self._next.append(item)
        return self._next[-1]

    def peek_position_of(self, locate: Callable[[str], int | None]) -> int | None:
        """Where the next event was chained."""
        after = self.peek()
        return locate(after.hash) if after is not None else None
