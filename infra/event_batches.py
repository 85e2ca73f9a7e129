"""Many aggregates' events in one query: the library reads one aggregate per query, which for a bulk import
is one round trip per student (issue 8). Reads the tables eventsourcing's SQLite and PostgreSQL application
recorders write, with the same columns their own ``select_events`` reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder
from eventsourcing.utils import retry
from psycopg import Connection
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from infra import raw_pq
from infra.transcoder import stored_event
from projections.store import chunks

V = TypeVar("V", UUID, int)

PART = 500  # ids per query: well under SQLite's variable limit and PostgreSQL's comfortable array size


class EventBatches:
    def __init__(self, recorder: ApplicationRecorder) -> None:
        if not isinstance(recorder, PostgresAggregateRecorder | SQLiteAggregateRecorder):
            raise TypeError(f"no batched reads for {type(recorder).__name__}")
        self.recorder: Any = recorder
        self._select_bytes: bytes | None = None
        self._after_bytes: bytes | None = None
        self._after_statement: raw_pq.Statement | None = None

    def events_of(self, originator_ids: Collection[UUID]) -> dict[UUID, list[StoredEvent]]:
        """Every stored event of each aggregate, in version order; an aggregate with none is absent."""
        return _by_aggregate(e for part in chunks(sorted(set(originator_ids)), PART) for e in self._select(part))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def events_after(self, versions: dict[UUID, int]) -> dict[UUID, list[StoredEvent]]:
        """Each aggregate's stored events after the version given for it (0: all), in version order, in one query:
        a command's reads, with the copies it already holds brought up to date (application/lending.py)."""
        recorder = self.recorder
        ids = list(versions)
        if isinstance(recorder, PostgresAggregateRecorder):
            id_text, after_text = _array_text(ids, UUID), _array_text([versions[i] for i in ids], int)
            params = [id_text, after_text]
            with recorder.datastore.get_connection() as conn:
                if isinstance(id_text, str) and isinstance(after_text, str) and raw_pq.usable(conn):
                    # past psycopg's cursor: half the CPU of the round trip (infra/raw_pq.py)
                    statement = self._after_statement or raw_pq.Statement(self._after_sql(SQL("$1"), SQL("$2"), conn))
                    self._after_statement = statement
                    return _runs(raw_pq.query(conn, statement, [id_text.encode(), after_text.encode()], binary=True))
                if self._after_bytes is None:
                    self._after_bytes = self._after_sql(SQL("%s"), SQL("%s"), conn)
                with conn.cursor(row_factory=tuple_row) as cursor:
                    cursor.execute(self._after_bytes, params, prepare=True, binary=True)
                    return _runs(cursor.fetchall())
        bounds = " OR ".join("(originator_id = ? AND originator_version > ?)" for _ in ids)
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT originator_id, originator_version, topic, state FROM {recorder.events_table_name} "
                f"WHERE {bounds} ORDER BY originator_id, originator_version",
                [v for i in ids for v in (i.hex, versions[i])],
            )
            return _by_aggregate(self._stored(cursor.fetchall()))

    def _after_sql(self, ids: SQL, after: SQL, conn: Connection[Any]) -> bytes:
        recorder = self.recorder
        return (
            SQL(
                "SELECT e.originator_id, e.originator_version, e.topic, e.state FROM {schema}.{table} e "
                "JOIN unnest({ids}::uuid[], {after}::bigint[]) AS k(id, after) "
                "ON e.originator_id = k.id AND e.originator_version > k.after "
                "ORDER BY e.originator_id, e.originator_version"
            )
            .format(
                schema=Identifier(recorder.datastore.schema),
                table=Identifier(recorder.events_table_name),
                ids=ids,
                after=after,
            )
            .as_bytes(conn)
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _select(self, ids: list[UUID]) -> list[StoredEvent]:
        recorder = self.recorder
        if isinstance(recorder, PostgresAggregateRecorder):
            with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as cursor:
                if self._select_bytes is None:  # rendered once: a command's read runs it each time (issue 35)
                    self._select_bytes = (
                        SQL(
                            "SELECT originator_id, originator_version, topic, state FROM {schema}.{table} "
                            "WHERE originator_id = ANY(%s::uuid[]) ORDER BY originator_id, originator_version"
                        )
                        .format(
                            schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name)
                        )
                        .as_bytes(conn)
                    )
                cursor.execute(self._select_bytes, [_array_text(ids, UUID)], prepare=True, binary=True)
                return self._stored(cursor.fetchall())
        marks = ", ".join("?" for _ in ids)
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT originator_id, originator_version, topic, state FROM {recorder.events_table_name} "
                f"WHERE originator_id IN ({marks}) ORDER BY originator_id, originator_version",
                [i.hex for i in ids],
            )
            return self._stored(cursor.fetchall())

    def _stored(self, rows: list[Any]) -> list[StoredEvent]:
        """The rows as the recorder's own ``select_events`` makes them (SQLite keeps ids as text); PostgreSQL's are
        tuples (psycopg loads bytea as bytes)."""
        if isinstance(self.recorder, PostgresAggregateRecorder):
            return [stored_event(o, v, t, bytes(s)) for o, v, t, s in rows]
        convert = self.recorder.convert_originator_id
        return [StoredEvent(convert(r["originator_id"]), r["originator_version"], r["topic"], r["state"]) for r in rows]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def positions(self, originator_id: UUID, after: int, upto: int) -> dict[int, int]:
        """Where an aggregate's events after one version and up to another stand in its log: {version: position}
        (a page of the auditors' history)."""
        recorder = self.recorder
        if isinstance(recorder, PostgresAggregateRecorder):
            statement = SQL(
                "SELECT originator_version, notification_id FROM {schema}.{table} WHERE originator_id = %s"
                " AND originator_version > %s AND originator_version <= %s"
            ).format(schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name))
            with recorder.datastore.get_connection() as conn, conn.cursor() as cursor:
                cursor.execute(statement, [originator_id, after, upto])
                rows = cursor.fetchall()
        else:
            with recorder.datastore.transaction(commit=False) as cursor:
                cursor.execute(
                    f"SELECT originator_version, rowid AS notification_id FROM {recorder.events_table_name} "
                    "WHERE originator_id = ? AND originator_version > ? AND originator_version <= ?",
                    [originator_id.hex, after, upto],
                )
                rows = cursor.fetchall()
        return {int(r["originator_version"]): int(r["notification_id"]) for r in rows}


