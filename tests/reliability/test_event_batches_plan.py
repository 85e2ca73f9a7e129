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


def test_the_read_keeps_one_plan_that_probes_the_index_per_aggregate(world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    world.reserve("2020001")
    recorder = world.app.recorder
    ids = list(dict.fromkeys(n.originator_id for n in world.notifications()))
    batches = EventBatches(recorder)
    expected = batches.events_after(dict.fromkeys(ids, 0))  # renders the statement
    statement = batches._after_bytes
    assert statement is not None
    params = [_array_text(ids, UUID), _array_text([0] * len(ids), int)]
    with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as cursor:
        for _ in range(8):  # the server plans the first five runs for their values, then weighs its generic plan
            cursor.execute(statement, params, prepare=True, binary=True)
            assert len(cursor.fetchall()) == sum(len(events) for events in expected.values())
        cursor.execute("SELECT name, generic_plans FROM pg_prepared_statements WHERE statement LIKE %s", ("%unnest(%",))
        [(name, generic_plans)] = cursor.fetchall()
        assert generic_plans >= 2  # the runs after the fifth were not planned again
        cursor.execute(
            sql.SQL("EXPLAIN EXECUTE {}({}, {})").format(sql.Identifier(name), *(sql.Literal(p) for p in params))
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Nested Loop" in plan and "Hash" not in plan and "Merge" not in plan, plan
