"""Aggregates lent from one command to the next (issue 35): a hot command need not read what this process just wrote.

A command that ends well gives back the aggregates it read through ``Service.lend``; the next command that lends
one takes it out of the shelf (no other thread holds it meanwhile, so no two commands ever share an object) instead
of reading its events again. A lent copy may be stale: another process may have written the aggregate since. That
is safe only where the command's outcome cannot rest on stale state unseen:

- an aggregate the command writes is checked by the write itself: its next version is taken, so the commit
  conflicts and the command reruns on fresh state (``Service.retrying``);
- a refusal decided on anything lent is decided again on fresh state before it is answered (a stale copy may
  refuse what the current state allows), unless the command says why a stale copy of it refuses exactly what a
  fresh one would (``Service.prefetch``'s ``refuses_alike``);
- what a command only reads may be lent only where a stale copy can refuse but never wrongly accept (the command
  says why where it lends one).

A rerun never lends: it reads everything fresh. An aggregate that still holds uncommitted events, or any
aggregate of a command that failed, is not given back (it is read again next time).

A copy on the shelf is taken as this process left it, without a read, only while its aggregate is calm; one that is
contested is brought up to date first (its events after the copy's version), so that another process's write is seen
before the decision rather than met as a conflict and paid for with a rerun. An aggregate is contested for
``CONTESTED_FOR`` seconds after the last sign of a writer elsewhere: a copy brought up to date that was behind, or a
commit of it that conflicted (every aggregate of that commit: the database does not say which). A lone process (or
processes on different sequences) thus reads only what it has not seen, while processes racing on one sequence bring
their copies up to date before each decision; the first conflict after a calm spell is what turns them to it. Calm or
contested changes only the cost, never the outcome: the rules above hold either way. A read that must happen anyway
(an aggregate not on the shelf) brings every copy asked with it up to date, at no extra query.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

# Aggregates kept per application and process: a graduation rush's hot sequences and programmes, and the students of
# the last few thousand commands (a student's aggregate is a few kilobytes).
SHELF_SIZE = 4096

# How long a sign of a writer elsewhere keeps an aggregate's copies brought up to date before use. Racing processes
# keep renewing it (each brings its copy up to date and finds the others' events); once they stop, a copy is taken as
# left again after this long. A sign missed costs one rerun, a needless read one query: seconds, not milliseconds.
CONTESTED_FOR = 30.0


class Shelf:
    """The aggregates given back by commands that ended well, least recently given back first out. Kept by their id's
    int (``_key``): a UUID hashes in Python, its int in C, and a command looks the shelf up a dozen times (issue 35)."""

    def __init__(
        self,
        size: int = SHELF_SIZE,
        *,
        contested_for: float = CONTESTED_FOR,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()
        self._contested_for = contested_for
        self._clock = clock
        self._contested: OrderedDict[Hashable, float] = OrderedDict()  # until when, the soonest first

    def take(self, aggregate_id: UUID) -> Any | None:
        key = aggregate_id.int if type(aggregate_id) is UUID else aggregate_id  # _key, in line
        with self._lock:
            return self._kept.pop(key, None)

    def give_back(self, aggregates: list[Any]) -> None:
        """Keeps each, unless the shelf holds a later version of it (given back meanwhile by another thread)."""
        kept = self._kept
        with self._lock:
            for aggregate in aggregates:
                aggregate_id = aggregate.id
                key = aggregate_id.int if type(aggregate_id) is UUID else aggregate_id  # _key, in line
                shelved = kept.pop(key, None)  # put back last: the most recently given back
                kept[key] = aggregate if shelved is None or shelved.version <= aggregate.version else shelved
            while len(kept) > self._size:
                kept.popitem(last=False)

    def contest(self, aggregate_ids: Iterable[UUID]) -> None:
        """A writer elsewhere was seen: these aggregates' copies are brought up to date before use for a while."""
        with self._lock:
            until = self._clock() + self._contested_for
            for aggregate_id in aggregate_ids:
                key = _key(aggregate_id)
                self._contested.pop(key, None)
                self._contested[key] = until
            while len(self._contested) > self._size:  # the soonest to end go first
                self._contested.popitem(last=False)

    def calm(self, aggregate_id: UUID) -> bool:
        """No writer elsewhere seen lately: a copy may be taken as left."""
        key = _key(aggregate_id)
        with self._lock:
            until = self._contested.get(key)
            if until is None:
                return True
            if until > self._clock():
                return False
            del self._contested[key]
            return True

    def all_calm(self, aggregate_ids: Iterable[UUID]) -> bool:
        """``calm`` of each, under one lock; without a look at any while no aggregate is contested."""
        with self._lock:
            contested = self._contested
            if not contested:
                return True
            now = self._clock()
            for aggregate_id in aggregate_ids:
                key = _key(aggregate_id)
                until = contested.get(key)
                if until is None:
                    continue
                if until > now:
                    return False
                del contested[key]
            return True

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._contested.clear()


def _key(aggregate_id: Hashable) -> Hashable:
    """How the shelf and a command's run key an aggregate: a UUID by its int (equal exactly when the UUIDs are)."""
    return aggregate_id.int if type(aggregate_id) is UUID else aggregate_id


@dataclass
class Attempt:
    """One run of a command inside ``Service.retrying``."""

    owner: object  # the application whose shelf it lends from (another's commands may run inside it)
    fresh: bool  # a rerun: nothing from the shelf
    # What it lent or read through ``lend`` (None: absent), by the id's int as the shelf keys them (``_key``).
    held: dict[int, Any] = field(default_factory=dict)
    as_left: set[int] = field(default_factory=set)  # held as the shelf had them, without a read
    alike: set[int] = field(default_factory=set)  # of those, the ones whose stale copy refuses as a fresh one would
    lends: bool = False  # the command lends at all (one that never does leaves nothing on the shelf)
    committed: bool = False  # it wrote something (a refusal after that is answered, never run again)
    connection: Any = None  # the connection it holds between its reads and its write, if any (``Service.retrying``)

    @property
    def from_shelf(self) -> bool:
        """Something it decides on came off the shelf unread: a refusal is then decided again on fresh state."""
        return bool(self.as_left - self.alike)

    def given_back(self) -> list[Any]:
        """What goes back to the shelf when the command ended well: every aggregate with no uncommitted event."""
        return [a for a in self.held.values() if a is not None and not a.pending_events]