def _array_text(values: list[V], kind: type[V]) -> str | list[V]:
    """The values as the text of a uuid[] or bigint[], which the server parses for less than psycopg's array dumper
    costs (half a command's read, issue 35); as a list (dumped by psycopg) unless each is exactly ``kind``, whose
    text is then only hex and dashes, or digits."""
    return "{" + ",".join([str(v) for v in values]) + "}" if all(type(v) is kind for v in values) else values


def _runs(rows: list[Any]) -> dict[UUID, list[StoredEvent]]:
    """PostgreSQL's rows (ordered by aggregate, then version) as stored events, grouped as ``_by_aggregate`` groups
    them: an aggregate's id is hashed once for its run of rows, not once per row (a UUID hashes in Python)."""
    found: dict[UUID, list[StoredEvent]] = {}
    run: list[StoredEvent] = []
    last: object = None
    for o, v, t, s in rows:
        key = o.int if type(o) is UUID else o  # a UUID's int compares in C; its __eq__ is Python
        if key != last:  # a new run (the same aggregate again, were the rows not ordered, joins its list)
            run, last = found.setdefault(o, []), key
        run.append(stored_event(o, v, t, bytes(s)))
    return found


def _by_aggregate(events: Iterable[StoredEvent]) -> dict[UUID, list[StoredEvent]]:
    """Stored events in version order, grouped by aggregate; an aggregate with none is absent."""
    found: defaultdict[Any, list[StoredEvent]] = defaultdict(list)  # ids are UUIDs here, as the recorders read them
    for event in events:
        found[event.originator_id].append(event)
    return dict(found)
