"""Records named by the keys people have (issue 32, item 2): an auditor or legal staff names a record by its business
key (a NIM with its university, a NINA, an SK number, a certificate's or an application's registration number, a
submission id) instead of the aggregate id only ``audit export`` used to show.

Keys that are an aggregate's own (a student, an application, a certificate) give its deterministic id; a NINA and an
SK number are found through their claims (the index aggregates that keep them unique), read from the log."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit.trail import AUDIT_RULE, AuditTrail
from domain.assessment.certificate import Certificate
from domain.assessment.numbers import parse_number
from domain.diploma.nina import NINA
from domain.diploma.numbering import NINAClaim
from domain.equivalency.application import EquivalencyApplication
from domain.equivalency.kinds import parse_registration_number, parse_sk_number
from domain.equivalency.numbers import SkNumber
from domain.errors import violation
from domain.registry.codes import NIM, UniversityCode
from domain.registry.student import Student

KEYS = "universityCode with nim or nina, skNumber, certificateNumber, registrationNumber or submissionId"


@dataclass(frozen=True)
class RecordKey:
    """One record's business key, as given (each part parsed by ``record_id``)."""

    university_code: str | None = None
    nim: str | None = None
    nina: str | None = None
    sk_number: str | None = None
    certificate_number: str | None = None
    registration_number: str | None = None
    submission_id: str | None = None


def record_id(trail: AuditTrail, key: RecordKey) -> UUID | None:
    """The aggregate id the key names; None when nothing was ever recorded under it. A key that is not exactly one
    of ``KEYS``, or a part not in its alphabet, is a RuleViolation naming the field."""
    given = [name for name, value in vars(key).items() if value is not None and name != "university_code"]
    if len(given) != 1 or (given[0] in ("nim", "nina")) != (key.university_code is not None):
        raise violation(AUDIT_RULE, "record", f"name a record by exactly one key: {KEYS}")
    if key.nim is not None:
        return Student.create_id(UniversityCode.parse(key.university_code).value, NIM.parse(key.nim).value)
    if key.nina is not None:
        university = UniversityCode.parse(key.university_code).value
        claimed = trail.event(NINAClaim.create_id(university, NINA.parse(key.nina)), 1)
        return claimed[1].diploma_id if claimed else None
    if key.sk_number is not None:
        claimed = trail.event(SkNumber.create_id(parse_sk_number(key.sk_number)), 1)
        return EquivalencyApplication.create_id(claimed[1].registration_number) if claimed else None
    if key.certificate_number is not None:
        return Certificate.create_id(parse_number(key.certificate_number, "certificateNumber"))
    if key.registration_number is not None:
        return EquivalencyApplication.create_id(parse_registration_number(key.registration_number))
    try:
        return UUID(str(key.submission_id).strip())
    except ValueError:
        raise violation("SUB-8", "submissionId", "a submission id is a UUID as this API returned it") from None
