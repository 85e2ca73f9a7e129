"""The base of our applications: typed aggregate loading, retry on conflict, and positions."""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, Snapshot
from eventsourcing.persistence import IntegrityError, Notification, Recording, StoredEvent

from application.group_commit import GroupCommit
from application.idempotency import Keyed
from application.lending import Attempt, Shelf
from application.receipt import Receipt
from application.unit import STAGED, Unit
from domain.calendar import JAKARTA
from domain.errors import Conflict, DomainError, NotFound
from domain.idempotency import IdempotencyKey
from domain.personal import Sealer

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R", bound=Receipt)
T = TypeVar("T")

Clock = Callable[[], datetime]

log = logging.getLogger(__name__)

_UNSEEN = object()  # not loaded in this unit (None: loaded, and not found)
_unit: ContextVar[Unit | None] = ContextVar("unit", default=None)  # per thread: the API shares one application
_attempt: ContextVar[Attempt | None] = ContextVar("attempt", default=None)  # the command running in ``retrying``


class EventBatches(Protocol):
    """Many aggregates' stored events in one query (``infra.event_batches``)."""

    def events_of(self, originator_ids: Collection[UUID]) -> dict[UUID, list[StoredEvent]]: ...

    def events_after(self, versions: dict[UUID, int]) -> dict[UUID, list[StoredEvent]]: ...


class HeldConnection(Protocol):
    """The connection a command holds between its reads and its write (``infra.held_connection``)."""

    def give_back(self) -> None:
        """Back to the pool now (the command is about to wait); its next read takes one again."""
        ...


class BulkEvents(Protocol):
    """Many aggregates' new events written the cheapest way the store has (``infra.bulk_events``)."""

    def insert(self, events: Sequence[StoredEvent]) -> int:
        """Writes them in one transaction; returns the position of the last."""
        ...


_NO_DAY = (datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC), date.min)  # holds no instant


def _midnight(day: date) -> datetime:
    """The instant a day begins in Jakarta, in UTC: the clock's zone, so that comparing the two reads no offset."""
    return datetime.combine(day, datetime.min.time(), JAKARTA).astimezone(UTC)


def active_unit() -> Unit | None:
    return _unit.get()


def utc_now() -> datetime:
    return datetime.now(UTC)


def replay(aggregate: Any, events: Iterable[Any]) -> Any:
    """The library's ``project_aggregate`` without its per-event ``isinstance(e, CanMutateProtocol)`` assertion:
    a runtime Protocol check costs more than the mutation itself (a third of a replay, issue 8). Every event
    class here is an ``Aggregate.Event``, whose ``mutate`` the library defines."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class Turns:
    """One lock per named record, made on first use: this process's writers of that record take turns."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def lock(self, name: str) -> threading.Lock:
        lock = self._locks.get(name)  # a dict's get is atomic; a lock is made, under the guard, only for a new name
        if lock is None:
            with self._guard:
                lock = self._locks.setdefault(name, threading.Lock())
        return lock


