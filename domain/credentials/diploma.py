"""The diploma credential: what SIVIL shows of one paired NINA (PIN-6), as a W3C Verifiable Credential.

The subject carries exactly PIN-6's minimal verification result: university, full name, NIM, level,
programme, NINA and graduation date; the status (valid, or annulled and how) is not written in the credential
but kept in the status lists and the annulment statement its ``credentialStatus`` names, so that a credential
issued while valid tells the truth after an annulment too.
"""

from __future__ import annotations

from typing import Any

from domain.credentials.documents import Issuer
from domain.credentials.proof import instant
from domain.credentials.status_list import CredentialKind, StatusSlot
from domain.diploma.statement import Shown

# Fixed and short: the credential rides in the PDF's QR code, and its subject already says whose and which diploma.
DESCRIPTION = "Ijazah dengan NINA, tercatat di SIVIL (PIN-6) / A diploma with its NINA, recorded in SIVIL"


def diploma_subject_key(university_code: str, prodi_code: str, nina: str) -> str:
    """A NINA is unique within its university and programme (PIN-1)."""
    return f"{university_code}/{prodi_code}/{nina}"


def diploma_credential(entry: Shown, slot: StatusSlot, issuer: Issuer) -> dict[str, Any]:
    """The unsigned credential of one diploma; the same diploma always gives the same credential."""
    subject = diploma_subject_key(entry.university_code, entry.prodi_code, entry.nina)
    return {
        "@context": issuer.contexts,
        "id": issuer.credential_id(CredentialKind.DIPLOMA, subject),
        "type": ["VerifiableCredential", "DiplomaCredential"],
        "name": "Ijazah / Diploma",
        "description": DESCRIPTION,
        "issuer": issuer.did,
        "validFrom": instant(slot.valid_from),
        "credentialSubject": {
            "id": issuer.holder("student", entry.university_code, entry.nim),
            "type": "DiplomaHolder",
            "name": entry.full_name,
            "nim": entry.nim,
            "nina": entry.nina,
            "level": entry.level,
            "graduationDate": entry.graduation_date,
            "universityCode": entry.university_code,
            "universityName": entry.university_name,
            "prodiCode": entry.prodi_code,
            "programmeName": entry.programme_name,
        },
        "credentialStatus": issuer.status_entries(CredentialKind.DIPLOMA, slot.number, slot.index),
    }
