"""Set-based writes for a batch of events (issues 8 and 35): a batch's runs of the same statement are sent as one
``execute_many`` instead of a statement per event, so the store can send each run as one multi-row statement.

A run is kept per table: statements on different tables may go out in another order than the handlers wrote them (a
simple ``INSERT``, ``UPDATE`` or ``DELETE`` reads and writes its own table only, and no read model has foreign keys
or triggers), while on one table the order is kept: a different statement on a table sends that table's run first. A
statement that may read another table (a ``SELECT``, ``FROM``, ``USING`` or ``JOIN`` after its table's name) and any
read (``query``) send everything waiting first, so a handler reads every row written before it, exactly as with the
plain transaction. ``execute`` cannot know how many rows a waiting statement will change and returns 0: a projection
that needs the count writes through the plain transaction (the worker's tracking does).
"""

from __future__ import annotations

import functools
import re

from projections.store import Params, Row, Transaction

_WRITES = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)\s", re.IGNORECASE)
_READS_ANOTHER = re.compile(r"\b(?:select|from|using|join)\b", re.IGNORECASE)  # after the written table's name
_ANYWHERE = "\0"  # the run of a statement that may read any table: nothing else waits beside it


@functools.lru_cache(maxsize=1024)  # a projection's few statements, seen once per event
def written_table(sql: str) -> str:
    """The one table a statement reads and writes, or ``_ANYWHERE`` when it may read another."""
    found = _WRITES.match(sql)
    if found is None or _READS_ANOTHER.search(sql, found.end()):
        return _ANYWHERE
    return found.group(1).lower()


class Batched:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx
        self._runs: dict[str, tuple[str, list[Params]]] = {}  # table -> its waiting statement and parameters

    def execute(self, sql: str, params: Params | None = None) -> int:
        table = written_table(sql)
        run = self._runs.get(table)
        if run is None or run[0] != sql:
            if table == _ANYWHERE or _ANYWHERE in self._runs:
                self.flush()
            elif run is not None:
                self._send(table)
            run = self._runs[table] = (sql, [])
        run[1].append(params or {})
        return 0

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        self.flush()
        return self.tx.query(sql, params)

    def execute_many(self, sql: str, params: list[Params]) -> None:
        self.flush()
        self.tx.execute_many(sql, params)

    def flush(self) -> None:
        """Sends every waiting run; an error in one surfaces here."""
        for table in list(self._runs):
            self._send(table)

    def _send(self, table: str) -> None:
        sql, waiting = self._runs.pop(table)
        if len(waiting) == 1:
            self.tx.execute(sql, waiting[0])
        else:
            self.tx.execute_many(sql, waiting)
