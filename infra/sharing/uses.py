"""The uses trail of shares (SHR-8), in the read database: not a projection, so no rebuild drops it (see
``api/sharing/uses.py`` for why a use is not an event)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import datetime

from api.sharing.uses import Use
from projections.credentials.projection import recorded
from projections.credentials.view import instant
from projections.store import ReadStore

DDL = (
    "CREATE TABLE IF NOT EXISTS share_uses (id TEXT PRIMARY KEY, share_id TEXT NOT NULL, used_at TEXT NOT NULL,"
    " kind TEXT NOT NULL, network TEXT NOT NULL, agent TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS share_uses_share ON share_uses (share_id, used_at)",
    "CREATE INDEX IF NOT EXISTS share_uses_age ON share_uses (used_at)",
    # SHR-5: each share's uses of each kind, counted under the row's lock so two openers cannot both take the last
    "CREATE TABLE IF NOT EXISTS share_use_counts (share_id TEXT NOT NULL, kind TEXT NOT NULL, n INTEGER NOT NULL,"
    " PRIMARY KEY (share_id, kind))",
)


class ShareUseTrail:
    def __init__(self, store: ReadStore) -> None:
        self.store = store
        with store.transaction() as tx:
            for statement in DDL:
                tx.execute(statement)

    def record(self, use: Use, max_uses: int | None) -> bool:
        key = {"s": use.share_id, "k": use.kind}
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT INTO share_use_counts (share_id, kind, n) VALUES (:s, :k, 0)"
                " ON CONFLICT (share_id, kind) DO NOTHING",
                key,
            )
            taken = tx.execute(
                "UPDATE share_use_counts SET n = n + 1 WHERE share_id = :s AND kind = :k"
                " AND (CAST(:m AS INTEGER) IS NULL OR n < CAST(:m AS INTEGER))",
                {**key, "m": max_uses},
            )
            if not taken:
                return False
            tx.execute(
                "INSERT INTO share_uses (id, share_id, used_at, kind, network, agent)"
                " VALUES (:id, :s, :at, :k, :n, :a)",
                {
                    **key,
                    "id": f"{time.time_ns():020d}-{uuid.uuid4().hex[:12]}",
                    "at": recorded(use.used_at),
                    "n": use.network,
                    "a": use.agent,
                },
            )
        return True

    def of_shares(self, share_ids: Sequence[str], per_share: int) -> dict[str, list[Use]]:
        """The latest ``per_share`` uses of each share, the newest first."""
        found: dict[str, list[Use]] = {s: [] for s in share_ids}
        for share_id in share_ids:
            rows = self.store.query(
                "SELECT share_id, used_at, kind, network, agent FROM share_uses WHERE share_id = :s"
                " ORDER BY used_at DESC, id DESC LIMIT :n",
                {"s": share_id, "n": per_share},
            )
            found[share_id] = [
                Use(r["share_id"], instant(r["used_at"]), r["kind"], r["network"], r["agent"]) for r in rows
            ]
        return found

    def counts(self, share_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {s: {} for s in share_ids}
        for share_id in share_ids:
            for r in self.store.query("SELECT kind, n FROM share_use_counts WHERE share_id = :s", {"s": share_id}):
                found[share_id][r["kind"]] = int(r["n"])
        return found

    def forget(self, share_ids: Sequence[str]) -> int:
        """SHR-10: every use of these shares, and their counts (the shares have ended: no limit is left to keep)."""
        with self.store.transaction() as tx:
            gone = 0
            for share_id in share_ids:
                gone += tx.execute("DELETE FROM share_uses WHERE share_id = :s", {"s": share_id})
                tx.execute("DELETE FROM share_use_counts WHERE share_id = :s", {"s": share_id})
            return gone

    def purge(self, *, before: datetime) -> int:
        """The uses recorded before an instant (the trail's retention); the counts stay, so a limit stays kept."""
        with self.store.transaction() as tx:
            return tx.execute("DELETE FROM share_uses WHERE used_at < :at", {"at": recorded(before)})
