from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SivilEntry:
    """What a verifier sees of one diploma (PIN-6): no more than that."""

    university_code: str
    university_name: str
    prodi_code: str
    programme_name: str
    level: str
    nina: str
    nim: str
    full_name: str
    graduation_date: str
    status: str  # VALID, VOID (annulled by the Director General) or CANCELLED_IN_ERROR (PIN-5)
    status_date: str  # ISO date in Jakarta: the pairing date while valid, the annulment date once annulled


NOT_YET_RECORDED = "NOT_YET_RECORDED"  # the NINA was not yet paired (not in SIVIL) on the day asked


@dataclass(frozen=True)
class StatusOn:
    """Was this diploma valid on ``day``? As the register said then, and in the light of later annulments.

    ``recorded_status`` is None when the NINA was not yet paired on that day. A later annulment by the
    Director General declares the diploma void from the start: ``void_from_start_since`` then gives its
    date, so nobody reads "VALID on that day" as "valid". A cancellation in error is not retroactive.
    """

    university_code: str
    prodi_code: str
    nina: str
    day: str
    recorded_status: str | None
    recorded_since: str | None
    current_status: str
    current_status_date: str
    void_from_start_since: str | None

    @property
    def valid(self) -> bool:
        return self.recorded_status == "VALID" and self.void_from_start_since is None

    @property
    def status(self) -> str:
        """The one answer for that day: VOID when a later annulment reaches back to it."""
        if self.recorded_status is None:
            return NOT_YET_RECORDED
        return "VOID" if self.void_from_start_since else self.recorded_status

    @property
    def status_date(self) -> str | None:
        if self.recorded_status is None:
            return None
        return self.void_from_start_since or self.recorded_since
