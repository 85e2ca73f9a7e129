"""Verifying a credential of ours, as any verifier would: its proof against the issuer's DID document, then each
``credentialStatus`` bit in the issuer's signed status list, and what a set revocation bit means.

The same checks run on the server (the page the PDF's QR opens) and offline (``kredensial verify-credential``
with the DID document and the lists saved beside it); only where the documents come from differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.credentials import proof
from domain.credentials.status_list import Purpose, StatusListError, decode, is_set

Fetch = Callable[[str], Mapping[str, Any] | None]  # a URL (a status list, a statement) -> its JSON, or None


@dataclass(frozen=True)
class StatusCheck:
    purpose: str
    index: int
    set: bool | None  # None: the list could not be read or trusted
    detail: str


@dataclass(frozen=True)
class Verification:
    signature: str | None  # the verification method whose key made the proof; None when refused
    problem: str | None  # why the proof (or the document) was refused
    status: tuple[StatusCheck, ...] = ()
    annulment: Mapping[str, Any] | None = None  # the signed statement's subject, when revoked
    subject: Mapping[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        """VERIFIED, REVOKED, SUSPENDED, STATUS_UNKNOWN or NOT_VERIFIED."""
        if self.signature is None:
            return "NOT_VERIFIED"
        bits = {check.purpose: check.set for check in self.status}
        if bits.get(Purpose.REVOCATION.value):
            return "REVOKED"
        if bits.get(Purpose.SUSPENSION.value):
            return "SUSPENDED"
        if not self.status or any(check.set is None for check in self.status):
            return "STATUS_UNKNOWN"
        return "VERIFIED"


def verify(credential: Mapping[str, Any], keys: proof.KeyResolver, fetch: Fetch | None) -> Verification:
    """``fetch``: None offline without the lists (the status is then unknown)."""
    try:
        method = proof.verify(credential, keys)
    except proof.ProofRejected as error:
        return Verification(None, str(error))
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    entries = credential.get("credentialStatus", [])
    entries = entries if isinstance(entries, list) else [entries]
    checks = tuple(_status(entry, credential.get("issuer"), keys, fetch) for entry in entries)
    annulment = None
    revoked = next((c for c in checks if c.purpose == Purpose.REVOCATION.value and c.set), None)
    if revoked is not None and fetch is not None:
        annulment = _annulment(entries, keys, fetch)
    return Verification(method, None, checks, annulment, subject)


def _status(entry: object, issuer: object, keys: proof.KeyResolver, fetch: Fetch | None) -> StatusCheck:
    if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
        return StatusCheck("?", -1, None, "not a BitstringStatusListEntry")
    purpose, url = str(entry.get("statusPurpose")), str(entry.get("statusListCredential"))
    index_text = str(entry.get("statusListIndex", ""))
    if not index_text.isdigit():
        return StatusCheck(purpose, -1, None, "statusListIndex is not a number")
    index = int(index_text)
    if fetch is None:
        return StatusCheck(purpose, index, None, "not checked: no status list given")
    listed = fetch(url)
    if listed is None:
        return StatusCheck(purpose, index, None, f"the status list {url} could not be fetched")
    try:
        proof.verify(listed, keys)
    except proof.ProofRejected as error:
        return StatusCheck(purpose, index, None, f"the status list is not the issuer's: {error}")
    list_subject = listed.get("credentialSubject")
    if (
        listed.get("id") != url
        or listed.get("issuer") != issuer
        or not isinstance(list_subject, Mapping)
        or list_subject.get("statusPurpose") != purpose
    ):
        return StatusCheck(purpose, index, None, "the status list is not the one the credential names")
    try:
        bit = is_set(decode(str(list_subject.get("encodedList", ""))), index)
    except StatusListError as error:
        return StatusCheck(purpose, index, None, str(error))
    return StatusCheck(purpose, index, bit, f"as of {listed.get('validFrom')}")


def _annulment(entries: list[Any], keys: proof.KeyResolver, fetch: Fetch) -> Mapping[str, Any] | None:
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("statusPurpose") == Purpose.REVOCATION.value:
            statement = fetch(str(entry.get("statusReference")))
            if statement is None:
                return None
            try:
                proof.verify(statement, keys)
            except proof.ProofRejected:
                return None
            subject = statement.get("credentialSubject")
            return subject if isinstance(subject, Mapping) else None
    return None
