"""Verifying a credential of ours, as any verifier would: its proof against the issuer's DID document, its
validity period, then each ``credentialStatus`` bit in the issuer's signed, current status list, and what a set
revocation bit means.

The same checks run on the server (the page the PDF's QR opens) and offline (``kredensial verify-credential``
with the DID document and the lists saved beside it); only where the documents come from differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from domain.credentials import proof
from domain.credentials.status_list import Purpose, StatusListError, decode, is_set

Fetch = Callable[[str], Mapping[str, Any] | None]  # a URL (a status list, a statement) -> its JSON, or None
SKEW = timedelta(minutes=5)  # clocks disagree; a credential issued a moment ago on a fast clock is still good


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
    period: str | None = None  # EXPIRED or NOT_YET_VALID, when the credential is outside its validity

    @property
    def verdict(self) -> str:
        """VERIFIED, REVOKED, SUSPENDED, EXPIRED, NOT_YET_VALID, STATUS_UNKNOWN or NOT_VERIFIED."""
        if self.signature is None:
            return "NOT_VERIFIED"
        bits = {check.purpose: check.set for check in self.status}
        if bits.get(Purpose.REVOCATION.value):
            return "REVOKED"
        if bits.get(Purpose.SUSPENSION.value):
            return "SUSPENDED"
        if self.period is not None:
            return self.period
        # A credential that declares no status (a BK letter, ASM-6) has none to check: its proof covers the absence.
        if any(check.set is None for check in self.status):
            return "STATUS_UNKNOWN"
        return "VERIFIED"


def verify(
    credential: Mapping[str, Any], keys: proof.KeyResolver, fetch: Fetch | None, *, now: datetime
) -> Verification:
    """``fetch``: None offline without the lists (the status is then unknown)."""
    try:
        method = proof.verify(credential, keys)
    except proof.ProofRejected as error:
        return Verification(None, str(error))
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    entries = credential.get("credentialStatus", [])
    entries = entries if isinstance(entries, list) else [entries]
    issuer = issuer_id(credential)
    checks = tuple(_status(entry, issuer, keys, fetch, now) for entry in entries)
    annulment = None
    revoked = next((c for c in checks if c.purpose == Purpose.REVOCATION.value and c.set), None)
    if revoked is not None and fetch is not None:
        annulment = _annulment(entries, issuer, keys, fetch)
    return Verification(method, None, checks, annulment, subject, _period(credential, now))


def issuer_id(document: Mapping[str, Any]) -> str | None:
    """VC 2.0: the issuer is a URL, or an object with an ``id`` (an Open Badge's named ``Profile``)."""
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _period(document: Mapping[str, Any], now: datetime) -> str | None:
    """EXPIRED after ``validUntil``, NOT_YET_VALID before ``validFrom`` (VC 2.0, section 4.9)."""
    starts, ends = _instant(document.get("validFrom")), _instant(document.get("validUntil"))
    if ends is not None and now > ends:
        return "EXPIRED"
    if starts is not None and now + SKEW < starts:
        return "NOT_YET_VALID"
    return None


def _status(entry: object, issuer: object, keys: proof.KeyResolver, fetch: Fetch | None, now: datetime) -> StatusCheck:
    if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
        return StatusCheck("?", -1, None, "not a BitstringStatusListEntry")
    purpose, url = str(entry.get("statusPurpose")), str(entry.get("statusListCredential"))
    index_text = str(entry.get("statusListIndex", ""))
    if not (index_text.isascii() and index_text.isdigit()) or len(index_text) > 9:
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
    types = listed.get("type")
    if (
        listed.get("id") != url
        or issuer_id(listed) != issuer
        or not isinstance(types, list)
        or "BitstringStatusListCredential" not in types
        or not isinstance(list_subject, Mapping)
        or list_subject.get("type") != "BitstringStatusList"
        or list_subject.get("statusPurpose") != purpose
    ):
        return StatusCheck(purpose, index, None, "the status list is not the one the credential names")
    period = _period(listed, now)
    if period is not None:  # a past list (``?timestamp=``) cannot pass for the current one
        held = f"from {listed.get('validFrom')} until {listed.get('validUntil')}"
        return StatusCheck(purpose, index, None, f"the status list is not current: it held {held}")
    try:
        bit = is_set(decode(str(list_subject.get("encodedList", ""))), index)
    except StatusListError as error:
        return StatusCheck(purpose, index, None, str(error))
    return StatusCheck(purpose, index, bit, f"as it stands since {listed.get('validFrom')}")


def _annulment(entries: list[Any], issuer: object, keys: proof.KeyResolver, fetch: Fetch) -> Mapping[str, Any] | None:
    """The signed statement the revocation entry links, if it is the issuer's and about this very entry."""
    for entry in entries:
        if not isinstance(entry, Mapping) or entry.get("statusPurpose") != Purpose.REVOCATION.value:
            continue
        url = str(entry.get("statusReference"))
        statement = fetch(url)
        if statement is None or statement.get("id") != url or issuer_id(statement) != issuer:
            return None
        try:
            proof.verify(statement, keys)
        except proof.ProofRejected:
            return None
        subject = statement.get("credentialSubject")
        if not isinstance(subject, Mapping) or subject.get("id") != entry.get("id"):
            return None
        return subject
    return None


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
