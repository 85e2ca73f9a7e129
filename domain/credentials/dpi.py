"""The DPI (Dokumen Pendamping Ijazah) as a W3C Verifiable Credential (SUB-8): the student's diploma as SIVIL shows
it (NINA, level, programme), the yudisium once the DPI is printed, and the approved certifications it lists.

**(decided)** Each change of what a DPI lists (a certification approved, SUB-8; the print at graduation) makes a
new version, a credential of its own with its own status bit; the version it replaces is superseded (its
revocation bit set, the annulment statement saying ``SUPERSEDED``), as an SK is after a review. A printed DPI no
longer changes (SUB-8.finished), so its version is the last. The credential cites the diploma's NINA, so a DPI is a
credential once its student's NINA is paired (PIN-3); a version's id names that NINA too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from domain.credentials.documents import Issuer
from domain.credentials.proof import instant
from domain.credentials.status_list import CredentialKind, StatusSlot
from domain.diploma.statement import Shown


class Listed(Protocol):
    """One approved certification on the DPI (``projections.submission.rows.DpiLine``)."""

    @property
    def name(self) -> str: ...
    @property
    def issuer(self) -> str: ...
    @property
    def issuer_kind(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def result(self) -> str: ...
    @property
    def issued_on(self) -> str: ...
    @property
    def valid_thru(self) -> str | None: ...
    @property
    def approved_on(self) -> str: ...


class Supplement(Protocol):
    """A student's DPI (``projections.submission.rows.DpiRow``)."""

    @property
    def university_code(self) -> str: ...
    @property
    def nim(self) -> str: ...
    @property
    def finished_on(self) -> str | None: ...
    @property
    def graduation_decree(self) -> str | None: ...
    @property
    def lines(self) -> Sequence[Listed]: ...


@dataclass(frozen=True)
class DpiVersion:
    """A DPI's current version: its own event version when what it lists last changed, and what it listed then."""

    version: int
    listings: int
    printed: bool

    def shows(self, dpi: Supplement) -> bool:
        """Whether a read of the DPI has reached this version (read models catch up one by one)."""
        return len(dpi.lines) == self.listings and (dpi.finished_on is not None) == self.printed


def dpi_subject_key(university_code: str, nim: str, version: int) -> str:
    """A DPI version: the DPI's own event count when it changed, so every replay finds the same versions."""
    return f"{university_code}/{nim}/{version}"


def dpi_credential(dpi: Supplement, diploma: Shown, version: int, slot: StatusSlot, issuer: Issuer) -> dict[str, Any]:
    """The unsigned credential of one version of a DPI, for the diploma whose NINA it cites."""
    if (dpi.university_code, dpi.nim) != (diploma.university_code, diploma.nim):
        raise ValueError("a DPI accompanies its own student's diploma")
    subject: dict[str, Any] = {
        "id": issuer.holder("student", dpi.university_code, dpi.nim),
        "type": "DpiHolder",
        "name": diploma.full_name,
        "nim": dpi.nim,
        "nina": diploma.nina,
        "level": diploma.level,
        "universityCode": diploma.university_code,
        "universityName": diploma.university_name,
        "prodiCode": diploma.prodi_code,
        "programmeName": diploma.programme_name,
        "graduationDate": diploma.graduation_date,
        "dpiStatus": "FINISHED" if dpi.finished_on else "OPEN",
        "certifications": [_certification(line) for line in dpi.lines],
    }
    if dpi.graduation_decree:
        subject["graduationDecree"] = dpi.graduation_decree  # the yudisium, recorded when the DPI was printed
    if dpi.finished_on:
        subject["printedOn"] = dpi.finished_on
    count = len(dpi.lines)
    printed = f"dicetak {dpi.finished_on}" if dpi.finished_on else "belum dicetak"
    printed_en = f"printed on {dpi.finished_on}" if dpi.finished_on else "not yet printed"
    return {
        "@context": issuer.contexts,
        "id": issuer.credential_id(
            CredentialKind.DPI, f"{dpi_subject_key(dpi.university_code, dpi.nim, version)}/{diploma.nina}"
        ),
        "type": ["VerifiableCredential", "DpiCredential"],
        "name": "Dokumen Pendamping Ijazah / Diploma Supplement",
        "description": (
            f"Pendamping ijazah NINA {diploma.nina} ({diploma.level} {diploma.programme_name}, "
            f"{diploma.university_name}): {count} sertifikasi disetujui, {printed} (SUB-8). / "
            f"Supplement to the diploma NINA {diploma.nina}: {count} approved certifications, {printed_en}."
        ),
        "issuer": issuer.did,
        "validFrom": instant(slot.valid_from),
        "credentialSubject": subject,
        "credentialStatus": issuer.status_entries(CredentialKind.DPI, slot.number, slot.index),
    }


def _certification(line: Listed) -> dict[str, Any]:
    listed: dict[str, Any] = {
        "type": "ApprovedCertification",
        "name": line.name,
        "certificationIssuer": line.issuer,
        "issuerKind": line.issuer_kind,
        "category": line.category,
        "grade": line.result,
        "issuedOn": line.issued_on,
        "approvedOn": line.approved_on,
    }
    if line.valid_thru:  # SUB-4: none for a certification without expiry
        listed["validThru"] = line.valid_thru
    return listed
