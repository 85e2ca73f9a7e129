"""Who uploaded which file (issue 27): a row per uploader and digest beside the content-addressed bytes.

The same bytes uploaded by two people are stored once and recorded twice, so each may name them in their own
records (FILE.uploader) and neither through the other. The rows also meter each uploader's share (FILE.quota) and
tell the worker which uploads no record names (FILE.unnamed, ``infra.erased_files``). They live in the primary read
database, like the SIVIL trail: not a read model, so a rebuild leaves them alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from domain.audit import Actor
from domain.files import QuotaExceeded, StoredFile, Uploader, UploadQuota
from infra.files import FileStore, Incoming
from projections.store import ReadStore, Row, Transaction

DDL = (
    "CREATE TABLE IF NOT EXISTS file_uploads (sha256 TEXT NOT NULL, uploader_role TEXT NOT NULL,"
    " uploader_institution TEXT NOT NULL, uploader_subject TEXT NOT NULL, size BIGINT NOT NULL,"
    " uploaded_at BIGINT NOT NULL, renewed_at BIGINT NOT NULL,"
    " PRIMARY KEY (uploader_role, uploader_institution, uploader_subject, sha256))",
    "CREATE INDEX IF NOT EXISTS file_uploads_sha256 ON file_uploads (sha256)",
    "CREATE INDEX IF NOT EXISTS file_uploads_renewed ON file_uploads (renewed_at)",
)
_WHO = "uploader_role = :role AND uploader_institution = :institution AND uploader_subject = :subject"
USAGE = (  # FILE.quota: one uploader's uploads within the window
    "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS used, MIN(uploaded_at) AS first FROM file_uploads"
    f" WHERE {_WHO} AND uploaded_at > :since"
)


def _who(uploader: Uploader) -> dict[str, str]:
    return {"role": uploader.role, "institution": uploader.institution, "subject": uploader.subject}


class Uploads:
    """The ``Files`` port: the bytes in a ``FileStore``, who uploaded them in ``file_uploads``."""

    def __init__(self, files: FileStore, store: ReadStore, quota: UploadQuota, clock: Callable[[], datetime]) -> None:
        self.files, self.store, self.quota, self.clock = files, store, quota, clock
        with store.transaction() as tx:
            for statement in DDL:
                tx.execute(statement)

    def put(self, data: bytes, by: Actor) -> StoredFile:
        """Stores the bytes as ``by``'s upload, within their share (FILE.quota)."""
        upload = self.incoming(by)
        try:
            upload.write(data)
            return upload.commit()
        finally:
            upload.discard()

    def incoming(self, by: Actor) -> Upload:
        """An upload of ``by`` on its way in: refused before its first byte when their share is used up (FILE.quota;
        the same bytes again would count once, but which bytes come is not known yet)."""
        who = _who(Uploader.of(by))
        now = int(self.clock().timestamp())
        usage = self.store.query(USAGE, self._since(who, now))[0]
        self._refuse(usage, now, self.quota.refusal(int(usage["n"]), int(usage["used"]), 1))  # 1: the least upload
        return Upload(self, self.files.incoming(), who)

    def _record(self, who: dict[str, str], sha256: str, size: int) -> None:
        """Records the upload within the uploader's share, before its bytes are placed (a row whose bytes are not
        there yet names nothing: ``uploaded`` answers None for it until they are). The per-uploader lock is a
        transaction's (``pg_advisory_xact_lock``) on a connection of the process's pool, so it goes with the
        transaction and never stays behind on a pooled connection."""
        now = int(self.clock().timestamp())
        with self.store.transaction() as tx:
            self._one_at_a_time(tx, who)
            known = tx.query(f"SELECT 1 FROM file_uploads WHERE {_WHO} AND sha256 = :sha", {**who, "sha": sha256})
            if known:  # uploaded again: counted once, and kept a grace period more
                tx.execute(
                    f"UPDATE file_uploads SET renewed_at = :now WHERE {_WHO} AND sha256 = :sha",
                    {**who, "sha": sha256, "now": now},
                )
            else:
                usage = tx.query(USAGE, self._since(who, now))[0]
                self._refuse(usage, now, self.quota.refusal(int(usage["n"]), int(usage["used"]), size))
                tx.execute(
                    "INSERT INTO file_uploads (sha256, uploader_role, uploader_institution, uploader_subject, size,"
                    " uploaded_at, renewed_at) VALUES (:sha, :role, :institution, :subject, :size, :now, :now)",
                    {**who, "sha": sha256, "size": size, "now": now},
                )

    def _one_at_a_time(self, tx: Transaction, who: dict[str, str]) -> None:
        """One uploader's uploads are metered in turn across processes (SQLite's writes already are)."""
        if self.store.dialect == "postgresql":
            key = "\x1f".join(who.values())
            tx.query("SELECT pg_advisory_xact_lock(hashtextextended(:key, 27)) AS locked", {"key": key})

    def _since(self, who: dict[str, str], now: int) -> dict[str, object]:
        return {**who, "since": now - int(self.quota.window.total_seconds())}

    def _refuse(self, usage: Row, now: int, why: str | None) -> None:
        """FILE.quota: refused until the oldest upload of the window leaves it."""
        if why is not None:
            first = int(usage["first"]) if usage["first"] is not None else now
            since = now - int(self.quota.window.total_seconds())
            raise QuotaExceeded(why, retry_after=max(1, math.ceil(first - since)))

    def stat(self, sha256: str) -> StoredFile | None:
        return self.files.stat(sha256)

    def read(self, sha256: str) -> bytes | None:
        return self.files.read(sha256)

    def uploaded(self, by: Actor, sha256: str) -> StoredFile | None:
        """FILE.uploader. Naming the file renews its grace period, so a record the read models have not projected
        yet cannot lose its file to the sweep of unnamed uploads."""
        who = {**_who(Uploader.of(by)), "sha": sha256}
        with self.store.transaction() as tx:
            renewed = tx.execute(
                f"UPDATE file_uploads SET renewed_at = :now WHERE {_WHO} AND sha256 = :sha",
                {**who, "now": int(self.clock().timestamp())},
            )
        return self.files.stat(sha256) if renewed else None

    # What the worker's sweep of files asks (infra.erased_files) --------------------------------------------------

    def erased_uploads(self, erased: str) -> set[str]:
        """UU PDP: forgets every upload of an erased student or applicant, replaced ones too; their digests. An
        account is erased when every application of it is (an erasure is per application)."""
        shas: set[str] = set()
        with self.store.transaction() as tx:
            for who in tx.query(ERASED_UPLOADERS, {"erased": erased}):
                rows = tx.query(f"SELECT sha256 FROM file_uploads WHERE {_WHO}", who)
                tx.execute(f"DELETE FROM file_uploads WHERE {_WHO}", who)
                shas.update(r["sha256"] for r in rows)
        return shas

    def stale(self, before: datetime, limit: int = 1000) -> list[str]:
        """Digests of uploads neither uploaded again nor named since ``before`` (FILE.unnamed), oldest first."""
        rows = self.store.query(
            "SELECT sha256, MIN(renewed_at) AS at FROM file_uploads WHERE renewed_at < :before"
            " GROUP BY sha256 ORDER BY at LIMIT :limit",
            {"before": int(before.timestamp()), "limit": limit},
        )
        return [r["sha256"] for r in rows]

    def renew(self, sha256: str) -> None:
        """A record names the file: its uploads are looked at again only a grace period later."""
        with self.store.transaction() as tx:
            tx.execute("UPDATE file_uploads SET renewed_at = :now WHERE sha256 = :sha", self._at(sha256))

    def forget_stale(self, sha256: str, before: datetime) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                "DELETE FROM file_uploads WHERE sha256 = :sha AND renewed_at < :before",
                {"sha": sha256, "before": int(before.timestamp())},
            )

    def uploaded_by_anyone(self, sha256: str) -> bool:
        return bool(self.store.query("SELECT 1 FROM file_uploads WHERE sha256 = :sha LIMIT 1", {"sha": sha256}))

    def delete(self, sha256: str) -> bool:
        return self.files.delete(sha256)

    def _at(self, sha256: str) -> dict[str, object]:
        return {"sha": sha256, "now": int(self.clock().timestamp())}


