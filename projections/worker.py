"""Runs projections by polling applications' notification logs: one code path for every store.

Each context's application has a log of its own; a projection follows the logs it names (all by default),
and its position in each is tracked apart, keyed by (projection, application), in the same transaction
as the rows it wrote.

The SQLite recorder cannot ``subscribe()``, so instead of the library's ProjectionRunner we read
``select_notifications`` after each projection's tracked position. PostgreSQL commits notification ids
in order (the recorder locks the table while inserting), so no event is skipped by polling.

A batch is applied to every read model that follows the log in one transaction (issue 35), each read model's
position moving with its rows; if anything fails there, it is rolled back and the batch is applied read model by
read model, so that one broken read model does not hold the others back.

A projection never stops on one event (issue 7, defect 1): a batch is applied in one transaction; when an
event fails with an error of its own (not of the connection, see ``failures.transient``), the batch is
retried in a fresh transaction with a savepoint per event, and an event that fails again is recorded in
``projection_failures``, logged, and skipped, while the events around it commit.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import typing
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification
from eventsourcing.utils import resolve_topic

from domain.personal import BatchUnsealer, Sealed
from projections import failures, shadow, tracking
from projections.batched import Batched
from projections.projection import Projection
from projections.status import ProjectionStatus
from projections.store import ReadStore, Transaction

logger = logging.getLogger(__name__)

Events = Sequence[tuple[Notification, Any]]
Handler = Callable[[Any, Transaction], None]
Handlers = dict[str, dict[type, Handler]]  # per target key: event class -> its bound handler
Handled = list[tuple[Notification, Handler | None, Any]]  # None: an undecodable event, raised to every read model
Exclusive = Callable[[str], AbstractContextManager[bool]]  # name -> whether this caller holds it (never waits)


FIRST_BATCH = 500  # a catch-up's first batch; the next ones double while full, up to ``batch_size``


class RebuildRunning(Exception):
    """Another rebuild of the same read model is under way, in this process or another: one at a time."""


def _in_process() -> Exclusive:
    """Without a lock across processes (tests that build a worker by hand): one holder per name in this one."""
    locks: dict[str, threading.Lock] = {}

    @contextmanager
    def held(name: str) -> Iterator[bool]:
        lock = locks.setdefault(name, threading.Lock())
        acquired = lock.acquire(blocking=False)
        try:
            yield acquired
        finally:
            if acquired:
                lock.release()

    return held


@dataclass(frozen=True)
class EventLog:
    """One application's notification log, as the worker reads it."""

    application: str
    recorder: ApplicationRecorder
    mapper: Mapper[Any]


@dataclass(frozen=True)
class _Target:
    """A projection applied to its live tables, or to its shadow tables during a rebuild, from one log."""

    key: str  # tracking and failures key
    projection: Projection
    log: EventLog
    shadow: bool = False

    def view(self, tx: Transaction) -> Transaction:
        return shadow.Renamed(tx, self.projection.tables) if self.shadow else tx


@dataclass(frozen=True)
class _Undecodable:
    """A notification the mapper could not turn into an event: a poison event for every projection."""

    error: Exception


class _Suspect(Exception):
    """An event failed for the first time; the transaction is rolled back and retried with savepoints."""

    def __init__(self, position: int) -> None:
        self.position = position


