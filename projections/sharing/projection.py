"""The holder's shares (issue 34): what ``myShares`` lists. The uses of each are in the uses trail, not here."""

from __future__ import annotations

from domain.sharing.book import ShareBook
from projections.credentials.projection import recorded
from projections.projection import Projection, handles
from projections.store import Transaction


class SharesProjection(Projection):
    name = "shares"
    applications = ("shares",)
    tables = ("share_holders", "shares")
    ddl = (
        "CREATE TABLE IF NOT EXISTS share_holders (book_id TEXT PRIMARY KEY, holder_key TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS shares (share_id TEXT PRIMARY KEY, holder_key TEXT NOT NULL,"
        " credential_kind TEXT NOT NULL, credential_key TEXT NOT NULL, disclosed TEXT NOT NULL, label TEXT NOT NULL,"
        " created_at TEXT NOT NULL, expires_at TEXT NOT NULL, max_views INTEGER, revoked_at TEXT)",
        "CREATE INDEX IF NOT EXISTS shares_holder ON shares (holder_key, created_at)",
    )

    @handles
    def on_ShareBook_Opened(self, e: ShareBook.Opened, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO share_holders (book_id, holder_key) VALUES (:b, :h) ON CONFLICT (book_id) DO NOTHING",
            {"b": str(e.originator_id), "h": e.holder.key},
        )

    @handles
    def on_ShareBook_ShareCreated(self, e: ShareBook.ShareCreated, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO shares (share_id, holder_key, credential_kind, credential_key, disclosed, label, created_at,"
            " expires_at, max_views, revoked_at) SELECT :s, holder_key, :k, :c, :d, :l, :at, :x, :m, NULL"
            " FROM share_holders WHERE book_id = :b ON CONFLICT (share_id) DO NOTHING",
            {
                "s": str(e.share_id),
                "k": e.credential.kind.value,
                "c": e.credential.key,
                "d": " ".join(f.value for f in e.disclosed),
                "l": e.label,
                "at": recorded(e.timestamp),
                "x": recorded(e.expires_at),
                "m": e.max_views,
                "b": str(e.originator_id),
            },
        )

    @handles
    def on_ShareBook_ShareChanged(self, e: ShareBook.ShareChanged, tx: Transaction) -> None:
        tx.execute(
            "UPDATE shares SET label = :l, expires_at = :x, max_views = :m WHERE share_id = :s",
            {"l": e.label, "x": recorded(e.expires_at), "m": e.max_views, "s": str(e.share_id)},
        )

    @handles
    def on_ShareBook_ShareRevoked(self, e: ShareBook.ShareRevoked, tx: Transaction) -> None:
        tx.execute(
            "UPDATE shares SET revoked_at = :at WHERE share_id = :s",
            {"at": recorded(e.timestamp), "s": str(e.share_id)},
        )

    @handles
    def on_ShareBook_AllSharesRevoked(self, e: ShareBook.AllSharesRevoked, tx: Transaction) -> None:
        tx.execute_many(
            "UPDATE shares SET revoked_at = :at WHERE share_id = :s",
            [{"at": recorded(e.timestamp), "s": str(s)} for s in e.share_ids],
        )

    @handles
    def on_ShareBook_SharesErased(self, e: ShareBook.SharesErased, tx: Transaction) -> None:
        tx.execute_many(
            "UPDATE shares SET revoked_at = :at WHERE share_id = :s AND revoked_at IS NULL",
            [{"at": recorded(e.timestamp), "s": str(s)} for s in e.share_ids],
        )
