"""A record named by the key people have (issue 32, item 2), for ``history`` and ``asOf``."""

from __future__ import annotations

import strawberry

from application.audit.record_keys import RecordKey


@strawberry.input(
    description="Exactly one key: universityCode with nim (a student's record) or with nina (their diploma), "
    "skNumber or registrationNumber (an equivalency application), certificateNumber (a competency certificate's "
    "registration number), or submissionId."
)
class RecordKeyInput:
    university_code: str | None = None
    nim: str | None = None
    nina: str | None = None
    sk_number: str | None = None
    certificate_number: str | None = None
    registration_number: str | None = None
    submission_id: str | None = None

    def key(self) -> RecordKey:
        return RecordKey(**{name: getattr(self, name) for name in RecordKey.__dataclass_fields__})
