"""EQV-1, EQV-4: registration numbers handed out in sequence per year, and SK numbers claimed once.

A registration number is ``PI-<year>-<six digits>`` (decided: "penyetaraan ijazah"), the next of its year's
sequence, so two registrations at once collide on the sequence and the rerun takes the next number; the
application's id is derived from its number, so one number can never name two applications. An SK number is
given by the directorate and claimed by an aggregate of its own, like a NINA (PIN-1).
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.equivalency.kinds import sk_key
from domain.errors import violation


class RegistrationSequence(Aggregate):
    class Started(Aggregate.Created):
        year: int
        cause: Cause

    class Issued(Aggregate.Event):
        registration_number: str
        cause: Cause

    @event(Started)
    def __init__(self, year: int, cause: Cause) -> None:
        self.year = year
        self.issued = 0

    @staticmethod
    def create_id(year: int) -> UUID:
        return uuid5(NAMESPACE_URL, f"/belmawa/equivalency/registrations/{year}")

    def next(self, cause: Cause) -> str:
        if self.issued >= 999_999:
            raise violation("EQV-1", "registrationNumber", f"the registration numbers of {self.year} are used up")
        number = f"PI-{self.year}-{self.issued + 1:06d}"
        self._issued(registration_number=number, cause=cause)
        return number

    @event(Issued)
    def _issued(self, registration_number: str, cause: Cause) -> None:
        self.issued += 1


class SkNumber(Aggregate):
    """One SK number, claimed by the application it was issued for (EQV-4: unique)."""

    class Claimed(Aggregate.Created):
        sk_number: str
        registration_number: str
        cause: Cause

    @event(Claimed)
    def __init__(self, sk_number: str, registration_number: str, cause: Cause) -> None:
        self.sk_number = sk_number
        self.registration_number = registration_number

    @staticmethod
    def create_id(sk_number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/belmawa/equivalency/sk/{sk_key(sk_number)}")