class Upload:
    """An upload on its way in (``infra.files.Incoming``), recorded as its uploader's when whole: its size is known
    then, so the byte share is checked (FILE.quota) before the bytes are placed at their address."""

    def __init__(self, uploads: Uploads, incoming: Incoming, who: dict[str, str]) -> None:
        self._uploads, self._incoming, self._who = uploads, incoming, who

    @property
    def size(self) -> int:
        return self._incoming.size

    @property
    def media_type(self) -> str:
        return self._incoming.media_type

    def write(self, chunk: bytes) -> None:
        self._incoming.write(chunk)

    def commit(self) -> StoredFile:
        self._uploads._record(self._who, self._incoming.sha256, self._incoming.size)
        return self._incoming.commit()

    def discard(self) -> None:
        self._incoming.discard()


# The uploaders whose personal data is erased: a student (the registry's numbering read model) or an applicant
# account none of whose applications keeps its data (the equivalency read model).
ERASED_UPLOADERS = (
    "SELECT DISTINCT u.uploader_role AS role, u.uploader_institution AS institution, u.uploader_subject AS subject"
    " FROM file_uploads u JOIN numbering_students n ON n.university_code = u.uploader_institution"
    " AND n.nim = u.uploader_subject WHERE u.uploader_role = 'student' AND n.full_name = :erased"
    " UNION SELECT DISTINCT u.uploader_role, u.uploader_institution, u.uploader_subject FROM file_uploads u"
    " WHERE u.uploader_role = 'applicant'"
    " AND u.uploader_subject IN (SELECT account_id FROM eqv_applications WHERE applicant_name = :erased)"
    " AND u.uploader_subject NOT IN (SELECT account_id FROM eqv_applications WHERE applicant_name <> :erased)"
)
