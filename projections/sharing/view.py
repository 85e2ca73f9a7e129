from __future__ import annotations

from projections.sharing.rows import ShareRow
from projections.store import ReadStore, one

_SELECT = (
    "SELECT share_id, holder_key, credential_kind, credential_key, disclosed, label, created_at, expires_at,"
    " max_views, revoked_at FROM shares"
)


class SharesView:
    def __init__(self, store: ReadStore) -> None:
        self.store = store

    def of_holder(self, holder_key: str, *, limit: int, offset: int) -> list[ShareRow]:
        """The holder's shares, the newest first; ``holder_key`` comes from the sign-in alone (SHR-1)."""
        rows = self.store.query(
            _SELECT + " WHERE holder_key = :h ORDER BY created_at DESC, share_id LIMIT :limit OFFSET :offset",
            {"h": holder_key, "limit": limit, "offset": offset},
        )
        return [ShareRow(**r) for r in rows]

    def count(self, holder_key: str) -> int:
        row = one(self.store.query("SELECT COUNT(*) AS n FROM shares WHERE holder_key = :h", {"h": holder_key}))
        return int(row["n"]) if row else 0
