"""Tamper evidence (issue 12, item 3), on both stores: the event table is edited behind the application's back,
as someone with database access could, and ``verify`` names what was done and where.

Each case edits the diplomas log directly: one event's bytes changed, one deleted, two swapped, one inserted;
and, with the chain table rewritten to match, the signed checkpoint still disagrees.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.http import create_app
from domain.audit.chain import Tamper, event_hash, link
from infra.bootstrap import Container
from infra.documents.key_ring import KeyRing
from projections.audit.chain import ChainKeeper, Checkpoint, chain_head
from projections.audit.verify import LogReport, verify_logs
from tests.world import World

LOG = "diplomas"


@pytest.fixture
def chained(world: World) -> World:
    """A log of some forty events (registry, records, a reservation), all chained and checkpointed."""
    world.university()
    world.programme()
    for nim in ("2020001", "2020002"):
        world.eligible_s1(nim)
    world.reserve("2020001")
    keeper = world.container.services.audit.chain
    keeper.catch_up()
    assert keeper.checkpoint(force=True)
    return world


def report(container: Container) -> LogReport:
    services = container.services
    [diplomas] = [
        r
        for r in verify_logs(services.worker.logs.values(), services.worker.store, services.audit.keys)
        if r.log == LOG
    ]
    return diplomas


@contextmanager
def raw_events(container: Container) -> Iterator[tuple[Any, str, str]]:
    """A connection to the diplomas log's own table, its name, and its position column: as an intruder sees it."""
    settings = container.settings
    if settings.uses_postgres:
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            yield conn, "diplomas_events", "notification_id"
    else:
        conn = sqlite3.connect(settings.data_dir / "events.sqlite3", isolation_level=None)
        try:
            yield conn, "stored_events", "rowid"
        finally:
            conn.close()