class Service(Application[UUID]):
    """An eventsourcing Application with the conventions every command here follows."""

    # Optimistic-concurrency conflicts are retried by re-running the whole command, so the rerun
    # sees the winner's events and raises the precise domain error if one applies. Hot aggregates
    # (a NINA sequence during a graduation rush) need more than one rerun.
    max_attempts = 25

    # Around a command (``retrying``): where the store can, its reads and its write share one connection, taken at
    # the first and given back at the end (infra/held_connection.py); set by the composition root.
    one_connection: Callable[[], AbstractContextManager[HeldConnection | None]] = nullcontext

    # Aggregates whose history grows without end in normal use (a NINA sequence gains an event per NINA), or that a
    # hot command reads whole (a student), and how many events apart they are snapshotted: a load then replays at
    # most that many events after the latest snapshot, however long the history (issue 8). Snapshots are of committed
    # versions only, so every process may use them; a conflict is still decided by the event's version, never by a
    # snapshot. A past version (an audit's) is rebuilt from the latest snapshot at or before it, as the library does.
    snapshot_every: ClassVar[dict[type[Aggregate], int]] = {}

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        clock: Clock = utc_now,
        on_saved: Callable[[int], None] | None = None,
    ) -> None:
        if self.snapshot_every:
            env = {**(env or {}), "IS_SNAPSHOTTING_ENABLED": "y"}
        super().__init__(env)
        self.event_batches: EventBatches | None = None  # set by the composition root where the store has them
        self.bulk_events: BulkEvents | None = None  # likewise: a unit's flush writes through it
        # Where an aggregate's events stand in the log (``EventBatches.positions``): set by the composition root.
        self.event_positions: Callable[[UUID, int, int], dict[int, int]] | None = None
        self.clock = clock
        self._day = _NO_DAY  # ``today``'s last answer: from its midnight, to the next (Jakarta's)
        self._receipts: dict[int | None, Receipt] = {}  # the receipts of no change and of a staged one, made once
        self._turns = Turns()
        self._shelf = Shelf()  # aggregates lent from one command to the next (application/lending.py)
        self._on_saved = on_saved
        # ``snapshot_every``'s distinct intervals, and their greatest common divisor (a multiple of any is one of it)
        self._intervals: tuple[object, tuple[int, ...], int] = (None, (), 1)
        # Looked up on each write, so that a recorder replaced later (a test's fault) is the one written to.
        self._group = GroupCommit(lambda stored: self.recorder.insert_events(stored))

    def today(self) -> date:
        """The day in Jakarta, by this application's clock. The day is worked out again only when the clock has left
        the last one worked out (a bulk import asks on every line, issue 35); the answer is the same."""
        now = self.clock()
        start, end, day = self._day
        if now.tzinfo is not None and start <= now < end:
            return day
        day = now.astimezone(JAKARTA).date()
        with suppress(OverflowError):  # the calendar's first or last day has no midnight on one side: not kept
            self._day = (_midnight(day), _midnight(day + timedelta(days=1)), day)
        return day

    def load(self, cls: type[A], aggregate_id: UUID, what: str, key: str) -> A:
        aggregate = self.find(cls, aggregate_id)
        if aggregate is None:
            raise NotFound(what, key)
        return aggregate

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate, or None; an id of another kind of aggregate is none of this kind (ids derived from
        public keys can be computed by anyone, so a client may send one: it is not found, never an error)."""
        try:
            aggregate = self._get(cls, aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    def lend(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """``find``, but the aggregate may come as the last command of this process left it, without a read
        (application/lending.py says when that is safe: the caller writes it, or a stale copy can only refuse), unless
        a writer elsewhere was seen lately: the copy is then brought up to date. Within one run of a command, the same
        object each time."""
        attempt = _attempt.get()
        if attempt is None or attempt.owner is not self or _unit.get() is not None:
            return self.find(cls, aggregate_id)
        attempt.lends = True
        key = aggregate_id.int  # a run keys what it holds by the id's int (application/lending.py)
        aggregate = attempt.held.get(key, _UNSEEN)
        if aggregate is _UNSEEN:
            lent = None if attempt.fresh else self._shelf.take(aggregate_id)
            if lent is None:
                aggregate = attempt.held[key] = self.find(cls, aggregate_id)
            elif self._shelf.calm(aggregate_id):
                attempt.as_left.add(key)
                aggregate = attempt.held[key] = lent
            elif self.event_batches is not None:
                self._bring_up(attempt, [(aggregate_id, lent)], [])
                aggregate = attempt.held[key]
            else:
                aggregate = attempt.held[key] = self.find(cls, aggregate_id)
        # None (not found) is none of any class, and the class asked is most often the aggregate's own: both without
        # isinstance, which an aggregate's ABC metaclass answers in Python (issue 35)
        if aggregate is None or type(aggregate) is cls:
            return aggregate
        return aggregate if isinstance(aggregate, cls) else None

    def read(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """``find``, or the copy this run of a command already read or brought up to date (as good as a read; never
        one lent as left): what a decision must read fresh need not be read twice."""
        attempt = _attempt.get()
        if attempt is None or attempt.owner is not self or _unit.get() is not None:
            return self.find(cls, aggregate_id)
        key = aggregate_id.int
        if key not in attempt.held or key in attempt.as_left:
            return self.find(cls, aggregate_id)
        aggregate = attempt.held[key]
        return aggregate if isinstance(aggregate, cls) else None

    def prefetch(
        self,
        *aggregate_ids: UUID,
        shelved_only: Collection[UUID] = (),
        as_left: Collection[UUID] = (),
        refuses_alike: Collection[UUID] = (),
    ) -> None:
        """Reads in one query what a command is about to ``lend``: each aggregate it does not hold yet, whole, or,
        when a copy is on the shelf, only the events after that copy's version, so that what another process wrote
        meanwhile is seen here rather than met as a conflict. One in ``shelved_only`` (a snapshotted aggregate, whose
        whole history is long) is read here only when on the shelf; else ``lend`` loads it from its snapshot. One in
        ``as_left`` (the command writes it, or a stale copy can only refuse) is taken as the shelf has it while calm
        (application/lending.py); when every copy asked is, and nothing is to be read whole, there is no query. A
        refusal is decided again on fresh state if it may rest on such a copy, unless the copy is in ``refuses_alike``
        (the caller says why a stale copy refuses exactly what a fresh one would)."""
        attempt = _attempt.get()
        if attempt is None or attempt.owner is not self or _unit.get() is not None or self.event_batches is None:
            return
        attempt.lends = True
        held = attempt.held
        copies: list[tuple[UUID, Any]] = []
        whole: list[UUID] = []
        for aggregate_id in aggregate_ids:
            if aggregate_id.int in held:  # a command's second look (its serial name read them already)
                continue
            copy = None if attempt.fresh else self._shelf.take(aggregate_id)
            if copy is not None:
                copies.append((aggregate_id, copy))
            elif aggregate_id not in shelved_only:
                whole.append(aggregate_id)
        if not whole:
            if not copies:
                return
            left = {i.int for i in as_left}  # the callers' collections by int, as held keys them: no UUID hashed
            if all(i.int in left for i, _ in copies) and self._shelf.all_calm([i for i, _ in copies]):
                alike = {i.int for i in refuses_alike}
                for aggregate_id, copy in copies:
                    key = aggregate_id.int
                    held[key] = copy
                    attempt.as_left.add(key)
                    if key in alike:
                        attempt.alike.add(key)
                return
        self._bring_up(attempt, copies, whole)

    def _bring_up(self, attempt: Attempt, copies: list[tuple[UUID, Any]], whole: Collection[UUID]) -> None:
        """One query: the copies brought up to date (one that was behind is a sign of a writer elsewhere), and the
        aggregates in ``whole`` read whole (from their latest snapshot, where they have one, and the events after it:
        a reservation's student); all of them held by ``attempt``, by the id's int."""
        assert self.event_batches is not None
        after = {i: copy.version for i, copy in copies} if copies else {}
        after.update(dict.fromkeys(whole, 0))
        if not after:
            return
        stored = {i.int: events for i, events in self.event_batches.events_after(after).items()}
        copy_of = {}
        if copies:  # the shelf's lock and clock only when a copy was brought up to date
            self._shelf.contest(i for i, _ in copies if stored.get(i.int))
            copy_of = {i.int: copy for i, copy in copies}
        # a loop and a map, not a generator per aggregate (a command reads one or two whole: issue 35)
        to_domain_event, held = self.mapper.to_domain_event, attempt.held
        for aggregate_id in after:
            key = aggregate_id.int
            events = stored.get(key)
            copy = copy_of.get(key) if copies else None
            held[key] = replay(copy, map(to_domain_event, events)) if events else copy

    def _get(self, cls: type[A], aggregate_id: UUID) -> Any:
        """Once per unit of work, if one is active; a snapshotted class loads from its latest snapshot, any
        other skips the snapshot query it cannot use."""
        unit = _unit.get()
        if unit is not None and (seen := unit.seen.get(aggregate_id, _UNSEEN)) is not _UNSEEN:
            if seen is None:
                raise AggregateNotFoundError(aggregate_id)
            return seen
        if cls in self.snapshot_every:
            aggregate = self._from_snapshot(aggregate_id)
        else:
            aggregate = replay(None, self.repository.event_store.get(aggregate_id))
        if unit is not None:
            unit.seen[aggregate_id] = aggregate
        if aggregate is None:
            raise AggregateNotFoundError(aggregate_id)
        return aggregate

    def _from_snapshot(self, aggregate_id: UUID) -> Any:
        """The aggregate from its latest snapshot and the events after it: in one query where the store reads both
        together (``EventBatches.events_after``), else the library's two."""
        batches = self.event_batches
        if batches is None or getattr(batches, "snapshots", None) is None or self.repository.cache is not None:
            return self.repository.get(aggregate_id, projector_func=replay)
        stored = batches.events_after({aggregate_id: 0}).get(aggregate_id, ())
        return replay(None, (self.mapper.to_domain_event(e) for e in stored))

    @contextmanager
    def unit(self, sealer: Sealer | None = None) -> Iterator[Unit]:
        """Commands run inside stage their changes; ``flush`` saves them in one transaction (application/unit.py)."""
        if _unit.get() is not None:
            raise RuntimeError("units of work do not nest")
        unit = Unit(sealer=sealer)
        token = _unit.set(unit)
        try:
            yield unit
        finally:
            _unit.reset(token)

    def preload(self, aggregate_ids: Collection[UUID]) -> None:
        """Loads, in one query per 500, every aggregate a unit's commands are about to read (a bulk path knows
        them in advance); without batched reads, they load one by one as before."""
        unit = _unit.get()
        if unit is None or self.event_batches is None:
            return
        wanted = [i for i in aggregate_ids if i not in unit.seen]
        stored = self.event_batches.events_of(wanted)
        for aggregate_id in wanted:
            events = (self.mapper.to_domain_event(e) for e in stored.get(aggregate_id, ()))
            unit.seen[aggregate_id] = replay(None, events)

    def flush(self, unit: Unit) -> int | None:
        """Saves every aggregate the unit's commands changed, in one transaction; the unit starts afresh."""
        aggregates = unit.to_save()
        unit.seen.clear()
        unit.staged.clear()
        if not aggregates:
            return None
        self._forget(aggregates)
        if self.bulk_events is None:
            return self._saved(aggregates, self.save(*aggregates))
        # The library's save() less its per-event protocol checks and composite values (issue 35): the same stored
        # events, in the same order, in one transaction.
        events = [e for a in aggregates for e in a.collect_events()]
        position = self.bulk_events.insert([self.mapper.to_stored_event(e) for e in events])
        self._snapshot(tuple(aggregates), events)
        if self._on_saved is not None:
            self._on_saved(position)
        return position

    def commit(self, *aggregates: Any) -> int | None:
        """Saves the aggregates in one transaction and returns the position; inside a unit, only stages them.
        Commands of this process committing at the same moment share the transaction (application/group_commit.py)."""
        unit = _unit.get()
        if unit is not None:
            return STAGED if unit.stage(aggregates) else None
        try:
            events, ids = self._save_grouped(aggregates)
        except IntegrityError:  # one of them was written elsewhere (which, the database does not say)
            self._shelf.contest(a.id for a in aggregates)
            raise
        position = self._after_commit(aggregates, events[: len(ids)], ids[-1]) if ids else None
        self._forget(aggregates)
        return position

    def _forget(self, aggregates: Iterable[Any]) -> None:
        """What a command running in ``retrying`` wrote is given back when it ends well (application/lending.py);
        a copy on the shelf of what was written another way is stale: off the shelf (only a conflict would tell)."""
        attempt = _attempt.get()
        if attempt is not None and attempt.owner is not self:
            attempt = None  # another application's command: this one's shelf only loses its stale copies
        if attempt is not None:
            attempt.committed = True
        for aggregate in aggregates:
            if attempt is not None and attempt.lends:
                attempt.held[aggregate.id.int] = aggregate
            else:
                self._shelf.take(aggregate.id)

    def _save_grouped(self, aggregates: tuple[Any, ...]) -> tuple[list[Any], Sequence[int]]:
        """The library's ``save``, with its one INSERT shared with concurrent commands: the events are collected and
        mapped here, on the command's own thread, and only written by the group. Returns the events and their
        positions (none where the log has none)."""
        events: list[Any] = []
        for aggregate in aggregates:  # the library's collect_events less its runtime Protocol checks (a tenth of a
            events += aggregate.collect_events()  # command's CPU): every argument here is an Aggregate
        if not events:
            return [], ()
        stored = [self.mapper.to_stored_event(e) for e in events]
        attempt = _attempt.get()
        held = attempt.connection if attempt is not None and attempt.owner is self else None
        ids = self._group.insert(stored, before_waiting=held.give_back if held is not None else None) or ()
        if self.repository.cache and not self.repository.fastforward:
            for aggregate in aggregates:
                self.repository.cache.put(aggregate.id, aggregate)
        if self.snapshotting_intervals or type(self)._notify is not Application._notify:
            self._library_hooks(aggregates, events, stored, ids)  # neither is used here: no recording is made
        return events, ids

    def _library_hooks(
        self, aggregates: tuple[Any, ...], events: list[Any], stored: list[StoredEvent], ids: Sequence[int]
    ) -> None:
        """What the library's ``save`` does after its write: its own snapshots, and ``_notify``'s recordings."""
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        processing.events += events
        processing.aggregates.update((a.id, a) for a in aggregates)
        self._take_snapshots(processing)
        self._notify(
            [
                Recording(event, Notification(s.originator_id, s.originator_version, s.topic, s.state, id=i))
                for event, s, i in zip(events, stored, ids, strict=False)
            ]
        )

    def _saved(self, aggregates: list[Any], recordings: list[Recording[UUID]]) -> int | None:
        if not recordings:
            return None
        return self._after_commit(aggregates, [r.domain_event for r in recordings], recordings[-1].notification.id)

    def _after_commit(self, aggregates: Collection[Any], events: list[Any], position: int) -> int:
        self._snapshot(tuple(aggregates), events)
        if self._on_saved is not None:
            self._on_saved(position)
        return position

    def earlier(self, keyed: Keyed | None, cls: type[A]) -> tuple[A, int | None] | None:
        """IDEM-1: what a creating command called before with this key created, as it left it, and the position the
        first call answered (its claim was saved last); None when the key is new. Another command or input with the
        key is refused (IDEM-1.reused)."""
        if keyed is None:
            return None
        claim = self.find(IdempotencyKey, keyed.key_id)
        if claim is None:
            return None
        claim.check(keyed.command, keyed.digest)
        record = replay(None, self.repository.event_store.get(claim.record_id, lte=claim.record_version))
        if not isinstance(record, cls):
            raise AssertionError(f"the claim of key {keyed.key_id} names no {cls.__name__}")
        position = (self.event_positions(claim.id, 0, 1) if self.event_positions else {}).get(1)
        return record, position

    def receipt(self, position: int | None) -> Receipt:
        if position is None or position == STAGED:  # a unit's command (a line of an import): one receipt, immutable
            kept = self._receipts.get(position)
            if kept is None:
                kept = self._receipts[position] = Receipt(self.name, position)
            return kept
        return Receipt(self.name, position)

    def _snapshot(self, aggregates: tuple[Any, ...], events: list[Any]) -> None:
        """After the commit, not inside it: a snapshot that cannot be written costs only speed, so it never turns
        a committed command into a failed one."""
        every = self.snapshot_every
        if self.snapshots is None or not every:
            return
        seen, intervals, step = self._intervals
        if seen is not every:  # worked out once per mapping (a test may set another)
            intervals = tuple(set(every.values()))
            step = math.gcd(*intervals)
            self._intervals = every, intervals, step
        # An import's chunk saves thousands of events: the versions that are a multiple of some interval first (an int's
        # test), then whose they are (a UUID hashes in Python).
        multiples: dict[UUID, list[int]] = {}
        for e in events:
            version = e.originator_version
            if version % step:  # a multiple of no interval: most versions, at one test
                continue
            for n in intervals:
                if version % n == 0:
                    multiples.setdefault(e.originator_id, []).append(version)
                    break
        if not multiples:
            return
        saved = {a.id: a for a in aggregates if type(a) in every and a.id in multiples}
        due = [i for i, a in saved.items() if any(v % every[type(a)] == 0 for v in multiples[i])]
        if not due:
            return
        # An aggregate's own snapshot class where it has one (a typed state: domain/registry/student.py), as the
        # library's ``take_snapshot`` chooses; all of a save's in one write (an import's chunk takes hundreds).
        taken = [getattr(type(saved[i]), "Snapshot", Snapshot).take(saved[i]) for i in due]
        if not self._put_snapshots(taken) and len(taken) > 1:
            for snapshot in taken:  # one that cannot be written costs only its own
                self._put_snapshots([snapshot])

    def _put_snapshots(self, taken: list[Any]) -> bool:
        assert self.snapshots is not None
        try:
            self.snapshots.put(taken)
        except Exception:
            where = ", ".join(f"{s.originator_id} at version {s.originator_version}" for s in taken[:3])
            log.warning("%d snapshot(s) not written: %s", len(taken), where, exc_info=True)
            return False
        return True

    def retrying(self, command: Callable[[], R], *, serial: str | Callable[[], str] | None = None) -> R:
        """Runs ``command``, rerunning it on a conflict. ``serial`` names a hot record (a numbering sequence): the
        commands of this process that claim from it take turns, so they do not spend their reruns on one another
        (fifty threads racing optimistically left the last ones out of reruns); other processes still race. A
        callable ``serial`` is called in the first run's context, so what it reads is lent to that run."""
        if _unit.get() is not None:  # nothing is saved until the flush, which decides what a conflict means
            return command()
        outer = _attempt.get()  # a command run inside one of this application's reruns reads fresh too
        first = Attempt(self, fresh=outer is not None and outer.owner is self and outer.fresh)
        with self.one_connection() as held:  # from ``serial``'s read to the write, while nothing is waited for
            token = _attempt.set(first)
            try:
                name = serial() if callable(serial) else serial
            finally:
                _attempt.reset(token)
            if name is None:
                return self._rerun_on_conflict(command, first, held)
            turn = self._turns.lock(name)
            if not turn.acquire(blocking=False):
                if held is not None:
                    held.give_back()  # no connection is kept waiting for the turn
                turn.acquire()
            try:
                return self._rerun_on_conflict(command, first, held)
            finally:
                turn.release()

    def _rerun_on_conflict(self, command: Callable[[], R], first: Attempt, held: HeldConnection | None) -> R:
        attempt = first
        for number in range(1, self.max_attempts + 1):
            attempt.connection = held
            token = _attempt.set(attempt)
            try:
                result = command()
            except IntegrityError:
                if number == self.max_attempts:
                    raise Conflict("another change to the same record won; retry the command") from None
                if held is not None:
                    held.give_back()  # nor while the rerun waits
                time.sleep(random.uniform(0, 0.005 * number))  # spread reruns of colliding writers
                attempt = Attempt(self, fresh=True)
                continue
            except DomainError:
                if not attempt.from_shelf or attempt.committed or number == self.max_attempts:
                    raise
                attempt = Attempt(self, fresh=True)  # refused on lent state: decided again on fresh state
                continue
            finally:
                _attempt.reset(token)
            self._shelf.give_back(attempt.given_back())
            return result
        raise AssertionError("unreachable")
