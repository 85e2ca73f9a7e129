"""The open credentials' own log (``credentials``, issue 13): the status lists' key and every status slot.

A log of its own, not the registry's: slots are allocated in the background by the projection worker's keeper,
and a context's log must move only with the commands of that context (a refused command appends nothing there,
whatever runs beside it).
"""

from __future__ import annotations

from typing import ClassVar

from eventsourcing.domain import Aggregate

from application.service import Service
from domain.credentials.slots import StatusSlots


class Credentials(Service):
    name = "credentials"
    # A kind's slots gain an event per credential: loaded from a snapshot, however many were issued.
    snapshot_every: ClassVar[dict[type[Aggregate], int]] = {StatusSlots: 100}
