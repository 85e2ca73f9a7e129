"""Aggregates lent from one command to the next (issue 35): a hot command need not read what this process just wrote.

A command that ends well gives back the aggregates it read through ``Service.lend``; the next command that lends
one takes it out of the shelf (no other thread holds it meanwhile, so no two commands ever share an object) instead
of reading its events again. A lent copy may be stale: another process may have written the aggregate since. That
is safe only where the command's outcome cannot rest on stale state unseen:

- an aggregate the command writes is checked by the write itself: its next version is taken, so the commit
  conflicts and the command reruns on fresh state (``Service.retrying``);
- a refusal decided on anything lent is decided again on fresh state before it is answered (a stale copy may
  refuse what the current state allows);
- what a command only reads may be lent only where a stale copy can refuse but never wrongly accept (the command
  says why where it lends one).

A rerun never lends: it reads everything fresh. An aggregate that still holds uncommitted events, or any
aggregate of a command that failed, is not given back (it is read again next time).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

# Aggregates kept per application and process: a graduation rush's hot sequences and programmes, and the students of
# the last few thousand commands (a student's aggregate is a few kilobytes).
SHELF_SIZE = 4096


class Shelf:
    """The aggregates given back by commands that ended well, least recently given back first out."""

    def __init__(self, size: int = SHELF_SIZE) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[UUID, Any] = OrderedDict()

    def take(self, aggregate_id: UUID) -> Any | None:
        with self._lock:
            return self._kept.pop(aggregate_id, None)

    def give_back(self, aggregates: list[Any]) -> None:
        """Keeps each, unless the shelf holds a later version of it (given back meanwhile by another thread)."""
        with self._lock:
            for aggregate in aggregates:
                kept = self._kept.get(aggregate.id)
                if kept is None or kept.version <= aggregate.version:
                    self._kept[aggregate.id] = aggregate
                self._kept.move_to_end(aggregate.id)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


@dataclass
class Attempt:
    """One run of a command inside ``Service.retrying``."""

    owner: object  # the application whose shelf it lends from (another's commands may run inside it)
    fresh: bool  # a rerun: nothing from the shelf
    held: dict[UUID, Any] = field(default_factory=dict)  # what it lent or read through ``lend``; None: absent
    from_shelf: bool = False  # something it decides on came off the shelf (a refusal is then decided again)
    lends: bool = False  # the command lends at all (one that never does leaves nothing on the shelf)
    committed: bool = False  # it wrote something (a refusal after that is answered, never run again)

    def given_back(self) -> list[Any]:
        """What goes back to the shelf when the command ended well: every aggregate with no uncommitted event."""
        return [a for a in self.held.values() if a is not None and not a.pending_events]
