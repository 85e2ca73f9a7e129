"""Erasure of personal data (UU PDP 27/2022) made complete: the event is recorded first, then the key destroyed.

A crash between the two leaves an erasure event whose key still exists. A retry of the command destroys it
(and says so), and :meth:`Erasures.complete_erasures` (run by the projection worker on start-up) finds every
such erasure in the log and destroys its key. A mixin of ``Registry``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import cast

from application.receipt import Receipt
from application.service import Service
from domain.moved import topics_of
from domain.personal import Sealer
from domain.registry.student import Student

log = logging.getLogger(__name__)

ERASED = "ERASED"  # recorded now, key destroyed now
ERASURE_COMPLETED = "ERASURE_COMPLETED"  # recorded earlier by an erasure that stopped before destroying the key
ALREADY_ERASED = "ALREADY_ERASED"  # nothing left to do

_PAGE = 500


@dataclass(frozen=True)
class ErasureReceipt(Receipt):
    outcome: str  # ERASED, ERASURE_COMPLETED or ALREADY_ERASED


class Erasures(Service):
    sealer: Sealer

    def complete_erasures(self) -> int:
        """Destroys the key of every erasure event whose key still exists; returns how many it destroyed."""
        topics = topics_of(Student.PersonalDataErased)  # erasures stored before the registry moved too
        completed, start = 0, 1
        while True:
            page = self.recorder.select_notifications(start=start, limit=_PAGE, topics=topics)
            for notification in page:
                event = cast(Student.PersonalDataErased, self.mapper.to_domain_event(notification))
                if self.sealer.erase(event.originator_id, self.clock().isoformat()):
                    completed += 1
                    log.warning(
                        "completed the erasure of student %s/%s recorded at position %s: its key still existed",
                        event.university_code,
                        event.nim,
                        notification.id,
                    )
            if len(page) < _PAGE:
                return completed
            start = page[-1].id + 1

    def _erasure_outcome(self, recorded: bool, destroyed: bool, university_code: str, nim: str) -> str:
        if recorded:
            return ERASED
        if destroyed:
            log.warning(
                "completed an interrupted erasure of student %s/%s: its key still existed", university_code, nim
            )
            return ERASURE_COMPLETED
        return ALREADY_ERASED
