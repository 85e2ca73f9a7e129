"""Set-based writes for a batch of events (issue 8): consecutive runs of the same statement are sent as one
``execute_many`` instead of a statement per event, in the order the handlers wrote them.

Only consecutive statements are grouped, and any read (``query``) sends what is waiting first, so a handler
reads every row written before it, exactly as with the plain transaction. ``execute`` cannot know how many
rows a waiting statement will change and returns 0: a projection that needs the count writes through the
plain transaction (the worker's tracking does).
"""

from __future__ import annotations

from projections.store import Params, Row, Transaction


class Batched:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx
        self._sql: str | None = None
        self._waiting: list[Params] = []

    def execute(self, sql: str, params: Params | None = None) -> int:
        if sql != self._sql:
            self.flush()
            self._sql = sql
        self._waiting.append(params or {})
        return 0

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        self.flush()
        return self.tx.query(sql, params)

    def execute_many(self, sql: str, params: list[Params]) -> None:
        self.flush()
        self.tx.execute_many(sql, params)

    def flush(self) -> None:
        """Sends the waiting run of statements; an error in it surfaces here."""
        if self._sql is None:
            return
        sql, waiting = self._sql, self._waiting
        self._sql, self._waiting = None, []
        if len(waiting) == 1:
            self.tx.execute(sql, waiting[0])
        else:
            self.tx.execute_many(sql, waiting)
