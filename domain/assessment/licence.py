"""An LSP's licence from BNSP (ASM-2): its kind, the skema it may certify, and its validity period; and whether BNSP
approved the LSP's application for remote assessment (ASM-5.approval).

Before applications existed, BNSP set a flag on the licence when granting or amending it. Those events still load
as they were stored and are interpreted, not upcast: a flag set means approved, a flag cleared means not approved.
A grant or amendment recorded since carries no flag (None) and leaves the approval as it was; only the outcome of
an application changes it (``RemoteAssessmentDecided``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.assessment.kinds import LicenceKind

# moved to lsp_code (the API parses it too), re-exported for those that import it from here
from domain.assessment.lsp_code import LSP_CODE as LSP_CODE
from domain.assessment.lsp_code import parse_lsp_code as parse_lsp_code
from domain.assessment.remote import APPROVAL_RULE
from domain.audit import Cause
from domain.dates import check_days, years_after
from domain.errors import violation

# (decided) BNSP exists since PP 23/2004: no licence or asesor registration starts before 2004; none ends more than
# 10 years ahead (a licence runs 5 years, a registration 3; "valid until 9999-12-31" is a typing error).
EARLIEST_TERM = date(2004, 1, 1)
TERM_YEARS_AHEAD = 10


class Licence(Aggregate):
    """Lisensi BNSP of one LSP; a renewal or an amendment is a new term of the same licence."""

    class Granted(Aggregate.Created):
        lsp_code: str
        kind: LicenceKind
        skema_codes: tuple[str, ...]
        valid_from: date
        valid_until: date
        cause: Cause
        remote_assessment: bool | None = None  # the flag of a licence granted before applications (ASM-5)
        lsp_name: str | None = None  # ASM-2.name: the LSP's name (issue 33); None on licences granted before

    class Amended(Aggregate.Event):
        lsp_code: str
        skema_codes: tuple[str, ...]
        valid_from: date
        valid_until: date
        cause: Cause
        remote_assessment: bool | None = None  # as in Granted
        lsp_name: str | None = None  # ASM-2.name: a new name, or None: as it was

    class RemoteAssessmentDecided(Aggregate.Event):
        """BNSP's decision on the LSP's application for remote assessment (ASM-5.approval), by its number."""

        lsp_code: str
        approved: bool
        application: int
        rule_ids: tuple[str, ...]
        cause: Cause

    @classmethod
    def grant(
        cls,
        *,
        lsp_code: str,
        kind: LicenceKind,
        skema_codes: Iterable[str],
        valid_from: date,
        valid_until: date,
        cause: Cause,
        lsp_name: str | None = None,
    ) -> Licence:
        codes = _term(skema_codes, valid_from, valid_until)
        granted: Licence = cls(
            lsp_code=lsp_code,
            kind=kind,
            skema_codes=codes,
            valid_from=valid_from,
            valid_until=valid_until,
            cause=cause,
            lsp_name=lsp_name,
        )
        return granted

    @event(Granted)
    def __init__(
        self,
        lsp_code: str,
        kind: LicenceKind,
        skema_codes: tuple[str, ...],
        valid_from: date,
        valid_until: date,
        cause: Cause,
        remote_assessment: bool | None = None,
        lsp_name: str | None = None,
    ) -> None:
        self.lsp_code = lsp_code
        self.kind = kind
        self.remote_assessment = False
        self._set(skema_codes, valid_from, valid_until, remote_assessment)

    @staticmethod
    def create_id(lsp_code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/bnsp/lsp/{lsp_code}/licence")

    def amend(
        self,
        *,
        skema_codes: Iterable[str],
        valid_from: date,
        valid_until: date,
        cause: Cause,
        lsp_name: str | None = None,
    ) -> None:
        codes = _term(skema_codes, valid_from, valid_until)
        self._amended(
            lsp_code=self.lsp_code,
            skema_codes=codes,
            valid_from=valid_from,
            valid_until=valid_until,
            cause=cause,
            lsp_name=lsp_name,
        )

    def record_remote_decision(self, approved: bool, application: int, cause: Cause) -> None:
        """ASM-5.approval: the outcome of the LSP's application becomes the licence's approval."""
        self._remote_assessment_decided(
            lsp_code=self.lsp_code, approved=approved, application=application, rule_ids=(APPROVAL_RULE,), cause=cause
        )

    @event(RemoteAssessmentDecided)
    def _remote_assessment_decided(
        self, lsp_code: str, approved: bool, application: int, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.remote_assessment = approved

    def check_covers(self, skema_code: str, day: date) -> None:
        """ASM-2: the LSP assesses only within its licence, on the day of the assessment (both ends count)."""
        if not self.valid_from <= day <= self.valid_until:
            raise violation(
                "ASM-2.validity",
                "assessedOn",
                f"the licence of LSP {self.lsp_code} is valid {self.valid_from} to {self.valid_until}; not on {day}",
            )
        if skema_code not in self.skema_codes:
            raise violation("ASM-2.scope", "skemaCode", f"LSP {self.lsp_code} is not licensed for skema {skema_code}")

    def check_remote(self) -> None:
        """ASM-5.approval: remote assessment needs BNSP's approval of the LSP's application."""
        if not self.remote_assessment:
            raise violation(
                APPROVAL_RULE, "mode", f"LSP {self.lsp_code} has no BNSP approval for remote assessment: apply first"
            )

    @event(Amended)
    def _amended(
        self,
        lsp_code: str,
        skema_codes: tuple[str, ...],
        valid_from: date,
        valid_until: date,
        cause: Cause,
        remote_assessment: bool | None = None,
        lsp_name: str | None = None,  # not state: no decision reads it (the read models and credentials do)
    ) -> None:
        self._set(skema_codes, valid_from, valid_until, remote_assessment)

    def _set(self, codes: tuple[str, ...], valid_from: date, valid_until: date, remote: bool | None) -> None:
        self.skema_codes = frozenset(codes)
        self.valid_from = valid_from
        self.valid_until = valid_until
        if remote is not None:  # an event from before applications: its flag was BNSP's decision
            self.remote_assessment = remote


def check_term_days(valid_from: date, valid_until: date, today: date, rule_id: str) -> None:
    """ASM-2 (a licence) or ASM-3 (an asesor's registration): both days within the decided bounds."""
    latest = years_after(today, TERM_YEARS_AHEAD)
    check_days(
        (valid_from, "validFrom"), (valid_until, "validUntil"), rule_id=rule_id, earliest=EARLIEST_TERM, latest=latest
    )


def _term(skema_codes: Iterable[str], valid_from: date, valid_until: date) -> tuple[str, ...]:
    codes = tuple(sorted(set(skema_codes)))
    if not codes:
        raise violation("ASM-2.scope", "skemaCodes", "a licence names at least one skema")
    if valid_until < valid_from:
        raise violation("ASM-2.validity", "validUntil", f"a licence valid until {valid_until} starts after it ends")
    return codes
