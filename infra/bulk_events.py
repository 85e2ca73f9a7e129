"""Many aggregates' new events in one COPY: the bulk import's write path on PostgreSQL (issue 35).

The library inserts a chunk as one array of composite values (``unnest(%s::stored_event[])``), which psycopg builds
in Python value by value; COPY streams the same rows, in binary, through psycopg's C encoder. Everything else is the
library's insert: the same table and columns, its ``EXCLUSIVE`` table lock (so positions are committed in the order
they are given out and a reader never passes a gap that fills later), its ``NOTIFY``, one transaction; a duplicate
version is the library's ``IntegrityError``, so a unit that met a concurrent writer is redone line by line as before.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence

import psycopg
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.pq import TransactionStatus
from psycopg.sql import SQL, Identifier, Literal

from infra.eventstore import COLUMN_TYPES, InDoubtRecorder

ATTEMPTS, WAIT = 10, 0.2  # as the library's retry of its own insert


class CopiedEvents:
    def __init__(self, recorder: PostgresApplicationRecorder) -> None:
        store, table = recorder.datastore, recorder.events_table_name
        qualified = SQL("{}.{}").format(Identifier(store.schema), Identifier(table))
        self.datastore = store
        self.recorder = recorder
        # A round trip each way: no parameters, so one simple query holds the transaction's start (the library's
        # transaction() sends BEGIN alone, and COMMIT alone), and another its end with the position; a round trip
        # less while the table is locked is a shorter wait for every other writer (issue 35).
        self.lock = SQL("; ").join(
            [
                SQL("BEGIN"),
                SQL("SET LOCAL lock_timeout = {}").format(Literal(f"{store.lock_timeout}s")),
                SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(qualified),
                SQL("NOTIFY {}").format(Identifier(recorder.channel_name)),
            ]
        )
        # Binary: a state's bytes go as they are, not as hex text for the server to decode (a third less time)
        self.copy = SQL("COPY {} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)").format(
            qualified
        )
        # The table is locked, so the sequence's last value in this session is this insert's last position.
        self.last = SQL("SELECT currval(pg_get_serial_sequence({}, 'notification_id')) AS last; COMMIT").format(
            Literal(f"{store.schema}.{table}")
        )

    def insert(self, events: Sequence[StoredEvent]) -> int:
        """Writes the events in one transaction and returns the position of the last. After a broken connection, a
        clash with rows byte for byte equal to these is the first attempt's commit, whose acknowledgement was lost
        (infra/eventstore.py): its position is answered, so the import counts its lines as applied."""
        in_doubt = False
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._copy(events)
            except IntegrityError:
                landed = (
                    self.recorder.landed(events) if in_doubt and isinstance(self.recorder, InDoubtRecorder) else None
                )
                if not landed:
                    raise
                return landed[-1]
            except (InterfaceError, OperationalError):
                if attempt == ATTEMPTS:
                    raise
                in_doubt = True
                time.sleep(WAIT)
        raise AssertionError("unreachable")

    def _copy(self, events: Sequence[StoredEvent]) -> int:
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            try:
                cursor.execute(self.lock)
                with cursor.copy(self.copy) as copy:
                    copy.set_types(COLUMN_TYPES)
                    for e in events:
                        copy.write_row((e.originator_id, e.originator_version, e.topic, e.state))
                row = cursor.execute(self.last).fetchone()  # the SELECT's row; the COMMIT has none
            finally:
                if conn.pgconn.transaction_status != TransactionStatus.IDLE:  # failed before its COMMIT: undone
                    with contextlib.suppress(psycopg.Error):
                        conn.rollback()
        assert row is not None
        return int(row["last"])
