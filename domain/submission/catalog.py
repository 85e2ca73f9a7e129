"""The Certification Catalog of a university (SUB-1): what may be submitted for the DPI, and each entry's revisions.

The catalog is one aggregate per university: entries are few (hundreds), a duplicate is refused against the
whole list, and a submission records the entry and the revision it used (SUB-1), whatever the catalog says later.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.errors import violation
from domain.submission.entry import CatalogRef, EntryDetails


@dataclass(frozen=True)
class Entry:
    entry_id: UUID
    revision: int
    details: EntryDetails
    withdrawn: bool = False

    def ref(self) -> CatalogRef:
        return CatalogRef(self.entry_id, self.revision, self.details)


class Catalog(Aggregate):
    """Daftar sertifikasi resmi of one university."""

    class Opened(Aggregate.Created):
        university_code: str
        cause: Cause

    class EntryAdded(Aggregate.Event):
        """A new entry, revision 1; ``proposal_id`` when it came from a student's proposal (SUB-2)."""

        university_code: str
        entry_id: UUID
        details: EntryDetails
        proposal_id: UUID | None
        cause: Cause

    class EntryRevised(Aggregate.Event):
        """The entry's details change; submissions made before keep the revision they used (SUB-1)."""

        university_code: str
        entry_id: UUID
        revision: int
        details: EntryDetails
        cause: Cause

    class EntryWithdrawn(Aggregate.Event):
        """No longer submittable; approved submissions stay on their DPI."""

        university_code: str
        entry_id: UUID
        cause: Cause

    @event(Opened)
    def __init__(self, university_code: str, cause: Cause) -> None:
        self.university_code = university_code
        # Keyed by the id's text: a snapshot's state is JSON, whose object keys are strings.
        self.entries: dict[str, Entry] = {}

    @staticmethod
    def create_id(university_code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/universities/{university_code}/certification-catalog")

    def entry(self, entry_id: UUID) -> Entry:
        """SUB-1: only a listed, current entry can be submitted."""
        entry = self.entries.get(str(entry_id))
        if entry is None:
            raise violation("SUB-1", "catalogEntryId", f"{entry_id} is not in the certification catalog")
        if entry.withdrawn:
            raise violation("SUB-1", "catalogEntryId", f"{entry.details.name} was withdrawn from the catalog")
        return entry

    def add(self, details: EntryDetails, cause: Cause, *, proposal_id: UUID | None = None) -> UUID:
        self.refuse_duplicate(details, None)
        entry_id = uuid4()
        self._entry_added(
            university_code=self.university_code,
            entry_id=entry_id,
            details=details,
            proposal_id=proposal_id,
            cause=cause,
        )
        return entry_id

    def revise(self, entry_id: UUID, details: EntryDetails, cause: Cause) -> bool:
        entry = self.entry(entry_id)
        if details == entry.details:
            return False
        self.refuse_duplicate(details, entry_id)
        self._entry_revised(
            university_code=self.university_code,
            entry_id=entry_id,
            revision=entry.revision + 1,
            details=details,
            cause=cause,
        )
        return True

    def withdraw(self, entry_id: UUID, cause: Cause) -> None:
        self.entry(entry_id)
        self._entry_withdrawn(university_code=self.university_code, entry_id=entry_id, cause=cause)

    def refuse_duplicate(self, details: EntryDetails, entry_id: UUID | None = None) -> None:
        """SUB-1.duplicate: one entry per issuer and certification name (decided), as people read them: without
        case, and with look-alike letters read as the letters they imitate (``EntryDetails.same_certification``).
        The catalog is one aggregate, so two racing additions of look-alikes conflict on its version."""
        for other in self.entries.values():
            if other.entry_id != entry_id and not other.withdrawn and other.details.same_certification(details):
                raise violation(
                    "SUB-1.duplicate",
                    "name",
                    f"{details.issuer}'s {details.name} is already in the catalog as entry {other.entry_id}",
                )

    @event(EntryAdded)
    def _entry_added(
        self, university_code: str, entry_id: UUID, details: EntryDetails, proposal_id: UUID | None, cause: Cause
    ) -> None:
        self.entries[str(entry_id)] = Entry(entry_id, 1, details)

    @event(EntryRevised)
    def _entry_revised(
        self, university_code: str, entry_id: UUID, revision: int, details: EntryDetails, cause: Cause
    ) -> None:
        self.entries[str(entry_id)] = Entry(entry_id, revision, details)

    @event(EntryWithdrawn)
    def _entry_withdrawn(self, university_code: str, entry_id: UUID, cause: Cause) -> None:
        entry = self.entries[str(entry_id)]
        self.entries[str(entry_id)] = Entry(entry.entry_id, entry.revision, entry.details, withdrawn=True)
