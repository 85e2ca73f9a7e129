"""Issuing signed credentials, status lists and annulment statements from the read models (issue 13).

Nothing here appends an event: a credential is a signed rendering of what the log already says (the pairing,
its recorded status slot, the annulments), so the same diploma always yields the same credential, re-signed by
whichever key is active.

A status list says when its content began to hold (``validFrom``: its last change) and, for a list as it stood
at a past instant, when it stopped (``validUntil``: its next change), so that a past list can never pass for the
current one. A list changes only with an annulment, so it is signed once per change (issue 33): its proof is dated
by the change, not by the fetch, and an Ed25519 signature is deterministic, so every API process makes the same
bytes for the same content and key without sharing anything, and a verifier's ETag holds across them. Each process
keeps what it signed until the content changes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson

from application.credentials import verification
from application.credentials.verification import Verification
from domain.credentials import proof
from domain.credentials.certificate import Certified, certificate_credential
from domain.credentials.diploma import diploma_credential, diploma_subject_key
from domain.credentials.documents import STATUS_PATH, Issuer
from domain.credentials.dpi import DpiVersion, Supplement, dpi_credential, dpi_subject_key
from domain.credentials.sk import Decided, sk_credential, sk_subject_key
from domain.credentials.status_list import (
    LIST_SIZE,
    MAX_LIST_NUMBER,
    Annulment,
    CredentialKind,
    ListAt,
    Purpose,
    StatusSlot,
    whole_number,
)
from domain.diploma.statement import Shown

# An unchanged list's content has held since the first credentials here: before any could have been issued.
LISTS_OPENED = datetime(2020, 1, 1, tzinfo=UTC)


class StatusReads(Protocol):
    """What the credential status read model answers (``projections.credentials.view``)."""

    def slot(self, kind: CredentialKind, subject: str) -> StatusSlot | None: ...

    def lists(self, kind: CredentialKind) -> int: ...

    def list_at(self, kind: CredentialKind, purpose: Purpose, number: int, at: datetime | None) -> ListAt: ...

    def annulment(self, kind: CredentialKind, number: int, index: int) -> Annulment | None: ...

    def dpi_version(self, university_code: str, nim: str) -> DpiVersion | None: ...


@dataclass(frozen=True)
class SignedList:
    """A signed status list as it is served: its bytes, a tag naming them (an HTTP ETag), and whether it is
    settled: a past list whose next change is known never changes again."""

    body: bytes
    tag: str
    settled: bool

    def document(self) -> dict[str, Any]:
        parsed: dict[str, Any] = orjson.loads(self.body)
        return parsed


class CredentialSigner(proof.Signer, proof.KeyResolver, Protocol):
    def did_document(self) -> dict[str, Any]: ...


class CredentialIssuing:
    def __init__(
        self, issuer: Issuer, keys: CredentialSigner, status: StatusReads, clock: Callable[[], datetime]
    ) -> None:
        self.issuer = issuer
        self.keys = keys
        self.status = status
        self.clock = clock

    def diploma(self, entry: Shown) -> dict[str, Any] | None:
        """The signed credential of a diploma SIVIL shows, or None while its status slot is not yet projected."""
        subject = diploma_subject_key(entry.university_code, entry.prodi_code, entry.nina)
        slot = self.status.slot(CredentialKind.DIPLOMA, subject)
        if slot is None:
            return None
        return self.sign(diploma_credential(entry, slot, self.issuer))

    def certificate(self, row: Certified, units: Sequence[str] = ()) -> dict[str, Any] | None:
        """The signed credential (also an Open Badge) of an LSP certificate once signed (ASM-7), or None before;
        ``units``: the codes of the skema's units the holder was found competent in."""
        slot = self.status.slot(CredentialKind.CERTIFICATE, row.registration_number)
        if slot is None or row.issued_on is None:
            return None
        return self.sign(certificate_credential(row, slot, self.issuer, units))

    def dpi(self, dpi: Supplement, diploma: Shown | None) -> dict[str, Any] | None:
        """The signed credential of a DPI's current version (SUB-8), with the diploma SIVIL shows for its student;
        None without a paired NINA, before anything is listed or printed, or while the read models catch up."""
        current = self.status.dpi_version(dpi.university_code, dpi.nim)
        if diploma is None or current is None or not current.shows(dpi):
            return None
        slot = self.status.slot(CredentialKind.DPI, dpi_subject_key(dpi.university_code, dpi.nim, current.version))
        if slot is None:
            return None
        return self.sign(dpi_credential(dpi, diploma, current.version, slot, self.issuer))

    def sk(self, row: Decided) -> dict[str, Any] | None:
        """The signed credential of an application's current SK of equivalency (EQV-4), or None without one."""
        if row.sk_number is None:
            return None
        slot = self.status.slot(CredentialKind.SK, sk_subject_key(row.registration_number, row.sk_number))
        if slot is None:
            return None
        return self.sign(sk_credential(row, slot, self.issuer))

    def purposes_set(self, kind: CredentialKind, subject: str) -> frozenset[Purpose]:
        """The bits set now for one credential (a shared SK suspended by a PK under way, EQV-8); none unslotted."""
        slot = self.status.slot(kind, subject)
        if slot is None:
            return frozenset()
        return frozenset(p for p in Purpose if slot.index in self.status.list_at(kind, p, slot.number, None).indices)

    def status_list(
        self, kind: CredentialKind, purpose: Purpose, number: int, at: datetime | None = None
    ) -> SignedList | None:
        """The signed list as it stands now, or as it stood at ``at``; None for a list not opened (by then)."""
        if not 0 <= number < self.status.lists(kind):
            return None
        now = self.clock()
        asked = None if at is None or at >= now else at
        state = self.status.list_at(kind, purpose, number, asked)
        until = state.until if asked is not None else None
        since = state.since or LISTS_OPENED
        return self._signed_list(kind, purpose, number, state.indices, since, until, self.keys.verification_method)

    @functools.lru_cache(maxsize=512)  # noqa: B019 - one issuer per process, kept for the process's life
    def _signed_list(
        self,
        kind: CredentialKind,
        purpose: Purpose,
        number: int,
        indices: tuple[int, ...],
        valid_from: datetime,
        valid_until: datetime | None,
        method: str,  # the active key's: a rotation signs anew
    ) -> SignedList:
        document = self.issuer.status_list_credential(kind, purpose, number, indices, at=valid_from)
        if valid_until is not None:
            document["validUntil"] = proof.instant(valid_until)
        body = orjson.dumps(proof.secure(document, self.keys, created=valid_from))
        return SignedList(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"', settled=valid_until is not None)

    def annulment_statement(self, kind: CredentialKind, number: int, index: int) -> dict[str, Any] | None:
        if not 0 <= number < self.status.lists(kind):
            return None
        annulment = self.status.annulment(kind, number, index)
        return self.sign(
            self.issuer.annulment_statement(
                kind,
                number,
                index,
                annulment=annulment.kind if annulment else None,
                effective_on=annulment.effective_on if annulment else None,
                at=annulment.recorded_at if annulment else self.clock(),
            )
        )

    def verify(self, credential: Mapping[str, Any]) -> Verification:
        """As a verifier elsewhere would, with this issuer's own DID document and lists (the QR's page); a
        credential that names another issuer is none of ours, whatever key it claims."""
        if verification.issuer_id(credential) != self.issuer.did:
            return Verification(None, f"the credential's issuer is not {self.issuer.did}")
        return verification.verify(credential, self.keys, self.document, now=self.clock())

    def document(self, url: str) -> dict[str, Any] | None:
        """One of this issuer's own status documents by its URL, or None for any other URL."""
        prefix = self.issuer.base_url + STATUS_PATH + "/"
        parts = url.removeprefix(prefix).split("/") if url.startswith(prefix) else []
        try:
            if len(parts) == 3:
                signed = self.status_list(
                    CredentialKind(parts[0]), Purpose(parts[1]), whole_number(parts[2], MAX_LIST_NUMBER)
                )
                return None if signed is None else signed.document()
            if len(parts) == 4 and parts[1] == "annulment":
                return self.annulment_statement(
                    CredentialKind(parts[0]),
                    whole_number(parts[2], MAX_LIST_NUMBER),
                    whole_number(parts[3], LIST_SIZE - 1),
                )
        except ValueError:
            return None
        return None

    def did_document(self) -> dict[str, Any]:
        return self.keys.did_document()

    def context(self) -> dict[str, Any]:
        return self.issuer.context_document()

    def sign(self, document: dict[str, Any]) -> dict[str, Any]:
        return proof.secure(document, self.keys, created=self.clock())
