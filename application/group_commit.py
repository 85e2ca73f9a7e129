"""Group commit: the commands of one process that commit at the same moment share a transaction (issue 35, item 2).

Each command still loads and decides on its own thread, on current state, and maps its events to stored events
there; only the INSERT is shared. The first command to commit when none is committing writes at once, alone (no
batching window, so a lone caller waits for nothing). The commands that arrive while a transaction is in flight
queue, and when it ends the first of them writes all of them in one transaction: the log's table lock (which
orders notifications) and the commit's flush are then paid once for the lot, not once each.

Every member gets its own answer: the positions of its own events. A batch that fails on a conflict (one member's
aggregate changed meanwhile, or a uniqueness claim taken) is written again member by member, so only the member in
conflict gets the ``IntegrityError`` (and reruns its command, ``Service.retrying``); its batch-mates commit. The
transaction is all or nothing, so a crash mid-batch leaves none of it: each member is then answered the error, as a
lone command would be. Two members touching the same aggregate never share a batch (they would conflict with each
other, not with the log): the later waits for the next one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent

# Members of one transaction at most: enough to pay the flush once for a rush, small enough that a failed batch
# written again one by one stays short.
MAX_BATCH = 64

Insert = Callable[[Sequence[StoredEvent]], Sequence[int] | None]


class _Wake:
    """What a member waits on: one thread waits, any wakes it, once or more. A ``threading.Event`` builds a
    ``Condition`` for each member, which was a twentieth of a command's CPU under 16 concurrent callers (issue 35);
    a lock held from the start and released to wake does the same for one waiter."""

    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lock.acquire()

    def set(self) -> None:
        with suppress(RuntimeError):  # woken already (a leader's turn handed over, then its own batch answered)
            self._lock.release()

    def wait(self) -> None:
        self._lock.acquire()


@dataclass(eq=False)
class _Member:
    stored: list[StoredEvent]
    ids: frozenset[UUID | str]  # the aggregates it writes
    done: _Wake = field(default_factory=_Wake)
    lead: bool = False  # woken to write the next batch rather than with an answer
    notification_ids: Sequence[int] | None = None
    error: BaseException | None = None


class GroupCommit:
    """One per application and process: ``insert`` is the recorder's ``insert_events`` (one transaction)."""

    def __init__(self, insert: Insert, *, max_batch: int = MAX_BATCH) -> None:
        self._insert = insert
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: list[_Member] = []
        self._writing = False  # a leader is writing (or about to): arrivals queue behind it

    @property
    def queued(self) -> int:
        """Commands waiting for a transaction (the one being written excluded)."""
        with self._lock:
            return len(self._queue)

    def insert(
        self, stored: list[StoredEvent], *, before_waiting: Callable[[], None] | None = None
    ) -> Sequence[int] | None:
        """Writes ``stored`` (one command's events) in a transaction, shared with whatever commands queued meanwhile;
        returns their notification ids, or raises what writing them alone would have raised. ``before_waiting`` is
        called before a member waits for another to write (a command gives back the connection it holds: the one
        writing may need it, when every other connection of the pool is held by a waiting member)."""
        with self._lock:
            alone = not self._writing and not self._queue
            if alone:
                self._writing = True
        if alone:  # none writing, none waiting (a lone caller, always): written at once, as a batch of one would be
            try:
                return self._insert(stored) or []
            finally:
                self._hand_over([])
        member = _Member(stored, frozenset(e.originator_id for e in stored))
        with self._lock:
            self._queue.append(member)
            if not self._writing:
                self._writing = member.lead = True
        if not member.lead:
            if before_waiting is not None:
                before_waiting()
            member.done.wait()
        if member.lead:  # first when idle, or handed the turn by the batch before
            self._lead()
        if member.error is not None:
            raise member.error
        return member.notification_ids

    def _lead(self) -> None:
        batch: list[_Member] = []
        try:
            with self._lock:
                batch = self._take()
            self._write(batch)
        finally:
            for member in batch:  # an interrupt mid-batch: whoever was not answered must not read it as success
                if member.notification_ids is None and member.error is None:
                    member.error = RuntimeError("the transaction was interrupted; retry the command")
            self._hand_over(batch)

    def _hand_over(self, batch: list[_Member]) -> None:
        """The batch written is answered, and the turn goes to the first of those that queued meanwhile, if any."""
        with self._lock:
            following = self._queue[0] if self._queue else None
            if following is None:
                self._writing = False
            else:
                following.lead = True
        for member in batch:
            member.done.set()
        if following is not None:
            following.done.set()

    def _take(self) -> list[_Member]:
        """The queue's members in arrival order, up to the limit, skipping any that shares an aggregate with one
        taken (it stays first in line for the next batch). The leader is the queue's first, so always taken."""
        taken: list[_Member] = []
        touched: set[UUID | str] = set()
        for member in self._queue:
            if len(taken) == self._max_batch:
                break
            if member.ids & touched:
                continue
            taken.append(member)
            touched |= member.ids
        self._queue = [m for m in self._queue if m not in taken]
        return taken

    def _write(self, batch: list[_Member]) -> None:
        if len(batch) == 1:
            self._write_alone(batch[0])
            return
        try:
            ids = self._insert([e for m in batch for e in m.stored])
        except IntegrityError:  # whose, the database does not say: each is written alone, and learns its own
            for member in batch:
                self._write_alone(member)
            return
        except BaseException as e:  # nothing was written (one transaction): each member is answered the error
            for member in batch:
                member.error = e
            if not isinstance(e, Exception):
                raise  # an interrupt still stops this thread, once its batch-mates are answered
            return
        start = 0
        for member in batch:
            end = start + len(member.stored)
            member.notification_ids = [] if ids is None else ids[start:end]  # None: a log without positions
            start = end

    def _write_alone(self, member: _Member) -> None:
        try:
            member.notification_ids = self._insert(member.stored) or []
        except BaseException as e:
            member.error = e
            if not isinstance(e, Exception):
                raise
