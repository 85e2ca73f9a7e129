"""Status slots as recorded facts: each credential's (list, index) is allocated once, by an event, in turn.

A read model that numbered credentials itself would renumber every later one the day it skipped one event, and
the credentials already handed out carry their index inside their signature: a revocation would then set a
stranger's bit. So the n-th allocation of a kind is an event of that kind's :class:`StatusSlots`, carrying the
ordinal and the (list, index) the status lists' key gives it; read models and auditors copy it, never compute it.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.credentials.status_list import CredentialKind, position


@dataclass(frozen=True)
class Opened:
    """A credential waiting for its slot: its kind, its subject key, and when it became valid (UTC text)."""

    kind: CredentialKind
    subject: str
    valid_from: str


class StatusSlots(Aggregate):
    """One per credential kind: hands out ordinals in turn, each with the (list, index) the key gives it."""

    class Opened(Aggregate.Created):
        kind: str
        cause: Cause

    class Allocated(Aggregate.Event):
        kind: str
        subject: str  # the credential: diploma_subject_key, a certificate's registration number, sk_subject_key
        ordinal: int
        list_number: int
        list_index: int
        valid_from: str  # when the credential became valid: its opening event's instant, UTC
        cause: Cause

    @event(Opened)
    def __init__(self, kind: str, cause: Cause) -> None:
        self.kind = kind
        self.allocated = 0

    @staticmethod
    def create_id(kind: str) -> UUID:  # the library passes the created event's ``kind``
        return uuid5(NAMESPACE_URL, f"/credentials/status-slots/{CredentialKind(kind).value}")

    def allocate(self, subject: str, valid_from: str, key: bytes, cause: Cause) -> None:
        number, index = position(key, CredentialKind(self.kind), self.allocated)
        self._allocated(
            kind=self.kind,
            subject=subject,
            ordinal=self.allocated,
            list_number=number,
            list_index=index,
            valid_from=valid_from,
            cause=cause,
        )

    @event(Allocated)
    def _allocated(
        self, kind: str, subject: str, ordinal: int, list_number: int, list_index: int, valid_from: str, cause: Cause
    ) -> None:
        self.allocated = ordinal + 1