class ProjectionWorker:
    def __init__(
        self,
        *,
        logs: Sequence[EventLog],
        store: ReadStore,
        projections: Sequence[Projection],
        batch_size: int = 2000,  # the largest batch (see ``_catch_up``)
        on_start: Callable[[], object] | None = None,
        keepers: Sequence[Callable[[], object]] = (),
        exclusive: Exclusive | None = None,
        keys: BatchUnsealer | None = None,
        batched: bool = True,
    ) -> None:
        self.logs = {log.application: log for log in logs}
        self.store = store
        self.projections = {p.name: p for p in projections}
        for projection in projections:
            unknown = set(projection.applications) - set(self.logs)
            if unknown:
                raise ValueError(f"projection {projection.name} follows {sorted(unknown)}, which no log here holds")
        self.batch_size = batch_size
        self.on_start = on_start  # run once by ``run`` before following the log (erasures left unfinished)
        self.keepers = keepers  # run by ``run`` after each catch-up: the audit chain (projections/audit)
        self.exclusive = exclusive or _in_process()  # one rebuild per read model at a time (issue 27, item 10)
        # Catch-up at batch speed (issue 35): a batch's personal data keys in one query, its rows sent together.
        # ``batched=False`` is the plain path, an event's statements one by one: a test proves both write the same.
        self.keys = keys if batched else None
        self.batched = batched
        self._wake = threading.Event()
        tracking.create_table(store)
        failures.create_table(store)
        for projection in projections:
            projection.create_tables(store)

    def followed(self, name: str) -> list[EventLog]:
        """The logs the projection follows: those it names, or every log of this worker."""
        wanted = self.projections[name].applications
        return [log for app, log in self.logs.items() if not wanted or app in wanted]

    def position(self, name: str, application: str | None = None) -> int:
        """How far the projection is in one application's log (the only one it follows, when not named)."""
        if application is None:
            [log] = self.followed(name)
            application = log.application
        return tracking.position(self.store, name, application)

    def wake(self, _position: int | None = None) -> None:
        if not self._wake.is_set():  # a command's save wakes it: the set, a lock and a notify, only when asleep
            self._wake.set()

    def status(self, failures_shown: int = 20) -> list[ProjectionStatus]:
        """Each read model's position, the log's head, and the events it skipped (for /health and the CLI)."""
        heads = {app: log.recorder.max_notification_id() or 0 for app, log in self.logs.items()}
        return [
            ProjectionStatus(
                name=name,
                application=log.application,
                position=self.position(name, log.application),
                head=heads[log.application],
                failure_count=failures.count(self.store, name, log.application),
                failures=tuple(failures.listing(self.store, name, log.application, failures_shown)),
            )
            for name in self.projections
            for log in self.followed(name)
        ]

    def run_once(self, only: Sequence[str] | None = None) -> int:
        """Processes one batch of each log for each projection behind; returns how many notifications it read."""
        return sum(self._run_once(log, targets) for log, targets in self._live(only))

    def catch_up(self, only: Sequence[str] | None = None, progress: Callable[[int], None] | None = None) -> None:
        for log, targets in self._live(only):
            self._catch_up(log, targets, progress)

    def _live(self, only: Sequence[str] | None) -> list[tuple[EventLog, list[_Target]]]:
        """Per log, the live targets of the projections (all, or ``only``) that follow it."""
        names = list(only or self.projections)
        per_log = [
            (log, [_Target(n, self.projections[n], log) for n in names if log in self.followed(n)])
            for log in self.logs.values()
        ]
        return [(log, targets) for log, targets in per_log if targets]

    def run(self, stop: threading.Event, idle: float = 0.25) -> None:
        """Until ``stop`` is set: catch up, then sleep until woken by a save or ``idle`` passes."""
        starting = self.on_start
        while not stop.is_set():
            self._wake.clear()
            try:
                if starting is not None:
                    starting()
                    starting = None
                self.catch_up()
                for keeper in self.keepers:
                    keeper()
            except Exception:  # a transient fault (the database away): retried, nothing skipped
                logger.exception("projection worker failed; retrying")
                stop.wait(1.0)
            self._wake.wait(idle)

    def rebuild(self, name: str, progress: Callable[[int], None] | None = None) -> None:
        """Replays the whole log into shadow tables, then swaps them in (issue 7, defect 7).

        Readers see the old model until the swap's transaction commits. Events appended meanwhile are
        applied by the live worker from the shadow's position on. A second rebuild of the same model, from any
        process, is refused with :class:`RebuildRunning` before it touches anything: it would drop the shadow
        tables the first one is filling.
        """
        with self.exclusive(f"rebuild-{name}") as held:
            if not held:
                raise RebuildRunning(f"a rebuild of {name} is already running; try again once it has finished")
            self._rebuild(name, progress)

    def _rebuild(self, name: str, progress: Callable[[int], None] | None) -> None:
        projection = self.projections[name]
        key = name + shadow.SUFFIX
        targets = [_Target(key, projection, log, shadow=True) for log in self.followed(name)]
        with self.store.transaction() as tx:
            shadow.drop(tx, projection.tables)
            for statement in projection.ddl:
                targets[0].view(tx).execute(statement)
            tracking.reset(tx, key)
            failures.clear(tx, key)
        for target in targets:
            self._catch_up(target.log, [target], progress)
        self._swap(projection, key)
        logger.info("read model %s rebuilt and swapped in", name)
        self.catch_up(only=[name])

    def _swap(self, projection: Projection, key: str, attempts: int = 30) -> None:
        """One transaction; it gives way to readers and live batches holding a lock, and tries again."""
        for attempt in range(1, attempts + 1):
            try:
                with self.store.transaction() as tx:
                    shadow.bound_lock_waits(tx, self.store.dialect)
                    tracking.replace(tx, projection.name, by=key)  # first, as a live batch takes it first
                    shadow.swap(tx, self.store.dialect, projection.tables)
                    failures.replace(tx, projection.name, by=key)
                return
            except Exception as e:
                if attempt == attempts or not failures.transient(e):
                    raise
                logger.warning("swapping in %s waited too long for a lock (%s); trying again", projection.name, e)
                time.sleep(min(0.02 * attempt, 0.5))

    # -- applying ---------------------------------------------------------------------------------

    def _catch_up(self, log: EventLog, targets: list[_Target], progress: Callable[[int], None] | None) -> None:
        """Batch after batch until the log's head; a batch twice the last while they come full, up to ``batch_size``:
        a worker far behind pays a batch's fixed costs (a commit, the log read, the key query) once
        per 2,000 events, while one that was nearly caught up commits its first events after 500."""
        limit = min(FIRST_BATCH, self.batch_size)
        while True:
            read = self._run_once(log, targets, limit)
            if progress:
                progress(read)
            if read < limit:
                return
            limit = min(2 * limit, self.batch_size)

    def _run_once(self, log: EventLog, targets: list[_Target], limit: int | None = None) -> int:
        with _collector_paused():
            return self._batch(log, targets, limit)

    def _batch(self, log: EventLog, targets: list[_Target], limit: int | None) -> int:
        positions = tracking.positions(self.store, [t.key for t in targets], log.application)
        start = min(positions.values()) + 1
        batch = log.recorder.select_notifications(start=start, limit=limit or self.batch_size)
        if not batch:
            return 0
        handlers = {t.key: t.projection.bound_handlers() for t in targets}
        wanted = frozenset().union(*handlers.values())
        events = [(n, _decode(log.mapper, n, wanted)) for n in batch]
        errors: list[Exception] = []
        subjects = _sealed_subjects(events)
        with self.keys.unsealing(subjects) if self.keys is not None and subjects else nullcontext():
            if len(targets) > 1 and self._together(targets, positions, events, handlers):
                return len(batch)
            for target in targets:  # one broken read model must not hold the others back
                try:
                    self._apply(target, positions[target.key], events, handlers[target.key])
                except tracking.ConcurrentProjectionError:
                    continue  # another worker applied this batch first
                except Exception as e:
                    logger.exception(
                        "projection %s failed after position %s; will retry", target.key, positions[target.key]
                    )
                    errors.append(e)
        if errors:
            raise errors[0]
        return len(batch)

    def _together(self, targets: list[_Target], positions: dict[str, int], events: Events, handlers: Handlers) -> bool:
        """The fast path (issue 35): every read model's share of the batch in one transaction, one commit instead of
        one per read model. Each read model's position still moves with its own rows, from the position read before
        the batch (so a batch is applied once per read model however many workers run). Any failure rolls the whole
        transaction back and returns False: the batch is then applied read model by read model (``_apply``), where
        a poison event is found and skipped, a read model another worker moved on is left alone, and a broken one
        does not hold the others back."""
        last = events[-1][0].id
        try:
            with self.store.transaction() as tx:
                behind = [t for t in targets if positions[t.key] < last]
                # Every position is claimed first, as ``_transaction`` claims one: a second worker waits, then backs off
                olds = {t.key: positions[t.key] for t in behind}
                tracking.advance_together(tx, behind[0].log.application, olds, last)
                for target in behind:
                    old = positions[target.key]
                    view: Transaction = Batched(target.view(tx)) if self.batched else target.view(tx)
                    for _, handler, event in _handled(events, old, handlers[target.key]):
                        if handler is None:
                            raise event.error
                        handler(event, view)
                    if isinstance(view, Batched):
                        view.flush()
        except Exception as error:
            logger.debug("the batch up to %s failed in one transaction (%s); applied model by model", last, error)
            return False
        return True

    def _apply(self, target: _Target, old: int, events: Events, handlers: dict[type, Handler]) -> None:
        last = events[-1][0].id
        pending = _handled(events, old, handlers)
        suspects: set[int] = set()  # positions that failed once, in a transaction since rolled back
        position = old
        while position < last:
            try:
                position = self._transaction(target, position, last, pending, suspects)
            except _Suspect as s:
                suspects.add(s.position)
                continue
            pending = [h for h in pending if h[0].id > position]

    def _transaction(self, target: _Target, old: int, last: int, pending: Handled, suspects: set[int]) -> int:
        """Applies ``pending`` (the events up to ``last`` that the read model handles) in one transaction; returns
        the position committed.

        Without suspects, no savepoints (the fast path). With suspects, each event in a savepoint: a suspect
        that fails again is recorded and skipped; a new failure ends the transaction just before it.
        """
        careful = bool(suspects)
        # The position is claimed first, so a second worker on the same batch waits on that row and backs off.
        with self.store.transaction() as tx:
            tracking.advance(tx, target.key, target.log.application, old, last)
            # The fast path sends runs of the same statement together (projections.batched); a failure it
            # reports late is found exactly by the careful pass, one event per savepoint, unbatched.
            plain = careful or not self.batched
            view: Transaction = target.view(tx) if plain else Batched(target.view(tx))
            previous = old
            for notification, handler, event in pending:
                try:
                    if handler is None:
                        raise event.error
                    if careful:
                        with _savepoint(tx):
                            handler(event, view)
                    else:
                        handler(event, view)
                except Exception as error:
                    if failures.transient(error):
                        raise
                    if notification.id in suspects:
                        self._skip(tx, target, notification, error)
                    elif not careful or previous == old:  # without a savepoint its half-written rows stay
                        raise _Suspect(notification.id) from error  # roll the whole transaction back, retry
                    else:  # commit what came before it; it is retried in a fresh transaction
                        tracking.advance(tx, target.key, target.log.application, last, previous)
                        suspects.add(notification.id)
                        return previous
                previous = notification.id
            if isinstance(view, Batched):
                try:
                    view.flush()
                except Exception as error:
                    if failures.transient(error):
                        raise
                    raise _Suspect(last) from error
        return last

    def _skip(self, tx: Transaction, target: _Target, notification: Notification, error: Exception) -> None:
        text = failures.describe(error)
        failures.record(
            tx,
            target.key,
            target.log.application,
            notification.id,
            notification.topic,
            text,
            datetime.now(UTC).isoformat(),
        )
        logger.error(
            "projection %s SKIPPED event at position %s (%s): %s; later events go on, see /health",
            target.key,
            notification.id,
            notification.topic,
            text,
            exc_info=error,
        )


