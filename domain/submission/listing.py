"""One line of the DPI: an approved certification as it is printed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.submission.claim import Result
from domain.submission.entry import CatalogRef


@dataclass(frozen=True)
class Listing:
    submission_id: UUID
    catalog: CatalogRef  # the entry and revision the student submitted (SUB-1)
    result: Result
    issued_on: date
    valid_thru: date | None  # None: without expiry (SUB-4)
    approved_on: date
