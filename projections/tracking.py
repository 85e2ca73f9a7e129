"""Tracking positions, written in the same transaction as a read model's rows."""

from __future__ import annotations

import time

from projections.store import ReadStore, Transaction

DDL = (
    "CREATE TABLE IF NOT EXISTS projection_tracking ("
    " projection TEXT NOT NULL, application TEXT NOT NULL, position BIGINT NOT NULL,"
    " PRIMARY KEY (projection, application))"
)


class ConcurrentProjectionError(Exception):
    """Another worker advanced the same projection first; this batch is rolled back."""


def create_table(store: ReadStore) -> None:
    with store.transaction() as tx:
        tx.execute(DDL)


def position(store: ReadStore | Transaction, projection: str, application: str) -> int:
    rows = store.query(
        "SELECT position FROM projection_tracking WHERE projection = :p AND application = :a",
        {"p": projection, "a": application},
    )
    return int(rows[0]["position"]) if rows else 0


def positions(store: ReadStore, projections: list[str], application: str) -> dict[str, int]:
    """Several projections' positions in one application's log, in one query (a catch-up asks before each batch)."""
    names = {f"p{i}": name for i, name in enumerate(projections)}
    rows = store.query(
        "SELECT projection, position FROM projection_tracking WHERE application = :a"
        f" AND projection IN ({', '.join(':' + n for n in names)})",
        {"a": application, **names},
    )
    found = {row["projection"]: int(row["position"]) for row in rows}
    return {name: found.get(name, 0) for name in projections}


def advance(tx: Transaction, projection: str, application: str, old: int, new: int) -> None:
    """Moves the position from ``old`` to ``new``; fails if another worker moved it meanwhile."""
    params = {"p": projection, "a": application, "old": old, "new": new}
    if old == 0:
        changed = tx.execute(
            "INSERT INTO projection_tracking (projection, application, position) VALUES (:p, :a, :new) "
            "ON CONFLICT (projection, application) DO NOTHING",
            params,
        )
    else:
        changed = tx.execute(
            "UPDATE projection_tracking SET position = :new "
            "WHERE projection = :p AND application = :a AND position = :old",
            params,
        )
    if changed != 1:
        raise ConcurrentProjectionError(f"{projection} was advanced past {old} by another worker")


def advance_together(tx: Transaction, application: str, olds: dict[str, int], new: int) -> None:
    """Moves several projections' positions in one application's log to ``new``, each from its own in ``olds``, in one
    statement (a new position in one each); fails if another worker moved any of them meanwhile."""
    moved = {projection: old for projection, old in olds.items() if old}
    for projection in olds.keys() - moved.keys():
        advance(tx, projection, application, 0, new)
    if not moved:
        return
    params: dict[str, object] = {"a": application, "new": new}
    matches = []
    for i, (projection, old) in enumerate(moved.items()):
        params[f"p{i}"], params[f"o{i}"] = projection, old
        matches.append(f"(projection = :p{i} AND position = :o{i})")
    changed = tx.execute(
        f"UPDATE projection_tracking SET position = :new WHERE application = :a AND ({' OR '.join(matches)})", params
    )
    if changed != len(moved):
        raise ConcurrentProjectionError(f"one of {sorted(moved)} was advanced by another worker")


def reset(tx: Transaction, projection: str) -> None:
    tx.execute("DELETE FROM projection_tracking WHERE projection = :p", {"p": projection})


def wait(store: ReadStore, projection: str, application: str, target: int | None, timeout: float) -> None:
    """Blocks until the projection has processed ``target``; raises TimeoutError past ``timeout``."""
    if target is None:
        return
    deadline = time.monotonic() + timeout
    pause = 0.002
    while position(store, projection, application) < target:
        if time.monotonic() > deadline:
            raise TimeoutError(f"read model {projection} has not reached position {target} yet; retry shortly")
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def replace(tx: Transaction, projection: str, by: str) -> None:
    """A rebuild swapped in: the live model is now where its shadow ``by`` was; the live worker goes on from there.

    The live row is deleted first, so a worker's batch that started on the old tables waits for this
    transaction and then fails to advance (ConcurrentProjectionError) instead of writing past the swap.
    """
    tx.execute("DELETE FROM projection_tracking WHERE projection = :p", {"p": projection})
    tx.execute("UPDATE projection_tracking SET projection = :p WHERE projection = :by", {"p": projection, "by": by})
