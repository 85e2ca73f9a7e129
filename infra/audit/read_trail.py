"""Staff reads of a person's data (UU PDP; issue 32, item 5; PDP-R in docs/DOMAIN-DECISIONS.md), kept in the
read-model database: not a projection, so no rebuild drops it; append-only (nothing here updates or deletes a row).

A request does not wait for the write: reads are buffered and written in batches, by a flusher thread every
``every`` seconds or as soon as ``batch`` are waiting, and before the trail is read or closed. A batch that cannot be
written (the database away) is kept and tried again; only beyond ``limit`` waiting reads are the oldest dropped,
and that is logged as an error naming how many."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from application.audit.reads import SeenView, StaffRead
from domain.audit import Actor, Role
from projections.credentials.projection import recorded
from projections.credentials.view import instant
from projections.store import ReadStore

logger = logging.getLogger(__name__)

DDL = (
    "CREATE TABLE IF NOT EXISTS personal_data_reads (id TEXT PRIMARY KEY, person_id TEXT NOT NULL,"
    " read_at TEXT NOT NULL, view TEXT NOT NULL, actor_id TEXT NOT NULL, role TEXT NOT NULL, institution TEXT,"
    " issuer TEXT, subject TEXT, request_id TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS personal_data_reads_person ON personal_data_reads (person_id, read_at)",
)
_INSERT = (
    "INSERT INTO personal_data_reads (id, person_id, read_at, view, actor_id, role, institution, issuer, subject,"
    " request_id) VALUES (:id, :person, :at, :view, :actor, :role, :institution, :issuer, :subject, :request)"
)


class BufferedReadTrail:
    def __init__(self, store: ReadStore, *, every: float = 0.5, batch: int = 500, limit: int = 100_000) -> None:
        self.store, self.every, self.batch, self.limit = store, every, batch, limit
        with store.transaction() as tx:
            for statement in DDL:
                tx.execute(statement)
        self._waiting: deque[StaffRead] = deque()  # as recorded: turned into rows by the flush, off the request
        self._lock = threading.Lock()  # guards _waiting
        self._writing = threading.Lock()  # one batch written at a time, in recording order
        self._due = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def record(self, reads: Iterable[StaffRead]) -> None:
        kept = list(reads)
        if not kept:
            return
        with self._lock:
            self._waiting.extend(kept)
            dropped = max(0, len(self._waiting) - self.limit)
            for _ in range(dropped):
                self._waiting.popleft()
            full = len(self._waiting) >= self.batch
        if dropped:
            logger.error("personal data read trail: %d reads dropped, the database took none for a while", dropped)
        self._start()
        if full:
            self._due.set()

    def flush(self) -> int:
        """Writes what waits; returns how many. On failure the batch goes back to the front, to be tried again."""
        with self._writing:
            with self._lock:
                reads = list(self._waiting)
                self._waiting.clear()
            if not reads:
                return 0
            try:
                with self.store.transaction() as tx:
                    tx.execute_many(_INSERT, [_row(r) for r in reads])
            except Exception:
                with self._lock:
                    self._waiting.extendleft(reversed(reads))
                raise
            return len(reads)

    def of_person(self, person_id: UUID, limit: int) -> list[StaffRead]:
        try:
            self.flush()  # this process's latest reads are in the answer
        except Exception:
            logger.exception("personal data read trail: a flush failed; the reads wait for the next one")
        rows = self.store.query(
            "SELECT person_id, read_at, view, actor_id, role, institution, issuer, subject, request_id"
            " FROM personal_data_reads WHERE person_id = :p ORDER BY read_at DESC, id DESC LIMIT :n",
            {"p": str(person_id), "n": limit},
        )
        return [
            StaffRead(
                at=instant(r["read_at"]),
                person_id=UUID(r["person_id"]),
                view=SeenView(r["view"]),
                actor=Actor(r["actor_id"], Role(r["role"]), r["institution"], r["issuer"], r["subject"]),
                request_id=r["request_id"],
            )
            for r in reversed(rows)
        ]

    def close(self) -> None:
        self._stop.set()
        self._due.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.flush()

    def _start(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None and not self._stop.is_set():
                    self._thread = threading.Thread(target=self._run, name="read-trail", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._due.wait(self.every)
            self._due.clear()
            try:
                self.flush()
            except Exception:
                logger.exception("personal data read trail: a flush failed; the reads wait for the next one")
                time.sleep(self.every)


def _row(r: StaffRead) -> Mapping[str, Any]:
    return {
        # Sorts in recording order where two reads share an instant.
        "id": f"{time.time_ns():020d}-{uuid.uuid4().hex[:12]}",
        "person": str(r.person_id),
        "at": recorded(r.at),
        "view": r.view.value,
        "actor": r.actor.id,
        "role": r.actor.role.value,
        "institution": r.actor.institution,
        "issuer": r.actor.issuer,
        "subject": r.actor.subject,
        "request": r.request_id,
    }
