"""Who verified which competency certificate, and when (UU PDP), kept in the read-model database as SIVIL's trail is
(``api.competency_trail``); not a projection, so no rebuild drops it."""

from __future__ import annotations

import time
import uuid
from datetime import datetime

from infra.public_lookup.retention import utc_text
from projections.store import ReadStore

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
                    "at": utc_text(verified_at),
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
                "DELETE FROM certificate_verification_trail WHERE verified_at < :cutoff", {"cutoff": utc_text(before)}
            )
