"""May a NINA be reserved for a student, or paired, on a day (PIN-2, PIN-3, PIN-8)? The answer staff read
before acting, from the same rules and the same refusals the commands give.

The record is either today's (the eligibility read model) or as it stood at an instant (the event log, for
auditors and a ``ninaEligibility(on:)`` in the past, issue 12); ``records_as_of`` says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.diploma.diploma import pairing_blocker, reservation_blocker
from domain.diploma.ruleset import Decision, Ruleset
from domain.diploma.status import DiplomaStatus
from domain.errors import Failure
from domain.registry.record import AcademicRecord


@dataclass(frozen=True)
class Eligibility:
    university_code: str
    nim: str
    prodi_code: str
    on: date
    nina: str | None
    diploma_status: str | None
    reservation: Decision
    pairing: Decision
    records_as_of: datetime | None = None  # None: the records as they stand now


def eligibility(
    *,
    ruleset: Ruleset,
    record: AcademicRecord,
    university_code: str,
    nim: str,
    prodi_code: str,
    on: date,
    status: DiplomaStatus | None,
    nina: str | None,
    records_as_of: datetime | None = None,
) -> Eligibility:
    reservation = ruleset.reservation(record)
    # The same refusals the commands give for a student who already has a NINA (PIN-2, PIN-3, PIN-5).
    if (blocker := reservation_blocker(status, nina or "", nim)) is not None:
        reservation = _with(reservation, blocker)
    pairing = ruleset.pairing(record)
    if (blocker := pairing_blocker(status, nina or "", nim)) is not None:
        pairing = _with(pairing, blocker)
    return Eligibility(
        university_code=university_code,
        nim=nim,
        prodi_code=prodi_code,
        on=on,
        nina=nina,
        diploma_status=status.value if status else None,
        reservation=reservation,
        pairing=pairing,
        records_as_of=records_as_of,
    )


def _with(decision: Decision, failure: Failure) -> Decision:
    return Decision(
        ruleset_id=decision.ruleset_id,
        rule_ids=(*decision.rule_ids, failure.rule_id),
        failures=(*decision.failures, failure),
        inputs=decision.inputs,
    )
