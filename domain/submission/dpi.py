"""A student's Dokumen Pendamping Ijazah (DPI): the approved certifications it lists, until it is printed (SUB-8).

One per student. It also holds the student's final-thesis upload deadline, the last day to submit (SUB-7).
An approval lists its certification here in the same transaction, and finishing the DPI at graduation
freezes it: an approval racing the finish fails on this aggregate's version and reruns into SUB-8.finished.
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.dates import check_days, years_after
from domain.errors import violation
from domain.submission.listing import Listing

# (decided) A final-thesis upload deadline is not before 2000 (the DPI, SKPI, is younger) and not more than 10 years
# ahead (the longest study time, 7 years, with room); "0001-01-01" or "9999-12-31" is a typing error.
EARLIEST_DEADLINE = date(2000, 1, 1)
DEADLINE_YEARS_AHEAD = 10


class Dpi(Aggregate):
    class Opened(Aggregate.Created):
        university_code: str
        nim: str
        student_id: UUID
        cause: Cause

    class ThesisDeadlineSet(Aggregate.Event):
        """Batas unggah file Final Thesis: the last day a certification may be submitted (SUB-7)."""

        university_code: str
        nim: str
        deadline: date
        cause: Cause

    class CertificationListed(Aggregate.Event):
        """An approved submission is printed on the DPI (SUB-8)."""

        university_code: str
        nim: str
        listing: Listing
        cause: Cause

    class Finished(Aggregate.Event):
        """Printed at graduation: the DPI no longer changes (SUB-8)."""

        university_code: str
        nim: str
        on: date
        graduation_decree: str  # the yudisium the registry recorded
        listings: int
        rule_ids: tuple[str, ...]
        cause: Cause

    @event(Opened)
    def __init__(self, university_code: str, nim: str, student_id: UUID, cause: Cause) -> None:
        self.university_code = university_code
        self.nim = nim
        self.student_id = student_id
        self.deadline: date | None = None
        self.listings: dict[UUID, Listing] = {}
        self.finished_on: date | None = None

    @staticmethod
    def create_id(university_code: str, nim: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/universities/{university_code}/dpi/{nim}")

    def check_open(self) -> None:
        """SUB-8: a printed DPI no longer changes, and nothing is submitted for it."""
        if self.finished_on is not None:
            raise violation(
                "SUB-8.finished", "nim", f"the DPI of NIM {self.nim} was printed on {self.finished_on}; it is final"
            )

    def check_deadline(self, today: date) -> None:
        """SUB-7: the last day to submit is the final-thesis upload deadline; that day itself still counts."""
        self.check_open()
        if self.deadline is not None and today > self.deadline:
            raise violation(
                "SUB-7",
                "submittedOn",
                f"the last day to submit was {self.deadline} (the final-thesis upload deadline); today is {today}",
            )

    @staticmethod
    def check_deadline_day(deadline: date, today: date) -> None:
        """SUB-7: a deadline within the decided bounds (``EARLIEST_DEADLINE``, ``DEADLINE_YEARS_AHEAD``)."""
        latest = years_after(today, DEADLINE_YEARS_AHEAD)
        check_days((deadline, "deadline"), rule_id="SUB-7", earliest=EARLIEST_DEADLINE, latest=latest)

    def set_deadline(self, deadline: date, cause: Cause) -> bool:
        self.check_open()
        if deadline == self.deadline:
            return False
        self._thesis_deadline_set(university_code=self.university_code, nim=self.nim, deadline=deadline, cause=cause)
        return True

    def list_certification(self, listing: Listing, cause: Cause) -> None:
        self.check_open()
        self._certification_listed(university_code=self.university_code, nim=self.nim, listing=listing, cause=cause)

    def finish(self, *, on: date, graduation_decree: str, cause: Cause) -> None:
        self.check_open()
        self._finished(
            university_code=self.university_code,
            nim=self.nim,
            on=on,
            graduation_decree=graduation_decree,
            listings=len(self.listings),
            rule_ids=("SUB-8",),
            cause=cause,
        )

    @event(ThesisDeadlineSet)
    def _thesis_deadline_set(self, university_code: str, nim: str, deadline: date, cause: Cause) -> None:
        self.deadline = deadline

    @event(CertificationListed)
    def _certification_listed(self, university_code: str, nim: str, listing: Listing, cause: Cause) -> None:
        self.listings[listing.submission_id] = listing

    @event(Finished)
    def _finished(
        self,
        university_code: str,
        nim: str,
        on: date,
        graduation_decree: str,
        listings: int,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self.finished_on = on
