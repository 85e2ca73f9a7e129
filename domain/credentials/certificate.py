"""The LSP competency certificate as a W3C Verifiable Credential: what its public verification shows (ASM-7),
holder name, skema, LSP and validity; its revocation is a bit in the certificates' status lists."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Protocol

from domain.calendar import JAKARTA
from domain.credentials.documents import Issuer
from domain.credentials.proof import instant
from domain.credentials.status_list import CredentialKind, StatusSlot


class Certified(Protocol):
    """A signed certificate as the read model keeps it (``projections.assessment.rows.CertificateRow``)."""

    @property
    def registration_number(self) -> str: ...
    @property
    def holder_name(self) -> str: ...
    @property
    def skema_code(self) -> str: ...
    @property
    def skema_title(self) -> str: ...
    @property
    def lsp_code(self) -> str: ...
    @property
    def issued_on(self) -> str | None: ...
    @property
    def valid_until(self) -> str | None: ...


def certificate_credential(row: Certified, slot: StatusSlot, issuer: Issuer) -> dict[str, Any]:
    """Valid from the issue day to the end of the last valid day, in Jakarta (ASM-7: three years)."""
    if row.issued_on is None or row.valid_until is None:
        raise ValueError("a certificate is a credential once signed")
    starts = datetime.combine(date.fromisoformat(row.issued_on), time.min, JAKARTA)
    ends = datetime.combine(date.fromisoformat(row.valid_until), time(23, 59, 59), JAKARTA)
    return {
        "@context": issuer.contexts,
        "id": issuer.credential_id(CredentialKind.CERTIFICATE, row.registration_number),
        "type": ["VerifiableCredential", "CompetencyCertificateCredential"],
        "issuer": issuer.did,
        "validFrom": instant(starts),
        "validUntil": instant(ends),
        "credentialSubject": {
            "type": "CertificateHolder",
            "name": row.holder_name,
            "registrationNumber": row.registration_number,
            "skemaCode": row.skema_code,
            "skemaTitle": row.skema_title,
            "lspCode": row.lsp_code,
        },
        "credentialStatus": issuer.status_entries(CredentialKind.CERTIFICATE, slot.number, slot.index),
    }
