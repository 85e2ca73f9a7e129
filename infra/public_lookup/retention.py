"""UU PDP retention of every public look-up's trail (SIVIL's diplomas, /sertifikat's certificates, shares): a
verifier's address is kept for a set period, then purged."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

logger = logging.getLogger(__name__)


class Purgeable(Protocol):
    def purge(self, *, before: datetime) -> int: ...


class TrailRetention:
    """UU PDP: a verification's record (the verifier's address), of a diploma in SIVIL or of a certificate, is kept
    for a set period, then purged. Run by the worker on each pass; it purges at most once an hour
    (``KREDENSIAL_SIVIL_TRAIL_RETENTION_DAYS``)."""

    def __init__(
        self,
        trails: Sequence[Purgeable],
        clock: Callable[[], datetime],
        keep: timedelta,
        every: timedelta = timedelta(hours=1),
    ) -> None:
        self.trails, self.clock, self.keep, self.every = trails, clock, keep, every
        self._next: datetime | None = None

    def step(self) -> int:
        now = self.clock()
        if self._next is not None and now < self._next:
            return 0
        self._next = now + self.every
        purged = sum(trail.purge(before=now - self.keep) for trail in self.trails)
        if purged:
            logger.info("purged %d SIVIL verification record(s) older than %s (retention)", purged, self.keep)
        return purged


def utc_text(instant: datetime) -> str:
    """Fixed-width UTC text, so that text order is time order on both databases."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
