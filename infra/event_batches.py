"""Many aggregates' events in one query: the library reads one aggregate per query, which for a bulk import
is one round trip per student (issue 8). Reads the tables eventsourcing's SQLite and PostgreSQL application
recorders write, with the same columns their own ``select_events`` reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

from infra import raw_pq
from infra.transcoder import stored_event
from projections.store import chunks

V = TypeVar("V", UUID, int)

PART = 500  # ids per query: well under SQLite's variable limit and PostgreSQL's comfortable array size

# A command's read on PostgreSQL, planned once per connection (issue 35): as a plain join of the arrays, each run was
# planned anew (a fifth of the server's CPU per reservation), since the arrays' real lengths made every custom plan
# look cheaper than the generic one. Read through sub-selects, the arrays are as unknown to each custom plan as to
# the generic one, which the server then keeps; the lateral subquery (OFFSET 0 keeps it apart) fixes that plan as one
# index probe per aggregate, whatever the table's statistics (a stale table could otherwise have it hash-join a
# sequential scan of the whole log).
_KEYS = "unnest((SELECT {ids}::uuid[]), (SELECT {after}::bigint[])) AS k(id, after)"
_AFTER = (
    "SELECT e.originator_id, e.originator_version, e.topic, e.state"
    f" FROM {_KEYS}"
    " CROSS JOIN LATERAL (SELECT originator_id, originator_version, topic, state FROM {schema}.{table}"
    " WHERE originator_id = k.id AND originator_version > k.after OFFSET 0) AS e"
    " ORDER BY e.originator_id, e.originator_version"
)


class EventBatches:
    """``snapshots``: the application's recorder of snapshots (the library's table, ``<name>_snapshots`` on PostgreSQL,
    ``stored_snapshots`` on SQLite, in the same database); with it, an aggregate read whole starts from its latest
    snapshot, read in the same query as its events (issue 35)."""

    def __init__(self, recorder: ApplicationRecorder, snapshots: AggregateRecorder | None = None) -> None:
        if not isinstance(recorder, PostgresAggregateRecorder | SQLiteAggregateRecorder):
            raise TypeError(f"no batched reads for {type(recorder).__name__}")
        if snapshots is not None and getattr(snapshots, "datastore", None) is not recorder.datastore:
            raise TypeError("the snapshots are read in the events' query: they must be in the same database")
        self.recorder: Any = recorder
        self.snapshots: Any = snapshots
        self._select_bytes: bytes | None = None
        self._after_bytes: bytes | None = None
        self._after_prepared: raw_pq.Statement | None = None

    def events_of(self, originator_ids: Collection[UUID]) -> dict[UUID, list[StoredEvent]]:
        """Every stored event of each aggregate, in version order; an aggregate with none is absent."""
        return _by_aggregate(e for part in chunks(sorted(set(originator_ids)), PART) for e in self._select(part))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def events_after(self, versions: dict[UUID, int]) -> dict[UUID, list[StoredEvent]]:
        """Each aggregate's stored events after the version given for it, in version order, in one query: a command's
        reads, with the copies it already holds brought up to date (application/lending.py). One given 0 is read
        whole: from its latest snapshot, if it has one and snapshots are read here (that snapshot first, then the
        events after it), else from its first event. A copy is brought up to date from its own version."""
        recorder = self.recorder
        if isinstance(recorder, PostgresAggregateRecorder):
            params = _array_params(versions)
            with recorder.datastore.get_connection() as conn:
                if params is not None and raw_pq.usable(conn):
                    # past psycopg's cursor: half the CPU of the round trip (infra/raw_pq.py)
                    if self._after_prepared is None:
                        self._after_prepared = raw_pq.Statement(self._after_sql(SQL("$1"), SQL("$2")).as_bytes(conn))
                    return _runs(raw_pq.query(conn, self._after_prepared, params, binary=True))
                ids = list(versions)
                id_text, after_text = _array_text(ids, UUID), _array_text(list(versions.values()), int)  # ids' order
                if self._after_bytes is None:
                    self._after_bytes = self._after_sql(SQL("%s"), SQL("%s")).as_bytes(conn)
                with conn.cursor(row_factory=tuple_row) as cursor:
                    cursor.execute(self._after_bytes, [id_text, after_text], prepare=True, binary=True)
                    return _runs(cursor.fetchall())
        ids = list(versions)
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._after_sqlite(len(ids)), [v for i in ids for v in (i.hex, versions[i])])
            return _by_aggregate(self._stored(cursor.fetchall()))

    def _after_sql(self, ids: SQL, after: SQL) -> Composed:
        """``events_after``'s statement, its two parameters written as ``ids`` and ``after`` (``%s`` for psycopg's
        cursor, ``$1`` and ``$2`` for libpq's)."""
        schema, events = Identifier(self.recorder.datastore.schema), Identifier(self.recorder.events_table_name)
        if self.snapshots is None:
            return SQL(_AFTER).format(schema=schema, table=events, ids=ids, after=after)
        # The latest snapshot of each aggregate read whole (its primary key's index, backwards, one row), and the
        # events after it, or after the version given when there is none; planned once, as ``_AFTER`` is.
        return SQL(
            f"WITH k AS MATERIALIZED (SELECT * FROM {_KEYS}), "
            "s AS MATERIALIZED (SELECT k.id, s.originator_version, s.topic, s.state FROM k CROSS JOIN LATERAL ("
            "SELECT originator_version, topic, state FROM {schema}.{snapshots} WHERE originator_id = k.id "
            "ORDER BY originator_version DESC LIMIT 1) s WHERE k.after = 0) "
            "SELECT id, originator_version, topic, state FROM s UNION ALL "
            "SELECT e.originator_id, e.originator_version, e.topic, e.state FROM k LEFT JOIN s ON s.id = k.id "
            "CROSS JOIN LATERAL (SELECT originator_id, originator_version, topic, state FROM {schema}.{events} "
            "WHERE originator_id = k.id AND originator_version > COALESCE(s.originator_version, k.after) OFFSET 0) e "
            "ORDER BY 1, 2"
        ).format(
            schema=schema, events=events, snapshots=Identifier(self.snapshots.events_table_name), ids=ids, after=after
        )

    def _after_sqlite(self, count: int) -> str:
        events = self.recorder.events_table_name
        if self.snapshots is None:
            bounds = " OR ".join("(originator_id = ? AND originator_version > ?)" for _ in range(count))
            return (
                f"SELECT originator_id, originator_version, topic, state FROM {events} "
                f"WHERE {bounds} ORDER BY originator_id, originator_version"
            )
        keys = ", ".join("(?, ?)" for _ in range(count))
        snapshots = self.snapshots.events_table_name
        return (
            f"WITH k(id, after) AS (VALUES {keys}), s(id, v) AS (SELECT k.id, (SELECT max(originator_version) "
            f"FROM {snapshots} WHERE originator_id = k.id) FROM k WHERE k.after = 0) "
            f"SELECT n.originator_id, n.originator_version, n.topic, n.state FROM s JOIN {snapshots} n "
            "ON n.originator_id = s.id AND n.originator_version = s.v UNION ALL "
            f"SELECT e.originator_id, e.originator_version, e.topic, e.state FROM k LEFT JOIN s ON s.id = k.id "
            f"JOIN {events} e ON e.originator_id = k.id AND e.originator_version > COALESCE(s.v, k.after) "
            "ORDER BY 1, 2"
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
    text is then only hex digits, or digits. A UUID is written as its 32 hex digits, which PostgreSQL reads as it reads
    the dashed form, formatted in C (``UUID.__str__`` is Python, issue 35)."""
    if not set(map(type, values)) <= {kind}:  # each exactly ``kind`` (none: an empty array), tested in C
        return values
    if kind is UUID:
        return "{" + ",".join([f"{v.int:032x}" for v in values]) + "}"  # type: ignore[attr-defined]
    return "{" + ",".join([str(v) for v in values]) + "}"


def _array_params(versions: dict[UUID, int]) -> list[bytes] | None:
    """``events_after``'s two parameters for libpq, the texts ``_array_text`` writes, made as bytes in one pass each
    (issue 35); None unless every id is exactly a UUID and every version exactly an int (the cursor's way then). One
    loop, not comprehensions: each of those is a call of its own in Python 3.11, and a command reads one or two ids."""
    ids: list[bytes] = []
    after: list[bytes] = []
    for i, v in versions.items():
        if type(i) is not UUID or type(v) is not int:
            return None
        ids.append(b"%032x" % i.int)
        after.append(b"%d" % v)
    return [b"{%b}" % b",".join(ids), b"{%b}" % b",".join(after)]


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
