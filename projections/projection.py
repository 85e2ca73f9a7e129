"""A projection turns events into rows of one read model; it never loads an aggregate."""

from __future__ import annotations

from typing import Any, ClassVar

from projections.store import ReadStore, Transaction


class Projection:
    name: ClassVar[str]  # tracking key; pinned, since renaming it means a rebuild
    ddl: ClassVar[tuple[str, ...]]  # CREATE TABLE IF NOT EXISTS ... statements
    tables: ClassVar[tuple[str, ...]]  # dropped by a rebuild

    def create_tables(self, store: ReadStore) -> None:
        with store.transaction() as tx:
            for statement in self.ddl:
                tx.execute(statement)

    def drop_tables(self, tx: Transaction) -> None:
        for table in self.tables:
            tx.execute(f"DROP TABLE IF EXISTS {table}")

    def process(self, event: Any, tx: Transaction) -> None:
        """Writes the rows for one event; events this read model does not need are ignored."""
        handler = getattr(self, "on_" + type(event).__qualname__.replace(".", "_"), None)
        if handler is not None:
            handler(event, tx)
