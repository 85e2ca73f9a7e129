"""What a read model needs of a database; SQLite and PostgreSQL adapters live in ``infra``.

SQL here uses ``:name`` parameters and only what both databases understand
(TEXT/INTEGER/BIGINT columns, ``INSERT ... ON CONFLICT``), so a view's SQL is written once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

Row = dict[str, Any]
Params = Mapping[str, Any]


class Transaction(Protocol):
    def execute(self, sql: str, params: Params | None = None) -> int:
        """Runs a statement; returns the number of rows it changed."""
        ...

    def query(self, sql: str, params: Params | None = None) -> list[Row]: ...

    def execute_many(self, sql: str, params: list[Params]) -> None:
        """Runs one statement for each set of parameters (``executemany``)."""
        ...


class ReadStore(Protocol):
    dialect: str  # "sqlite" or "postgresql"

    def transaction(self) -> AbstractContextManager[Transaction]: ...

    def query(self, sql: str, params: Params | None = None) -> list[Row]: ...

    def close(self) -> None: ...


def one(rows: list[Row]) -> Row | None:
    return rows[0] if rows else None


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
