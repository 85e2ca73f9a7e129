"""Erasure of personal data (UU PDP 27/2022) made complete: the event is recorded first, then the key destroyed.

A crash between the two leaves an erasure event whose key still exists. A retry of the command destroys it
(and says so), and :meth:`Erasures.complete_erasures` (run by the projection worker on start-up) finds every
such erasure in the log and destroys its key. A mixin of ``Registry``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from application.erasure_sweep import complete_erasures
from application.receipt import Receipt
from application.service import Service
from domain.moved import topics_of
from domain.personal import Sealer
from domain.registry.student import Student

log = logging.getLogger(__name__)

ERASED = "ERASED"  # recorded now, key destroyed now
ERASURE_COMPLETED = "ERASURE_COMPLETED"  # recorded earlier by an erasure that stopped before destroying the key
ALREADY_ERASED = "ALREADY_ERASED"  # nothing left to do


@dataclass(frozen=True)
class ErasureReceipt(Receipt):
    outcome: str  # ERASED, ERASURE_COMPLETED or ALREADY_ERASED


class Erasures(Service):
    sealer: Sealer

    def complete_erasures(self) -> int:
        """Destroys the key of every erasure event whose key still exists; returns how many it destroyed."""

        def completed(event: Student.PersonalDataErased) -> None:
            log.warning(
                "completed the erasure of student %s/%s: its key still existed", event.university_code, event.nim
            )

        return complete_erasures(  # erasures stored before the registry moved too
            self,
            self.sealer,
            Student.PersonalDataErased,
            topics=topics_of(Student.PersonalDataErased),
            completed_one=completed,
        )

    def _erasure_outcome(self, recorded: bool, destroyed: bool, university_code: str, nim: str) -> str:
        if recorded:
            return ERASED
        if destroyed:
            log.warning(
                "completed an interrupted erasure of student %s/%s: its key still existed", university_code, nim
            )
            return ERASURE_COMPLETED
        return ALREADY_ERASED
