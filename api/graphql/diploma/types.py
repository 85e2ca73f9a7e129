"""Read types, built from read-model rows only."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.graphql.arguments import optional_day
from api.graphql.enums import AnnulmentProposalStatusEnum, DiplomaStatusEnum, DoorEnum
from api.graphql.errors import Failure
from api.graphql.scalars import instant
from api.sivil.trail import Verification as TrailRow
from domain.diploma.door import Door
from domain.diploma.eligibility import Eligibility
from domain.diploma.ruleset import Decision
from domain.diploma.status import DiplomaStatus, ProposalStatus
from projections.numbering.rows import RegisteredDiploma


@strawberry.type
class RuleDecision:
    """What the ruleset in force would decide now; ``failures`` is empty when allowed."""

    allowed: bool
    ruleset_id: str
    rule_ids: list[str]
    failures: list[Failure]

    @classmethod
    def from_decision(cls, d: Decision) -> RuleDecision:
        return cls(
            allowed=d.allowed,
            ruleset_id=d.ruleset_id,
            rule_ids=list(d.rule_ids),
            failures=[Failure(rule_id=f.rule_id, field=f.field, message=f.message) for f in d.failures],
        )


@strawberry.type
class NinaEligibility:
    university_code: str
    nim: str
    prodi_code: str
    on: date
    nina: str | None
    diploma_status: DiplomaStatusEnum | None  # type: ignore[valid-type]
    reservation: RuleDecision
    pairing: RuleDecision
    records_as_of: datetime | None = strawberry.field(
        description="Null: today's records. For a past day: the instant whose records were read (the end of that day "
        "in Jakarta), from the event log, so the rules in force then meet the records as they stood then."
    )

    @classmethod
    def from_row(cls, e: Eligibility) -> NinaEligibility:
        return cls(
            university_code=e.university_code,
            nim=e.nim,
            prodi_code=e.prodi_code,
            on=e.on,
            nina=e.nina,
            diploma_status=DiplomaStatus(e.diploma_status) if e.diploma_status else None,
            reservation=RuleDecision.from_decision(e.reservation),
            pairing=RuleDecision.from_decision(e.pairing),
            records_as_of=e.records_as_of,
        )


@strawberry.type
class Diploma:
    """A university's own view of one student's NINA (staff only: it holds the full name and annulment reasons)."""

    university_code: str
    nim: str
    full_name: str
    prodi_code: str
    nina: str
    status: DiplomaStatusEnum  # type: ignore[valid-type]
    reserved_at: datetime
    reserved_by: str
    reservation_ruleset: str
    paired_at: datetime | None
    paired_by: str | None
    pairing_ruleset: str | None
    graduation_date: date | None
    yudisium_number: str | None
    annulled_on: date | None = strawberry.field(description="Effective date of the annulment, in Jakarta.")
    annulled_by: str | None
    annulment_reason: str | None
    annulment_legal_basis: str | None
    proposal_status: AnnulmentProposalStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The latest annulment proposal."
    )
    proposed_on: date | None
    proposed_by: str | None
    proposal_reason: str | None
    proposal_remark: str | None = strawberry.field(description="The Director General's remark on a rejection.")
    replaces_nina: str | None = strawberry.field(description="The NINA cancelled in error that this one replaces.")
    aggregate_id: str = strawberry.field(
        default="", description="The diploma's record id, for history and asOf (issue 32, item 2)."
    )

    @classmethod
    def from_row(cls, row: RegisteredDiploma) -> Diploma:
        fields = vars(row) | {
            "status": DiplomaStatus(row.status),
            "reserved_at": instant(row.reserved_at),
            "paired_at": instant(row.paired_at),
            "graduation_date": optional_day(row.graduation_date),
            "annulled_on": optional_day(row.annulled_on),
            "proposal_status": ProposalStatus(row.proposal_status) if row.proposal_status else None,
            "proposed_on": optional_day(row.proposed_on),
        }
        return cls(**fields, aggregate_id=row.record_id)


@strawberry.type
class Verification:
    """One successful SIVIL look-up of a diploma: when, from which address, through which door."""

    verified_at: datetime
    client_address: str
    via: DoorEnum  # type: ignore[valid-type]

    @classmethod
    def from_row(cls, row: TrailRow) -> Verification:
        return cls(verified_at=row.verified_at, client_address=row.client_address, via=Door(row.via))
