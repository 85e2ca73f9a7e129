"""Spent challenge ids (PIN-6) in the read-model database: a challenge answers once, in whichever API process
it reaches first. Not a projection: no rebuild drops them. Redis keeps them instead when configured."""

from __future__ import annotations

from datetime import datetime, timedelta

from projections.store import ReadStore

DDL = (
    "CREATE TABLE IF NOT EXISTS sivil_spent_challenges (token_id TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS sivil_spent_challenges_expiry ON sivil_spent_challenges (expires_at)",
)

# An id is kept a while past its expiry, so a process whose clock runs behind still finds it spent.
KEEP_AFTER_EXPIRY = timedelta(minutes=5)
# Expired ids are swept at most this often, not on every look-up (one statement fewer on the hot path, issue 8).
SWEEP_EVERY = timedelta(minutes=1)


class SpentChallenges:
    def __init__(self, store: ReadStore) -> None:
        self.store = store
        self._next_sweep: datetime | None = None
        with store.transaction() as tx:
            for statement in DDL:
                tx.execute(statement)

    def claim(self, token_id: str, expires_at: datetime, now: datetime) -> bool:
        """True for the first claim of ``token_id``; False when it was spent before (the primary key says so)."""
        with self.store.transaction() as tx:
            if self._next_sweep is None or now >= self._next_sweep:
                tx.execute(
                    "DELETE FROM sivil_spent_challenges WHERE expires_at < :before",
                    {"before": int((now - KEEP_AFTER_EXPIRY).timestamp())},
                )
                self._next_sweep = now + SWEEP_EVERY
            inserted = tx.execute(
                "INSERT INTO sivil_spent_challenges (token_id, expires_at) VALUES (:id, :exp) "
                "ON CONFLICT (token_id) DO NOTHING",
                {"id": token_id, "exp": int(expires_at.timestamp())},
            )
        return inserted == 1

    def release(self, token_id: str) -> None:
        """Un-spends a challenge whose look-up could not be answered (a store was unavailable)."""
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM sivil_spent_challenges WHERE token_id = :id", {"id": token_id})

    def count(self) -> int:
        return int(self.store.query("SELECT COUNT(*) AS n FROM sivil_spent_challenges")[0]["n"])
