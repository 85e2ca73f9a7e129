"""The credential status read model, as the issuer asks it (``application.credentials.issuing.StatusReads``) and
the allocator (``application.credentials.allocation.PendingSlots``)."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.credentials.dpi import DpiVersion
from domain.credentials.slots import Opened
from domain.credentials.status_list import Annulment, CredentialKind, ListAt, Purpose, StatusSlot
from projections.credentials.projection import recorded
from projections.store import ReadStore, Row, one

_LATEST = "9999"  # after any recorded instant


class CredentialStatusView:
    def __init__(self, store: ReadStore) -> None:
        self.store = store

    def slot(self, kind: CredentialKind, subject: str) -> StatusSlot | None:
        row = one(
            self.store.query(
                "SELECT list_number, list_index, valid_from FROM credential_slots WHERE kind = :k AND subject = :s",
                {"k": kind.value, "s": subject},
            )
        )
        if row is None:
            return None
        return StatusSlot(row["list_number"], row["list_index"], instant(row["valid_from"]))

    def dpi_version(self, university_code: str, nim: str) -> DpiVersion | None:
        """The DPI's current version (SUB-8), or None while it lists nothing and is not printed."""
        row = one(
            self.store.query(
                "SELECT version, listings, printed FROM credential_dpi_versions WHERE university_code = :u"
                " AND nim = :nim",
                {"u": university_code, "nim": nim},
            )
        )
        return None if row is None else DpiVersion(int(row["version"]), int(row["listings"]), bool(row["printed"]))

    def lists(self, kind: CredentialKind) -> int:
        """How many lists the kind has opened: one more than the highest list number in use, at least one."""
        row = one(
            self.store.query("SELECT MAX(list_number) AS n FROM credential_slots WHERE kind = :k", {"k": kind.value})
        )
        return 1 if row is None or row["n"] is None else int(row["n"]) + 1

    def list_at(self, kind: CredentialKind, purpose: Purpose, number: int, at: datetime | None) -> ListAt:
        """The list at ``at`` (now, when None), from one read of its changes: the indices set then (each
        credential's latest change by then), when it last changed by then, and when it changed next."""
        limit = _LATEST if at is None else recorded(at)
        latest: dict[int, int] = {}
        before: str | None = None
        after: str | None = None
        for row in self._changes(kind, purpose, number):  # ordered by instant
            if row["recorded_at"] <= limit:
                latest[row["list_index"]] = row["bit"]
                before = row["recorded_at"]
            elif after is None:
                after = row["recorded_at"]
        return ListAt(
            tuple(sorted(index for index, bit in latest.items() if bit)),
            instant(before) if before else None,
            instant(after) if after else None,
        )

    def annulment(self, kind: CredentialKind, number: int, index: int) -> Annulment | None:
        row = one(
            self.store.query(
                "SELECT a.annulment, a.effective_on, a.recorded_at FROM credential_annulments a"
                " JOIN credential_slots s ON s.kind = a.kind AND s.subject = a.subject"
                " WHERE s.kind = :k AND s.list_number = :n AND s.list_index = :i",
                {"k": kind.value, "n": number, "i": index},
            )
        )
        return Annulment(row["annulment"], row["effective_on"], instant(row["recorded_at"])) if row else None

    def pending(self, limit: int) -> list[Opened]:
        rows = self.store.query(
            "SELECT p.kind, p.subject, p.opened_at FROM credential_pending p WHERE NOT EXISTS"
            " (SELECT 1 FROM credential_slots s WHERE s.kind = p.kind AND s.subject = p.subject)"
            " ORDER BY p.opened_at, p.kind, p.subject LIMIT :limit",
            {"limit": limit},
        )
        return [Opened(CredentialKind(r["kind"]), r["subject"], r["opened_at"]) for r in rows]

    def _changes(self, kind: CredentialKind, purpose: Purpose, number: int) -> list[Row]:
        return self.store.query(
            "SELECT s.list_index, c.bit, c.recorded_at FROM credential_status_changes c"
            " JOIN credential_slots s ON s.kind = c.kind AND s.subject = c.subject"
            " WHERE c.kind = :k AND c.purpose = :p AND s.list_number = :n ORDER BY c.recorded_at, c.version",
            {"k": kind.value, "p": purpose.value, "n": number},
        )


def instant(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
