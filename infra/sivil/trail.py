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
from datetime import datetime

from api.sivil.trail import Verification
from infra.public_lookup.retention import utc_text
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
                    "at": utc_text(v.verified_at),
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
                "DELETE FROM sivil_verification_trail WHERE verified_at < :cutoff", {"cutoff": utc_text(before)}
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
