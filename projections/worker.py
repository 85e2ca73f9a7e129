"""Runs projections by polling the application's notification log: one code path for every store.

The SQLite recorder cannot ``subscribe()``, so instead of the library's ProjectionRunner we read
``select_notifications`` after each projection's tracked position. PostgreSQL commits notification ids
in order (the recorder locks the table while inserting), so no event is skipped by polling.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification

from projections import tracking
from projections.projection import Projection
from projections.store import ReadStore

log = logging.getLogger(__name__)


class ProjectionWorker:
    def __init__(
        self,
        *,
        application_name: str,
        recorder: ApplicationRecorder,
        mapper: Mapper[Any],
        store: ReadStore,
        projections: Sequence[Projection],
        batch_size: int = 500,
    ) -> None:
        self.application_name = application_name
        self.recorder = recorder
        self.mapper = mapper
        self.store = store
        self.projections = {p.name: p for p in projections}
        self.batch_size = batch_size
        self._wake = threading.Event()
        tracking.create_table(store)
        for projection in projections:
            projection.create_tables(store)

    def position(self, name: str) -> int:
        return tracking.position(self.store, name, self.application_name)

    def wake(self, _position: int | None = None) -> None:
        self._wake.set()

    def run_once(self, only: Sequence[str] | None = None) -> int:
        """Processes one batch for each projection behind; returns how many notifications it read."""
        names = list(only or self.projections)
        positions = {name: self.position(name) for name in names}
        start = min(positions.values()) + 1
        batch = self.recorder.select_notifications(start=start, limit=self.batch_size)
        if not batch:
            return 0
        events = [(n, self.mapper.to_domain_event(n)) for n in batch]
        failures: list[Exception] = []
        for name in names:  # one broken read model must not hold the others back
            try:
                self._apply(self.projections[name], positions[name], batch, events)
            except tracking.ConcurrentProjectionError:
                continue  # another worker applied this batch first
            except Exception as e:
                log.exception("projection %s failed at notification %s", name, positions[name] + 1)
                failures.append(e)
        if failures:
            raise failures[0]
        return len(batch)

    def _apply(
        self, projection: Projection, old: int, batch: Sequence[Notification], events: list[tuple[Notification, Any]]
    ) -> None:
        last = batch[-1].id
        if last <= old:
            return
        # One transaction for the batch: rows and the tracking position of its last event. The position is
        # claimed first, so a second worker on the same batch waits on that row and then backs off.
        with self.store.transaction() as tx:
            tracking.advance(tx, projection.name, self.application_name, old, last)
            for notification, event in events:
                if notification.id > old:
                    projection.process(event, tx)

    def catch_up(self, only: Sequence[str] | None = None, progress: Callable[[int], None] | None = None) -> None:
        while True:
            read = self.run_once(only)
            if progress:
                progress(read)
            if read < self.batch_size:
                return

    def run(self, stop: threading.Event, idle: float = 0.25) -> None:
        """Until ``stop`` is set: catch up, then sleep until woken by a save or ``idle`` passes."""
        while not stop.is_set():
            self._wake.clear()
            try:
                self.catch_up()
            except Exception:  # a broken projection must not kill the API process silently
                log.exception("projection worker failed; retrying")
                stop.wait(1.0)
            self._wake.wait(idle)

    def rebuild(self, name: str, progress: Callable[[int], None] | None = None) -> None:
        """Drops one read model and replays the whole log into it."""
        projection = self.projections[name]
        with self.store.transaction() as tx:  # DDL is transactional on both stores: never half dropped
            projection.drop_tables(tx)
            for statement in projection.ddl:
                tx.execute(statement)
            tracking.reset(tx, name)
        self.catch_up(only=[name], progress=progress)
