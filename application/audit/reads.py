"""Who saw a person's data, and when (UU PDP; issue 32, item 5): each read of a person's personal data by staff.

A read is not an event (see docs/DOMAIN-DECISIONS.md, PDP-R): it changes nothing, so it has no place in the
person's history, and staff lists read hundreds of people at once. It is a row of an append-only trail in the read
database, keyed by the person's record id (never by what the caller typed), written in batches by
``infra/audit/read_trail.py``. The person's own reads are not listed; the public's are in the SIVIL trail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from domain.audit import Actor, Role

# Roles whose reads of their own data are not listed: the person themself.
OWN_ROLES = frozenset({Role.STUDENT, Role.ASESI, Role.APPLICANT})


class SeenView(StrEnum):
    """Which view of the person's data a reader saw."""

    STUDENT_RECORD = "student_record"  # the registry record (name, prodi, standing)
    STUDENT_LIST = "student_list"  # a line of a list of students
    SEMESTERS = "semesters"  # the semester reports
    DIPLOMA = "diploma"  # the NINA and diploma, with the full name
    ELIGIBILITY = "eligibility"  # whether a NINA may be reserved or paired, from the semesters
    SUBMISSION = "submission"  # a certification submission, with its evidence's names (SUB)
    DPI = "dpi"  # the diploma supplement (SUB-8)
    APPLICATION = "application"  # an equivalency application (EQV), alone, in the queue or its decision's basis
    ASSESSMENT = "assessment"  # a candidate's competency assessment (ASM-6), alone or in the LSP's pipeline
    PERSONAL_DATA_REPORT = "personal_data_report"  # the whole UU PDP report
    # Documents downloaded (a PDF or an uploaded file holds the same data as the view it comes from)
    DPI_PDF = "dpi_pdf"  # the signed DPI
    CERTIFICATE_PDF = "certificate_pdf"  # the signed LSP competency certificate (ASM-7)
    BK_LETTER_PDF = "bk_letter_pdf"  # the letter of not yet competent (ASM-6 step 5)
    SK_PDF = "sk_pdf"  # the signed SK of equivalency, or its replacement letter (EQV-4, EQV-7)
    FILE = "file"  # a file the person uploaded (evidence, a supporting document)


@dataclass(frozen=True)
class StaffRead:
    """One read by staff: who (as their token named them), when, which view, of whose data (their record id)."""

    at: datetime
    person_id: UUID
    view: SeenView
    actor: Actor
    request_id: str


class ReadTrail(Protocol):
    def record(self, reads: Iterable[StaffRead]) -> None:
        """Kept for the person's report; may be written a moment later, never lost while the process runs."""
        ...

    def of_person(self, person_id: UUID, limit: int) -> list[StaffRead]:
        """The reads of one person's data, oldest first, at most ``limit`` (the latest kept)."""
        ...

    def close(self) -> None:
        """Writes what still waits."""
        ...


def staff_reads(
    actor: Actor, view: SeenView, person_ids: Iterable[UUID], at: datetime, request_id: str
) -> list[StaffRead]:
    """The reads to keep of one answer: one per person shown, none when the reader is the person themself."""
    if not listed(actor):
        return []
    return [StaffRead(at, person, view, actor, request_id) for person in dict.fromkeys(person_ids)]


def listed(actor: Actor) -> bool:
    """Whether a read goes into the trail: staff's reads; a person's own role reads only their own data."""
    return actor.role not in OWN_ROLES
