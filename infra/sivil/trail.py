"""The processing trail of SIVIL (UU PDP 27/2022) kept in the read-model database (``api.sivil.trail``).

Not a projection of the event log: no rebuild drops it, and it lives in the read-model database only so that
every API process shares it, on SQLite and PostgreSQL alike.

Only successful look-ups are recorded, since only they touch a holder's personal data. The public
never reads this table; the holder and staff read it through ``VerificationTrail.for_diploma``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from api.sivil.trail import Verification
from projections.store import ReadStore

logger = logging.getLogger(__name__)

DDL = (
    "CREATE TABLE IF NOT EXISTS sivil_verification_trail (id TEXT PRIMARY KEY, verified_at TEXT NOT NULL,"
    " university_code TEXT NOT NULL, prodi_code TEXT NOT NULL, nina TEXT NOT NULL,"
    " client_address TEXT NOT NULL, via TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS sivil_verification_trail_diploma"
    " ON sivil_verification_trail (university_code, prodi_code, nina, verified_at)",
    "CREATE INDEX IF NOT EXISTS sivil_verification_trail_age ON sivil_verification_trail (verified_at)",
)


class VerificationTrail:
    def __init__(self, store: ReadStore) -> None:
        self.store = store
        with store.transaction() as tx:
            for statement in DDL:
                tx.execute(statement)

    def record(self, v: Verification) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT INTO sivil_verification_trail"
                " (id, verified_at, university_code, prodi_code, nina, client_address, via)"
                " VALUES (:id, :at, :u, :p, :n, :addr, :via)",
                {
                    # Sorts in recording order where two verifications share an instant.
                    "id": f"{time.time_ns():020d}-{uuid.uuid4().hex[:12]}",
                    "at": _utc_text(v.verified_at),
                    "u": v.university_code,
                    "p": v.prodi_code,
                    "n": v.nina,
                    "addr": v.client_address,
                    "via": v.via,
                },
            )

    def purge(self, *, before: datetime) -> int:
        """Deletes the verifications recorded before an instant; returns how many."""
        with self.store.transaction() as tx:
            return tx.execute(
                "DELETE FROM sivil_verification_trail WHERE verified_at < :cutoff", {"cutoff": _utc_text(before)}
            )

    def for_diploma(self, university_code: str, prodi_code: str, nina: str) -> list[Verification]:
        """Every verification of one diploma, oldest first: for its holder and the university's staff."""
        rows = self.store.query(
            "SELECT verified_at, university_code, prodi_code, nina, client_address, via"
            " FROM sivil_verification_trail WHERE university_code = :u AND prodi_code = :p AND nina = :n"
            " ORDER BY verified_at, id",
            {"u": university_code, "p": prodi_code, "n": nina},
        )
        return [Verification(**{**r, "verified_at": datetime.fromisoformat(r["verified_at"])}) for r in rows]


class Purgeable(Protocol):
    def purge(self, *, before: datetime) -> int: ...


class TrailRetention:
    """UU PDP: a verification's record (the verifier's address), of a diploma in SIVIL or of a certificate, is kept
    for a set period, then purged. Run by the worker on each pass; it purges at most once an hour
    (``KREDENSIAL_SIVIL_TRAIL_RETENTION_DAYS``)."""

    def __init__(
        self,
        trails: Sequence[Purgeable],
        clock: Callable[[], datetime],
        keep: timedelta,
        every: timedelta = timedelta(hours=1),
    ) -> None:
        self.trails, self.clock, self.keep, self.every = trails, clock, keep, every
        self._next: datetime | None = None

    def step(self) -> int:
        now = self.clock()
        if self._next is not None and now < self._next:
            return 0
        self._next = now + self.every
        purged = sum(trail.purge(before=now - self.keep) for trail in self.trails)
        if purged:
            logger.info("purged %d SIVIL verification record(s) older than %s (retention)", purged, self.keep)
        return purged


def _utc_text(instant: datetime) -> str:
    """Fixed-width UTC text, so that text order is time order on both databases."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


CERTIFICATE_DDL = (
    "CREATE TABLE IF NOT EXISTS certificate_verification_trail (id TEXT PRIMARY KEY, verified_at TEXT NOT NULL,"
    " registration_number TEXT NOT NULL, client_address TEXT NOT NULL, via TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS certificate_verification_trail_number"
    " ON certificate_verification_trail (registration_number, verified_at)",
    "CREATE INDEX IF NOT EXISTS certificate_verification_trail_age ON certificate_verification_trail (verified_at)",
)


class CertificateVerificationTrail:
    """Who verified which competency certificate, and when (UU PDP): as SIVIL's trail, for the public look-ups of
    ``/sertifikat``. Only answered look-ups are recorded; the holder reads it in their personal data report."""

    def __init__(self, store: ReadStore) -> None:
        self.store = store
        with store.transaction() as tx:
            for statement in CERTIFICATE_DDL:
                tx.execute(statement)

    def record(self, registration_number: str, verified_at: datetime, client_address: str, via: str) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT INTO certificate_verification_trail (id, verified_at, registration_number, client_address, via)"
                " VALUES (:id, :at, :n, :addr, :via)",
                {
                    "id": f"{time.time_ns():020d}-{uuid.uuid4().hex[:12]}",
                    "at": _utc_text(verified_at),
                    "n": registration_number,
                    "addr": client_address,
                    "via": via,
                },
            )

    def for_certificate(self, registration_number: str) -> list[tuple[datetime, str, str]]:
        """(when, via, from which address), oldest first."""
        rows = self.store.query(
            "SELECT verified_at, via, client_address FROM certificate_verification_trail"
            " WHERE registration_number = :n ORDER BY verified_at, id",
            {"n": registration_number},
        )
        return [(datetime.fromisoformat(r["verified_at"]), r["via"], r["client_address"]) for r in rows]

    def purge(self, *, before: datetime) -> int:
        with self.store.transaction() as tx:
            return tx.execute(
                "DELETE FROM certificate_verification_trail WHERE verified_at < :cutoff", {"cutoff": _utc_text(before)}
            )