def sql(conn: Any, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    marked = statement.replace("?", "%s") if isinstance(conn, psycopg.Connection) else statement
    cursor = conn.execute(marked, params)
    return list(cursor.fetchall()) if cursor.description else []


def test_an_untouched_log_verifies_with_its_signed_checkpoint(chained: World) -> None:
    result = report(chained.container)
    assert result.intact, result.findings
    assert result.events == chained.position() == result.chained_to and result.checkpoints == 1


def test_one_event_edited_in_the_database_is_caught_at_its_position(chained: World) -> None:
    with raw_events(chained.container) as (conn, table, pos):
        sql(conn, f"UPDATE {table} SET state = ? WHERE {pos} = 7", (b'{"forged":true}',))
    result = report(chained.container)
    assert [(f.position, f.kind) for f in result.findings] == [(7, Tamper.ALTERED)]


def test_one_event_deleted_is_caught_at_its_position(chained: World) -> None:
    with raw_events(chained.container) as (conn, table, pos):
        sql(conn, f"DELETE FROM {table} WHERE {pos} = 12")
    result = report(chained.container)
    assert [(f.position, f.kind) for f in result.findings] == [(12, Tamper.REMOVED)]


def test_two_events_swapped_are_caught_at_the_first_of_them(chained: World) -> None:
    with raw_events(chained.container) as (conn, table, pos):
        rows = {
            r[0]: r[1:]
            for r in sql(
                conn,
                f"SELECT {pos}, originator_id, originator_version, topic, state FROM {table} WHERE {pos} IN (9, 15)",
            )
        }
        # Through a placeholder version, since (aggregate, version) is unique while the rows trade places.
        sql(conn, f"UPDATE {table} SET originator_version = -1 WHERE {pos} = 9")
        for target, source in ((15, 9), (9, 15)):
            aggregate, version, topic, state = rows[source]
            sql(
                conn,
                f"UPDATE {table} SET originator_id = ?, originator_version = ?, topic = ?, state = ? WHERE {pos} = ?",
                (aggregate, version, topic, state, target),
            )
    result = report(chained.container)
    assert [(f.position, f.kind) for f in result.findings] == [(9, Tamper.REORDERED), (15, Tamper.REORDERED)]
    assert "position 15" in result.findings[0].detail


def test_an_event_inserted_with_the_later_ones_moved_up_is_caught_where_it_was_inserted(chained: World) -> None:
    with raw_events(chained.container) as (conn, table, pos):
        [row] = sql(conn, f"SELECT originator_id, topic, state FROM {table} WHERE {pos} = 20")
        for p in range(chained.position(), 19, -1):  # one at a time, from the end: positions are unique
            sql(conn, f"UPDATE {table} SET {pos} = {pos} + 1 WHERE {pos} = ?", (p,))
        sql(
            conn,
            f"INSERT INTO {table} ({pos}, originator_id, originator_version, topic, state) VALUES (20, ?, 99, ?, ?)",
            row,
        )
    result = report(chained.container)
    assert [(f.position, f.kind) for f in result.findings] == [(20, Tamper.INSERTED)]  # the later ones still match


def test_an_event_inserted_into_a_gap_of_positions_is_caught(world: World) -> None:
    """PostgreSQL leaves a position unused when a transaction rolls back; an event forged into it was never
    chained. (SQLite has no such gaps: there a forged event must move the others, as above.)"""
    world.university()
    world.programme()
    if world.container.settings.uses_postgres:
        with raw_events(world.container) as (conn, _, _):
            sql(conn, "SELECT nextval(pg_get_serial_sequence('diplomas_events', 'notification_id'))")
    world.eligible_s1("2020001")
    gap = world.started + 3  # after the university, the programme (and on PostgreSQL the number taken above)
    with raw_events(world.container) as (conn, table, pos):
        if not world.container.settings.uses_postgres:  # a gap as a rolled-back PostgreSQL insert leaves one
            sql(conn, f"DELETE FROM {table} WHERE {pos} = ?", (gap,))
    world.container.services.audit.chain.catch_up()
    with raw_events(world.container) as (conn, table, pos):
        [row] = sql(conn, f"SELECT originator_id, topic, state FROM {table} WHERE {pos} = ?", (gap + 1,))
        sql(
            conn,
            f"INSERT INTO {table} ({pos}, originator_id, originator_version, topic, state) VALUES (?, ?, 99, ?, ?)",
            (gap, *row),
        )
    result = report(world.container)
    assert [(f.position, f.kind) for f in result.findings] == [(gap, Tamper.INSERTED)]


def test_a_log_and_chain_rewritten_together_still_disagree_with_the_signed_checkpoint(chained: World) -> None:
    container = chained.container
    store = container.services.worker.store
    forged = b'{"forged":true}'
    with raw_events(container) as (conn, table, pos):
        [row] = sql(conn, f"SELECT originator_id, originator_version, topic FROM {table} WHERE {pos} = 5")
        sql(conn, f"UPDATE {table} SET state = ? WHERE {pos} = 5", (forged,))
    # The intruder recomputes the chain from position 5 on, so that every link follows from the one before.
    links = store.query("SELECT position, event_hash FROM audit_chain WHERE log = :log ORDER BY position", {"log": LOG})
    previous = next(
        r for r in store.query("SELECT chain_hash FROM audit_chain WHERE log = :log AND position = 4", {"log": LOG})
    )["chain_hash"]
    with store.transaction() as tx:
        for r in links[4:]:
            hash_ = event_hash(row[0], row[1], row[2], forged) if r["position"] == 5 else r["event_hash"]
            previous = link(previous, r["position"], hash_)
            tx.execute(
                "UPDATE audit_chain SET event_hash = :e, chain_hash = :c WHERE log = :log AND position = :p",
                {"e": hash_, "c": previous, "log": LOG, "p": r["position"]},
            )
    result = report(container)
    [finding] = result.findings
    assert finding.kind is Tamper.CHAIN_REWRITTEN and finding.position == chain_head(store, LOG)[0]


def test_a_forged_checkpoint_signature_is_reported(chained: World) -> None:
    store = chained.container.services.worker.store
    with store.transaction() as tx:
        tx.execute("UPDATE audit_checkpoints SET chain_hash = :h", {"h": "ab" * 32})
    result = report(chained.container)
    assert [f.kind for f in result.findings] == [Tamper.CHAIN_REWRITTEN]
    assert "signature" in result.findings[0].detail


def test_new_events_after_the_chain_head_are_not_findings_until_chained(chained: World) -> None:
    chained.reserve("2020002")
    assert report(chained.container).intact
    chained.container.services.audit.chain.catch_up()
    result = report(chained.container)
    assert result.intact and result.chained_to == chained.position()


def test_signed_checkpoints_are_public_and_verify_with_the_published_keys(chained: World) -> None:
    with TestClient(create_app(chained.container.services)) as http:
        published = http.get("/audit/checkpoints", params={"log": "diplomas"}).json()
        keys = KeyRing.from_published(http.get(published["keys"]).json())
        assert http.get("/audit/checkpoints", params={"log": "nope"}).status_code == 400
    [first] = published["checkpoints"]
    checkpoint = Checkpoint(
        first["log"], first["position"], first["chainHash"], first["signedAt"], first["kid"], first["signature"]
    )
    assert checkpoint.checked(keys) is not None and checkpoint.position == chained.position()
    forged = Checkpoint(
        checkpoint.log, checkpoint.position, "ab" * 32, checkpoint.signed_at, checkpoint.kid, checkpoint.signature
    )
    assert forged.checked(keys) is None


def test_a_chain_cut_back_is_never_chained_again_over_a_changed_log(chained: World) -> None:
    """Deleting the chain's tail and changing the events under it: the keeper that chained them halts instead of
    chaining the changed bytes, and a keeper starting afresh refuses a chain below its signed checkpoint."""
    container = chained.container
    store, keeper = container.services.worker.store, container.services.audit.chain
    with store.transaction() as tx:
        tx.execute("DELETE FROM audit_chain WHERE log = :log AND position >= 20", {"log": LOG})
    with raw_events(container) as (conn, table, pos):
        sql(conn, f"UPDATE {table} SET state = ? WHERE {pos} = 21", (b'{"forged":true}',))
    chained.student("2020009")  # new events: the keeper looks again
    keeper.step()
    assert LOG in keeper.halted and chain_head(store, LOG)[0] == 19
    assert not keeper.checkpoint(force=True) or all(c.log != LOG for c in keeper.checkpoint(force=True))
    fresh = ChainKeeper(
        list(container.services.worker.logs.values()),
        store,
        container.services.audit.keys,
        container.services.diploma.commands.clock,
        timedelta(hours=1),
    )
    fresh.catch_up()
    assert LOG in fresh.halted and chain_head(store, LOG)[0] == 19
    assert [f.kind for f in report(container).findings] == [Tamper.CHAIN_REWRITTEN]


def test_a_store_made_with_the_chain_s_hash_index_loses_it_and_still_names_a_reordering(chained: World) -> None:
    """The chain kept no index on its event hashes from issue 35 on (their random order made it most of the chain's
    write cost): a database an earlier version made has it dropped as the application starts, and ``verify``
    still finds where a moved event was chained, by a scan."""
    store = chained.container.services.worker.store
    with store.transaction() as tx:  # as the earlier version made it
        tx.execute("CREATE INDEX IF NOT EXISTS audit_chain_by_event_hash ON audit_chain (log, event_hash)")
    services = chained.container.services
    ChainKeeper(list(services.worker.logs.values()), store, services.audit.keys, chained.clock, timedelta(hours=1))
    if store.dialect == "postgresql":
        rows = store.query("SELECT indexname AS name FROM pg_indexes WHERE tablename = 'audit_chain'")
    else:
        rows = store.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_chain'")
    assert "audit_chain_by_event_hash" not in {row["name"] for row in rows}
    test_two_events_swapped_are_caught_at_the_first_of_them(chained)
