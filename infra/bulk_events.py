"""Many aggregates' new events in one COPY: the bulk import's write path on PostgreSQL (issue 35).

The library inserts a chunk as one array of composite values (``unnest(%s::stored_event[])``), which psycopg builds
in Python value by value; COPY streams the same rows through psycopg's C encoder. Everything else is the library's
insert: the same table and columns, its ``EXCLUSIVE`` table lock (so positions are committed in the order they are
given out and a reader never passes a gap that fills later), its ``NOTIFY``, one transaction; a duplicate version
is the library's ``IntegrityError``, so a unit that met a concurrent writer is redone line by line as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier, Literal


class CopiedEvents:
    def __init__(self, recorder: PostgresApplicationRecorder) -> None:
        store, table = recorder.datastore, recorder.events_table_name
        qualified = SQL("{}.{}").format(Identifier(store.schema), Identifier(table))
        self.datastore = store
        self.lock = SQL("; ").join(  # one round trip: no parameters, so one simple query may hold the three
            [
                SQL("SET LOCAL lock_timeout = {}").format(Literal(f"{store.lock_timeout}s")),
                SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(qualified),
                SQL("NOTIFY {}").format(Identifier(recorder.channel_name)),
            ]
        )
        self.copy = SQL("COPY {} (originator_id, originator_version, topic, state) FROM STDIN").format(qualified)
        # The table is locked, so the sequence's last value in this session is this insert's last position.
        self.last = SQL("SELECT currval(pg_get_serial_sequence({}, 'notification_id')) AS last").format(
            Literal(f"{store.schema}.{table}")
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert(self, events: Sequence[StoredEvent]) -> int:
        """Writes the events in one transaction and returns the position of the last."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self.lock)
            with cursor.copy(self.copy) as copy:
                for e in events:
                    copy.write_row((e.originator_id, e.originator_version, e.topic, e.state))
            row = cursor.execute(self.last).fetchone()
        assert row is not None
        return int(row["last"])
