"""Claims that make a NINA unique: a sequence per (university, prodi, year) and one claim per NINA (PIN-1)."""

from __future__ import annotations

import functools
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.creation import QuickCreated, QuickCreation, trigger
from domain.diploma.nina import MAX_SEQUENCE, NINA
from domain.errors import violation
from domain.ids import url_id


@functools.lru_cache(maxsize=1 << 12)  # one per programme and year, derived twice per reservation (issue 35)
def _sequence_id(university_code: str, prodi_code: str, year: int) -> UUID:
    return url_id(f"/universities/{university_code}/prodi/{prodi_code}/nina-sequence/{year}")


class NINASequence(QuickCreation, Aggregate, metaclass=QuickCreated):  # created the cheaper way (domain/creation.py)
    """Nomor urut: counted per university, programme and year of issue.

    Concurrent claims on one sequence conflict on its version, so no number is handed out twice.
    """

    class Started(Aggregate.Created):
        university_code: str
        prodi_code: str
        year: int
        cause: Cause

    class NumberClaimed(Aggregate.Event):
        """Applied by its own ``apply``, as ``Student.SemesterReported`` is: one per reservation, and the @event
        decorator's matching of arguments to parameters, when triggered and when applied, was most of its cost
        (issue 35). The topic and the stored fields are unchanged."""

        number: int
        cause: Cause

        def apply(self, aggregate: NINASequence) -> None:
            aggregate.last = self.number

    @event(Started)
    def __init__(self, university_code: str, prodi_code: str, year: int, cause: Cause) -> None:
        self.university_code = university_code
        self.prodi_code = prodi_code
        self.year = year
        self.last = 0

    @staticmethod
    def create_id(university_code: str, prodi_code: str, year: int) -> UUID:
        return _sequence_id(university_code, prodi_code, year)  # by position: one cache key however it is called

    def claim_next(self, cause: Cause) -> NINA:
        if self.last >= MAX_SEQUENCE:
            raise violation("PIN-1", "sequence", f"all {MAX_SEQUENCE} numbers of {self.year} are used")
        self._number_claimed(number=self.last + 1, cause=cause)
        return NINA.issue(self.prodi_code, self.year, self.last)

    def _number_claimed(self, number: int, cause: Cause) -> None:
        """Records the claim, unchecked (``NumberClaimed.apply`` moves ``last``)."""
        trigger(self, self.NumberClaimed, number=number, cause=cause)  # the library's trigger_event, cheaper


class NINAClaim(QuickCreation, Aggregate, metaclass=QuickCreated):  # likewise
    """One per NINA ever issued, never removed: an annulled NINA is never issued again."""

    class Claimed(Aggregate.Created):
        university_code: str
        nina: NINA
        diploma_id: UUID
        cause: Cause

    @event(Claimed)
    def __init__(self, university_code: str, nina: NINA, diploma_id: UUID, cause: Cause) -> None:
        self.university_code = university_code
        self.nina = nina
        self.diploma_id = diploma_id

    @staticmethod
    def create_id(university_code: str, nina: NINA) -> UUID:
        return url_id(f"/universities/{university_code}/nina/{nina.value}")
