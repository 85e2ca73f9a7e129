"""The LSP competency certificate as a W3C Verifiable Credential that is also an Open Badges 3.0 credential: what
its public verification shows (ASM-7), holder name, skema, LSP and validity; its revocation is a bit in the
certificates' status lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any, Protocol
from uuid import NAMESPACE_URL, uuid5

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
    def candidate_number(self) -> str: ...
    @property
    def issued_on(self) -> str | None: ...
    @property
    def valid_until(self) -> str | None: ...
    @property
    def lsp_name(self) -> str | None: ...


def issuer_name(row: Certified) -> str:
    """ASM-2.name: the LSP by the name its licence gives it, else (licensed before names) by its code."""
    return row.lsp_name or f"Lembaga Sertifikasi Profesi {row.lsp_code}"


def achievement_id(issuer: Issuer, skema_code: str) -> str:
    """One achievement per skema, shared by every holder of a certificate of it."""
    return f"urn:uuid:{uuid5(NAMESPACE_URL, f'{issuer.base_url}/skema/{skema_code}')}"


def certificate_credential(
    row: Certified, slot: StatusSlot, issuer: Issuer, units: Sequence[str] = ()
) -> dict[str, Any]:
    """Valid from the issue day to the end of the last valid day, in Jakarta (ASM-7: three years).

    Also an Open Badges 3.0 ``OpenBadgeCredential``: the subject is an ``AchievementSubject`` whose
    ``achievement`` is the skema (ASM-1: its units, ``units``, in the description and the criteria), and the
    issuer a named ``Profile``: the LSP that certified, under the DID that signs for it. ``units`` are the codes of
    the units the candidate was found competent in (all of the skema's, or there is no certificate: ASM-4).
    """
    if row.issued_on is None or row.valid_until is None:
        raise ValueError("a certificate is a credential once signed")
    starts = datetime.combine(date.fromisoformat(row.issued_on), time.min, JAKARTA)
    ends = datetime.combine(date.fromisoformat(row.valid_until), time(23, 59, 59), JAKARTA)
    listed = ", ".join(units) if units else "-"
    lsp = issuer_name(row)
    return {
        "@context": issuer.badge_contexts,
        "id": issuer.credential_id(CredentialKind.CERTIFICATE, row.registration_number),
        "type": ["VerifiableCredential", "OpenBadgeCredential", "CompetencyCertificateCredential"],
        "name": f"Sertifikat Kompetensi / Certificate of Competence: {row.skema_title}",
        "description": (
            f"{lsp} menyatakan pemegangnya kompeten pada skema {row.skema_code} {row.skema_title}, berlaku sampai "
            f"{row.valid_until} (ASM-7). / {lsp} certifies its holder competent in the scheme {row.skema_code} "
            f"{row.skema_title}, valid until {row.valid_until}."
        ),
        "issuer": {
            "id": issuer.did,
            "type": ["Profile"],
            "name": lsp,
            "url": issuer.base_url,
            "otherIdentifier": [
                {"type": "IdentifierEntry", "identifier": row.lsp_code, "identifierType": "identifier"}
            ],
        },
        "validFrom": instant(starts),
        "validUntil": instant(ends),
        "credentialSubject": {
            "id": issuer.holder("asesi", row.lsp_code, row.candidate_number),
            "type": ["AchievementSubject", "CertificateHolder"],
            "name": row.holder_name,
            "registrationNumber": row.registration_number,
            "skemaCode": row.skema_code,
            "skemaTitle": row.skema_title,
            "lspCode": row.lsp_code,
            "achievement": {
                "id": achievement_id(issuer, row.skema_code),
                "type": ["Achievement"],
                "achievementType": "Certification",
                "humanCode": row.skema_code,
                "name": row.skema_title,
                "description": (
                    f"Skema sertifikasi {row.skema_code} {row.skema_title}; unit kompetensi: {listed}. / "
                    f"Certification scheme {row.skema_code} {row.skema_title}; competency units: {listed}."
                ),
                "criteria": {
                    "narrative": (
                        f"Dinyatakan kompeten (K) pada setiap unit kompetensi skema ({listed}) oleh asesor "
                        "berlisensi BNSP, diputuskan dalam rapat pleno komite teknis LSP (ASM-4, ASM-6). / "
                        f"Found competent (K) in every unit of the scheme ({listed}) by BNSP-licensed assessors, "
                        "decided in the plenary of the LSP's technical committee."
                    )
                },
            },
            "competencyUnits": list(units),
        },
        "credentialStatus": issuer.status_entries(CredentialKind.CERTIFICATE, slot.number, slot.index),
    }