def _sealed_subjects(events: Events) -> set[Any]:
    """Whose personal data the batch's events carry sealed (as a field of their own): their keys are read together."""
    found: set[Any] = set()
    sealed = {kind: names for kind in {type(event) for _, event in events} if (names := _sealed_fields(kind))}
    if not sealed:
        return found
    for _, event in events:
        for name in sealed.get(type(event), ()):
            value = getattr(event, name, None)
            if isinstance(value, Sealed):
                found.add(value.subject_id)
    return found


_SEALED_FIELDS: dict[type, tuple[str, ...]] = {}


def _sealed_fields(event_class: type) -> tuple[str, ...]:
    """The fields an event class declares ``Sealed`` (or ``Sealed | None``): most events carry none."""
    known = _SEALED_FIELDS.get(event_class)
    if known is None:
        try:
            hints = typing.get_type_hints(event_class)
            known = tuple(name for name, hint in hints.items() if hint is Sealed or Sealed in typing.get_args(hint))
        except Exception:  # a hint that no longer resolves: its fields are looked at one by one
            known = tuple(getattr(event_class, "__annotations__", {}))
        _SEALED_FIELDS[event_class] = known
    return known


def _handled(events: Events, old: int, handlers: dict[type, Handler]) -> Handled:
    """The events after ``old`` that a read model handles, each with its handler, or None for an event that could not
    be decoded (a poison event for every read model): the others are not its concern, and are not called for."""
    get = handlers.get
    return [
        (notification, handler, event)
        for notification, event in events
        if notification.id > old and ((handler := get(type(event))) is not None or type(event) is _Undecodable)
    ]


