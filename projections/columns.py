"""Columns a later version of a read model added, added to a database made before it.

A read model's ``CREATE TABLE IF NOT EXISTS`` leaves an existing table as it was; state that cannot be replayed from
the log (what the outbox's SMTP server answered) must not need a rebuild to get its columns, so they are added in
place. Safe when several processes start at once: PostgreSQL has ``ADD COLUMN IF NOT EXISTS``; SQLite's check and
``ALTER`` run in one write transaction (``BEGIN IMMEDIATE``), which the processes take in turn.
"""

from __future__ import annotations

from projections.store import Transaction


def add_column(tx: Transaction, dialect: str, table: str, column: str, definition: str) -> None:
    """Looks before it alters: an ``ALTER TABLE`` locks the table even when it has nothing to do."""
    if column in _columns(tx, dialect, table):
        return
    if dialect == "postgresql":  # a process starting at the same moment may have added it meanwhile
        tx.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {definition}")
    else:
        tx.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")


def _columns(tx: Transaction, dialect: str, table: str) -> set[str]:
    if dialect == "postgresql":
        rows = tx.query(
            "SELECT column_name AS name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = :t",
            {"t": table},
        )
    else:
        rows = tx.query(f"PRAGMA table_info({table})")
    return {row["name"] for row in rows}
