"""A command's read on PostgreSQL (infra/event_batches.py ``events_after``) is planned once per connection, not at each
run, and its plan probes the index once per aggregate (issue 35)."""

from __future__ import annotations

from uuid import UUID

import pytest
from psycopg import sql
from psycopg.rows import tuple_row

from infra.event_batches import EventBatches, _array_text
from tests.world import World

pytestmark = pytest.mark.postgres


@pytest.fixture
def store() -> str:
    return "postgres"


@pytest.mark.parametrize("with_snapshots", [False, True], ids=["events", "snapshots and events"])
def test_the_read_keeps_one_plan_that_probes_the_index_per_aggregate(world: World, with_snapshots: bool) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    world.reserve("2020001")
    recorder = world.app.recorder
    ids = list(dict.fromkeys(n.originator_id for n in world.notifications()))
    batches = EventBatches(recorder, world.app.snapshots.recorder if with_snapshots else None)
    expected = batches.events_after(dict.fromkeys(ids, 0))
    params = [_array_text(ids, UUID), _array_text([0] * len(ids), int)]
    with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as cursor:
        statement = batches._after_sql(sql.SQL("%s"), sql.SQL("%s")).as_bytes(conn)  # as the cursor's path runs it
        for _ in range(8):  # the server plans the first five runs for their values, then weighs its generic plan
            cursor.execute(statement, params, prepare=True, binary=True)
            assert len(cursor.fetchall()) == sum(len(events) for events in expected.values())
        cursor.execute(  # psycopg's (the application's own reads, through libpq, are prepared here too)
            "SELECT name, generic_plans FROM pg_prepared_statements WHERE name LIKE '\\_pg3%%'"
            " AND statement LIKE '%%unnest(%%' AND (statement LIKE '%%MATERIALIZED%%') = %s",
            (with_snapshots,),
        )
        [(name, generic_plans)] = cursor.fetchall()
        assert generic_plans >= 2  # the runs after the fifth were not planned again
        cursor.execute(
            sql.SQL("EXPLAIN EXECUTE {}({}, {})").format(sql.Identifier(name), *(sql.Literal(p) for p in params))
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Each aggregate's rows by a probe of the log inside a nested loop (by its key, or a scan while the table is a
    # page or two): never a hash or merge join with the log, which reads all of it (the two small lists of keys and
    # snapshots found may be joined any way).
    log = recorder.events_table_name
    assert "Nested Loop" in plan and f" on {log} " in plan, plan
    assert not any(f" on {log} " in node for node in _joins(plan, "Hash", "Merge")), plan


def _joins(plan: str, *kinds: str) -> list[str]:
    """The subtrees (as text) of the plan's joins of the given kinds."""
    lines = plan.splitlines()
    found = []
    for at, line in enumerate(lines):
        node = line.lstrip(" ->")
        if any(node.startswith(kind) for kind in kinds) and " Join" in node:
            depth = len(line) - len(line.lstrip())
            below = lines[at + 1 :]
            end = next((i for i, x in enumerate(below) if len(x) - len(x.lstrip()) <= depth), len(below))
            found.append("\n".join(below[:end]))
    return found