class _Unwanted:
    """A notification of a class no read model of the batch projects: not decoded at all (issue 35). One whose state
    is broken is therefore skipped by them silently, as its class was; one whose topic no longer resolves is still
    recorded as a failure by every read model."""


_UNWANTED = _Unwanted()


def _decode(mapper: Mapper[Any], notification: Notification, wanted: frozenset[type]) -> Any:
    try:
        if resolve_topic(notification.topic) not in wanted:  # a topic that no longer resolves is undecodable
            return _UNWANTED
        return mapper.to_domain_event(notification)
    except Exception as e:
        return _Undecodable(e)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A batch is read, decoded and applied without the cyclic collector (issue 35): it makes many small objects
    and no cycle, and the collections it would start find nothing, while each full one walks the whole process
    (six per 100,000 events). What a batch leaves behind is collected once it is over, as the collector resumes."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


@contextmanager
def _savepoint(tx: Transaction) -> Iterator[None]:
    """One event's rows: undone alone if it fails, so the events around it still commit."""
    tx.execute("SAVEPOINT projection_event")
    try:
        yield
    except BaseException:
        tx.execute("ROLLBACK TO SAVEPOINT projection_event")
        tx.execute("RELEASE SAVEPOINT projection_event")
        raise
    tx.execute("RELEASE SAVEPOINT projection_event")
