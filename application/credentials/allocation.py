"""Allocating status slots (``domain.credentials.slots``): the projection worker's keeper, after each catch-up.

The credential status read model lists credentials opened but not yet allocated; the allocator records a slot for
each, in turn, in the credentials' own log. Allocation is not part of the commands that open credentials (a pairing, a
signed certificate, an SK): a national counter there would make every university's pairings contend for one
aggregate. Two workers allocating at once conflict on the counter and one retries; a credential allocated twice
(a second worker reading the list before the first one's events were projected) keeps its first slot, the other
stays unused.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

from application.receipt import Receipt
from application.service import Service
from domain.audit import Actor, Cause, Role
from domain.credentials.slots import Opened, StatusSlots
from domain.credentials.status_list import CredentialKind

# (decided) No person allocates: the issuer does, on the ministry's behalf, as the status key was drawn.
ISSUER = Actor(id="credential-issuer", role=Role.MINISTRY_ADMIN)
BATCH = 500  # credentials allocated per transaction


class PendingSlots(Protocol):
    def pending(self, limit: int) -> list[Opened]:
        """Credentials opened whose slot is not projected yet, oldest first."""
        ...


class SlotAllocator:
    def __init__(self, credentials: Service, key: bytes, pending: PendingSlots) -> None:
        self.credentials = credentials
        self.key = key
        self.pending = pending

    def step(self) -> int:
        """Allocates a slot for every credential waiting for one; returns how many."""
        waiting = self.pending.pending(BATCH)
        by_kind: dict[CredentialKind, list[Opened]] = defaultdict(list)
        for opened in waiting:
            by_kind[opened.kind].append(opened)
        for kind, batch in by_kind.items():
            self._allocate(kind, batch)
        return len(waiting)

    def _allocate(self, kind: CredentialKind, batch: list[Opened]) -> None:
        cause = Cause(ISSUER, request_id=f"status-slots:{kind.value}", reason="status slots allocated (issue 13)")
        key = self.key

        def command() -> Receipt:
            slots = self.credentials.find(StatusSlots, StatusSlots.create_id(kind))
            if slots is None:
                slots = StatusSlots(kind=kind.value, cause=cause)
            for opened in batch:
                slots.allocate(opened.subject, opened.valid_from, key, cause)
            return self.credentials.receipt(self.credentials.commit(slots))

        self.credentials.retrying(command)
