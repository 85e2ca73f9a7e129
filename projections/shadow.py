"""Shadow tables for a rebuild: the log is replayed into ``<table>_rebuild`` while readers keep the live model.

The projection's own SQL is reused unchanged: :class:`Renamed` points every name that starts with one of the
projection's tables at its shadow (``sivil_entries`` and an index ``sivil_entries_by_x`` alike). Once the
shadow has caught up with the log, :func:`swap` drops the live tables and renames the shadows in one
transaction (DDL is transactional on both stores), so a reader sees the old model or the new, never a gap.
"""

from __future__ import annotations

import re

from projections.store import Params, Row, Transaction

SUFFIX = "_rebuild"
# A swap waits at most this long for one lock, then gives way and is retried: readers' joins lock the tables
# one by one, so a swap that waited holding some of them could deadlock with a reader (who would lose).
LOCK_TIMEOUT_MS = 200


class Renamed:
    """A transaction whose SQL names the shadow tables instead of the live ones."""

    def __init__(self, tx: Transaction, tables: tuple[str, ...]) -> None:
        self.tx = tx
        names = "|".join(re.escape(t) for t in sorted(tables, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<![:\w])({names})")  # not a :parameter, not inside another word
        self._renamed: dict[str, str] = {}

    def rename(self, sql: str) -> str:
        renamed = self._renamed.get(sql)
        if renamed is None:
            renamed = self._renamed[sql] = self._pattern.sub(rf"\1{SUFFIX}", sql)
        return renamed

    def execute(self, sql: str, params: Params | None = None) -> int:
        return self.tx.execute(self.rename(sql), params)

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        return self.tx.query(self.rename(sql), params)

    def execute_many(self, sql: str, params: list[Params]) -> None:
        self.tx.execute_many(self.rename(sql), params)


def drop(tx: Transaction, tables: tuple[str, ...]) -> None:
    """Drops the shadows a crashed rebuild may have left."""
    for table in tables:
        tx.execute(f"DROP TABLE IF EXISTS {table}{SUFFIX}")


def bound_lock_waits(tx: Transaction, dialect: str) -> None:
    """First in the swap's transaction: past the timeout PostgreSQL raises LockNotAvailable (transient)."""
    if dialect == "postgresql":
        tx.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'")


def swap(tx: Transaction, dialect: str, tables: tuple[str, ...]) -> None:
    """Replaces the live tables by their shadows, indexes renamed too (PostgreSQL's are schema-wide)."""
    if dialect == "postgresql":  # all at once, before any is dropped
        tx.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
    for table in tables:
        tx.execute(f"DROP TABLE IF EXISTS {table}")
    for table in tables:
        tx.execute(f"ALTER TABLE {table}{SUFFIX} RENAME TO {table}")
        _rename_indexes(tx, dialect, table)


def _rename_indexes(tx: Transaction, dialect: str, table: str) -> None:
    shadow = table + SUFFIX
    if dialect == "postgresql":  # the primary key's index (and constraint) keeps ``<shadow>_pkey`` otherwise
        rows = tx.query(
            "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = :t",
            {"t": table},
        )
        for row in rows:
            if row["name"].startswith(shadow):
                tx.execute(f'ALTER INDEX "{row["name"]}" RENAME TO "{table}{row["name"][len(shadow) :]}"')
        return
    # SQLite renames its automatic indexes itself and has no ALTER INDEX: recreate the explicit ones.
    rows = tx.query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL", {"t": table}
    )
    for row in rows:
        if row["name"].startswith(shadow):
            tx.execute(f'DROP INDEX "{row["name"]}"')
            tx.execute(row["sql"].replace(row["name"], table + row["name"][len(shadow) :], 1))
