"""The SK of foreign diploma equivalency as a W3C Verifiable Credential (EQV-4): the applicant, the foreign
diploma, and the Indonesian level it is equivalent to, under which rule version; a review (PK) that reopens the
decision revokes it (EQV-8), a review under way suspends it."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Protocol

from domain.calendar import JAKARTA
from domain.credentials.documents import Issuer
from domain.credentials.proof import instant
from domain.credentials.status_list import CredentialKind, StatusSlot


class Decided(Protocol):
    """An application with its SK as the read model keeps it (``projections.equivalency.rows.ApplicationRow``)."""

    @property
    def registration_number(self) -> str: ...
    @property
    def account_id(self) -> str: ...
    @property
    def applicant_name(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def university(self) -> str: ...
    @property
    def programme(self) -> str: ...
    @property
    def sk_number(self) -> str | None: ...
    @property
    def equal_level(self) -> str | None: ...
    @property
    def rule_version(self) -> str | None: ...
    @property
    def decided_on(self) -> str | None: ...


def sk_subject_key(registration_number: str, sk_number: str) -> str:
    """An SK is the credential of one application's one decision: an application may have a second after a PK."""
    return f"{registration_number}/{sk_number}"


def sk_credential(row: Decided, slot: StatusSlot, issuer: Issuer) -> dict[str, Any]:
    if not (row.sk_number and row.equal_level and row.rule_version and row.decided_on):
        raise ValueError("an application is a credential once an SK of equivalency is issued")
    decided = datetime.combine(date.fromisoformat(row.decided_on), time.min, JAKARTA)
    subject_key = sk_subject_key(row.registration_number, row.sk_number)
    return {
        "@context": issuer.contexts,
        "id": issuer.credential_id(CredentialKind.SK, subject_key),
        "type": ["VerifiableCredential", "EquivalencyCredential"],
        "name": "SK Penyetaraan Ijazah Luar Negeri / Foreign Diploma Equivalency Decree",
        "description": (
            f"SK {row.sk_number}: ijazah {row.level} {row.university} ({row.country}) setara {row.equal_level} "
            "(EQV-4). / "
            f"Decree {row.sk_number}: the {row.level} diploma of {row.university} ({row.country}) is equivalent to "
            f"the Indonesian {row.equal_level}."
        ),
        "issuer": issuer.did,
        "validFrom": instant(decided),
        "credentialSubject": {
            "id": issuer.holder("applicant", row.account_id),
            "type": "EquivalencyHolder",
            "name": row.applicant_name,
            "skNumber": row.sk_number,
            "registrationNumber": row.registration_number,
            "foreignUniversity": row.university,
            "foreignProgramme": row.programme,
            "country": row.country,
            "foreignLevel": row.level,
            "equivalentLevel": row.equal_level,
            "ruleVersion": row.rule_version,
            "decidedOn": row.decided_on,
        },
        "credentialStatus": issuer.status_entries(CredentialKind.SK, slot.number, slot.index),
    }
