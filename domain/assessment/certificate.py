"""A competency certificate (ASM-7): printed on a blangko with its registration number (both kept as given),
issued when the Ketua LSP signs it (ASM-6 step 8), valid for three years (decided), revocable.

The holder's name travels sealed with the candidate's own key, so erasing the candidate (UU PDP) erases it here
too; the NIK is not in the certificate's events at all.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.assessment.kinds import CertificateStatus
from domain.audit import Cause
from domain.errors import violation
from domain.personal import Sealed

VALID_YEARS = 3  # ASM-7 (decided)


def valid_until(issued_on: date) -> date:
    """Through the day before the third anniversary (a 29 February issue runs through 28 February)."""
    try:
        anniversary = issued_on.replace(year=issued_on.year + VALID_YEARS)
    except ValueError:
        anniversary = date(issued_on.year + VALID_YEARS, 3, 1)
    return anniversary - timedelta(days=1)


class Certificate(Aggregate):
    class Printed(Aggregate.Created):
        registration_number: str
        blangko_number: str
        assessment_id: UUID
        lsp_code: str
        skema_code: str
        skema_title: str
        candidate_number: str
        holder: Sealed
        rule_ids: tuple[str, ...]
        cause: Cause

    class Signed(Aggregate.Event):
        registration_number: str
        issued_on: date
        valid_until: date
        rule_ids: tuple[str, ...]
        cause: Cause

    class Revoked(Aggregate.Event):
        registration_number: str
        on: date
        reason: str
        cause: Cause

    @event(Printed)
    def __init__(
        self,
        registration_number: str,
        blangko_number: str,
        assessment_id: UUID,
        lsp_code: str,
        skema_code: str,
        skema_title: str,
        candidate_number: str,
        holder: Sealed,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self.registration_number = registration_number
        self.blangko_number = blangko_number
        self.assessment_id = assessment_id
        self.lsp_code = lsp_code
        self.skema_code = skema_code
        self.skema_title = skema_title
        self.candidate_number = candidate_number
        self.holder = holder
        self.issued_on: date | None = None
        self.valid_until: date | None = None
        self.revoked_on: date | None = None

    @staticmethod
    def create_id(registration_number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/bnsp/certificate/{registration_number}")

    def status_on(self, day: date) -> CertificateStatus:
        if self.revoked_on is not None:
            return CertificateStatus.REVOKED
        if self.issued_on is None or self.valid_until is None:
            return CertificateStatus.PRINTED
        return CertificateStatus.VALID if day <= self.valid_until else CertificateStatus.EXPIRED

    def sign(self, on: date, cause: Cause) -> None:
        if self.issued_on is not None:
            raise violation("ASM-6.order", "step", f"certificate {self.registration_number} is already signed")
        self._signed(
            registration_number=self.registration_number,
            issued_on=on,
            valid_until=valid_until(on),
            rule_ids=("ASM-6", "ASM-7"),
            cause=cause,
        )

    @event(Signed)
    def _signed(
        self, registration_number: str, issued_on: date, valid_until: date, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.issued_on = issued_on
        self.valid_until = valid_until

    def revoke(self, on: date, reason: str, cause: Cause) -> None:
        if self.issued_on is None:
            raise violation("ASM-7", "registrationNumber", "an unsigned certificate is not issued; nothing to revoke")
        if self.revoked_on is None:
            self._revoked(registration_number=self.registration_number, on=on, reason=reason, cause=cause)

    @event(Revoked)
    def _revoked(self, registration_number: str, on: date, reason: str, cause: Cause) -> None:
        self.revoked_on = on
