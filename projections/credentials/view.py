"""The credential status read model, as the issuer asks it (``application.credentials.issuing.StatusReads``)."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.credentials.status_list import Annulment, CredentialKind, Purpose, StatusSlot
from projections.credentials.projection import recorded
from projections.store import ReadStore, one


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
        return StatusSlot(row["list_number"], row["list_index"], _instant(row["valid_from"]))

    def lists(self, kind: CredentialKind) -> int:
        """How many lists the kind has opened: one more than the highest list number in use, at least one."""
        row = one(self.store.query("SELECT MAX(list_number) AS n FROM credential_slots WHERE kind = :k", {"k": kind}))
        return 1 if row is None or row["n"] is None else int(row["n"]) + 1

    def set_indices(self, kind: CredentialKind, purpose: Purpose, number: int, at: datetime | None) -> list[int]:
        """The indices whose bit was set at ``at`` (now, when None): each index's latest change by then."""
        rows = self.store.query(
            "SELECT list_index, bit FROM credential_status_changes WHERE kind = :k AND purpose = :p"
            " AND list_number = :n AND recorded_at <= :at ORDER BY list_index, recorded_at, version",
            {"k": kind.value, "p": purpose.value, "n": number, "at": "9999" if at is None else recorded(at)},
        )
        latest = {row["list_index"]: row["bit"] for row in rows}
        return sorted(index for index, bit in latest.items() if bit)

    def annulment(self, kind: CredentialKind, number: int, index: int, at: datetime | None) -> Annulment | None:
        row = one(
            self.store.query(
                "SELECT annulment, effective_on FROM credential_annulments WHERE kind = :k AND list_number = :n"
                " AND list_index = :i AND recorded_at <= :at",
                {"k": kind.value, "n": number, "i": index, "at": "9999" if at is None else recorded(at)},
            )
        )
        return Annulment(row["annulment"], row["effective_on"]) if row else None


def _instant(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
