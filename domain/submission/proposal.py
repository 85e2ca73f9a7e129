"""A student's proposal of a new catalog entry (SUB-2): staff accept it into the catalog or reject it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.errors import violation
from domain.submission.catalog import Catalog
from domain.submission.entry import EntryDetails
from domain.submission.status import ProposalStatus


def check_open(today: date, closed_from: date, entries: int) -> None:
    """SUB-2: proposals are closed from the configured day on (the seed: February 2026); the catalog stays."""
    if today >= closed_from:
        raise violation(
            "SUB-2.closed",
            "proposal",
            f"proposals of new catalog entries are closed since {closed_from.isoformat()}; submit a certification "
            f"listed in the existing catalog ({entries} entries, query `catalog`)",
        )


class CatalogProposal(Aggregate):
    """Usulan sertifikasi baru, by a student of one university."""

    class Proposed(Aggregate.Created):
        university_code: str
        nim: str
        details: EntryDetails
        proposed_on: date
        closed_from: date  # the closing day in force when it was accepted for review (SUB-2)
        rule_ids: tuple[str, ...]
        cause: Cause

    class Accepted(Aggregate.Event):
        """The entry joins the catalog, with the details the staff settled on (they may correct the student's)."""

        university_code: str
        nim: str
        entry_id: UUID
        details: EntryDetails
        cause: Cause

    class Rejected(Aggregate.Event):
        """Not added; the remark (the cause's reason) says why (SUB-2)."""

        university_code: str
        nim: str
        cause: Cause

    @event(Proposed)
    def __init__(
        self,
        university_code: str,
        nim: str,
        details: EntryDetails,
        proposed_on: date,
        closed_from: date,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self.university_code = university_code
        self.nim = nim
        self.details = details
        self.status = ProposalStatus.PROPOSED

    def accept(self, catalog: Catalog, details: EntryDetails | None, cause: Cause) -> UUID:
        self._check_open_decision()
        settled = details or self.details
        entry_id = catalog.add(settled, cause, proposal_id=self.id)
        self._accepted(
            university_code=self.university_code, nim=self.nim, entry_id=entry_id, details=settled, cause=cause
        )
        return entry_id

    def reject(self, remark: str | None, cause: Cause) -> None:
        self._check_open_decision()
        if remark is None:
            raise violation("SUB-2.remark", "remark", "a rejected proposal needs a remark that says why")
        self._rejected(university_code=self.university_code, nim=self.nim, cause=replace(cause, reason=remark))

    def _check_open_decision(self) -> None:
        if self.status is not ProposalStatus.PROPOSED:
            raise violation("SUB-2.decided", "proposalId", f"this proposal was already {self.status.lower()}")

    @event(Accepted)
    def _accepted(self, university_code: str, nim: str, entry_id: UUID, details: EntryDetails, cause: Cause) -> None:
        self.status = ProposalStatus.ACCEPTED

    @event(Rejected)
    def _rejected(self, university_code: str, nim: str, cause: Cause) -> None:
        self.status = ProposalStatus.REJECTED
