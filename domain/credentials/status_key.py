"""The key of the status lists' permutation, drawn once and kept in the log (see :mod:`.status_list`)."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause


class StatusListKey(Aggregate):
    """One per installation: every credential's status index is derived from it, so it never changes."""

    class Drawn(Aggregate.Created):
        key: str  # 32 random bytes, hex
        list_size: int
        cause: Cause

    @event(Drawn)
    def __init__(self, key: str, list_size: int, cause: Cause) -> None:
        self.key = key
        self.list_size = list_size

    @staticmethod
    def create_id() -> UUID:
        return uuid5(NAMESPACE_URL, "/credentials/status-list-key")

    @property
    def key_bytes(self) -> bytes:
        return bytes.fromhex(self.key)
