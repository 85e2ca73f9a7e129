"""Remote assessment (asesmen jarak jauh, ASM-5; seed 001, SE.011/BNSP/IV/2020 point D.2 A-D): the LSP applies to
BNSP with its SOP for remote assessment and a description of the technology it uses, and BNSP approves or refuses;
the outcome is recorded on the LSP's licence (``Licence.RemoteAssessmentDecided``). What its TUK must provide per
skema is in ``remote_requirements``.

Rule ids: ``ASM-5.tuk`` (the TUK's requirements per skema), ``ASM-5.application`` (the LSP's application),
``ASM-5.approval`` (BNSP's decision, and the approval a remote assessment needs).
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.assessment.kinds import ApplicationStatus
from domain.audit import Cause
from domain.errors import violation
from domain.files import StoredFile

TUK_RULE = "ASM-5.tuk"
APPLICATION_RULE = "ASM-5.application"
APPROVAL_RULE = "ASM-5.approval"


class RemoteApplication(Aggregate):
    """Permohonan asesmen jarak jauh: an LSP's applications to BNSP, numbered from 1, at most one pending; a new one
    after a decision (a changed SOP or technology) is decided afresh and its decision replaces the earlier one."""

    class Started(Aggregate.Created):
        lsp_code: str
        cause: Cause

    class Applied(Aggregate.Event):
        lsp_code: str
        number: int
        sop: StoredFile  # the LSP's SOP for remote assessment
        technology: StoredFile  # the description of the technology or application it uses
        description: str  # the technology named in a line, as the LSP summarises it
        rule_ids: tuple[str, ...]
        cause: Cause

    class Approved(Aggregate.Event):
        lsp_code: str
        number: int
        reason: str | None
        rule_ids: tuple[str, ...]
        cause: Cause

    class Refused(Aggregate.Event):
        lsp_code: str
        number: int
        reason: str
        rule_ids: tuple[str, ...]
        cause: Cause

    @event(Started)
    def __init__(self, lsp_code: str, cause: Cause) -> None:
        self.lsp_code = lsp_code
        self.number = 0
        self.status: ApplicationStatus | None = None

    @staticmethod
    def create_id(lsp_code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/bnsp/lsp/{lsp_code}/remote-assessment")

    def apply(self, sop: StoredFile, technology: StoredFile, description: str, cause: Cause) -> None:
        if self.status is ApplicationStatus.PENDING:
            raise violation(
                APPLICATION_RULE, "lspCode", f"application {self.number} of LSP {self.lsp_code} is still with BNSP"
            )
        self._applied(
            lsp_code=self.lsp_code,
            number=self.number + 1,
            sop=sop,
            technology=technology,
            description=description,
            rule_ids=(APPLICATION_RULE,),
            cause=cause,
        )

    @event(Applied)
    def _applied(
        self,
        lsp_code: str,
        number: int,
        sop: StoredFile,
        technology: StoredFile,
        description: str,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self.number = number
        self.status = ApplicationStatus.PENDING

    def check_pending(self, number: int) -> None:
        """BNSP decides the pending application, named by its number so a decision never lands on a newer one."""
        if self.status is not ApplicationStatus.PENDING or number != self.number:
            raise violation(
                APPROVAL_RULE, "number", f"LSP {self.lsp_code} has no pending application numbered {number}"
            )

    def approve(self, number: int, reason: str | None, cause: Cause) -> None:
        self.check_pending(number)
        self._approved(lsp_code=self.lsp_code, number=number, reason=reason, rule_ids=(APPROVAL_RULE,), cause=cause)

    def refuse(self, number: int, reason: str, cause: Cause) -> None:
        self.check_pending(number)
        if not reason:
            raise violation(APPROVAL_RULE, "reason", "a refusal gives its reason")
        self._refused(lsp_code=self.lsp_code, number=number, reason=reason, rule_ids=(APPROVAL_RULE,), cause=cause)

    @event(Approved)
    def _approved(
        self, lsp_code: str, number: int, reason: str | None, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.status = ApplicationStatus.APPROVED

    @event(Refused)
    def _refused(self, lsp_code: str, number: int, reason: str, rule_ids: tuple[str, ...], cause: Cause) -> None:
        self.status = ApplicationStatus.REFUSED
