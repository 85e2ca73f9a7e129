"""The issuer's keys as Data Integrity sees them: SIVIL's Ed25519 key ring (``infra.documents.key_ring``), each key a
Multikey in the ``did:web`` DID document, named ``<did>#<kid>``.

One ring signs SIVIL statements, the audit chain's checkpoints and credentials: one rotation
(``KREDENSIAL_SIVIL_SIGNING_KEYS``, new key first) rotates them all, and retired keys stay published.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.credentials.documents import Issuer, PublicKey
from domain.credentials.multibase import MultibaseError, ed25519_from_multikey, ed25519_multikey
from domain.credentials.proof import ProofRejected
from domain.diploma.statement import StatementRejected
from infra.documents.key_ring import KeyRing


class IssuerKeys:
    """Signs with the ring's active key; checks a proof by any key of the ring, active or retired."""

    def __init__(self, ring: KeyRing, issuer: Issuer) -> None:
        self.ring = ring
        self.issuer = issuer

    @property
    def verification_method(self) -> str:
        return self.issuer.method(self.ring.active_kid)

    def sign_payload(self, payload: bytes) -> bytes:
        return self.ring.sign_payload(payload)

    def public_keys(self) -> list[PublicKey]:
        ordered = sorted(self.ring.keys, key=lambda key: key.status != "active")
        return [PublicKey(key.kid, ed25519_multikey(key.raw)) for key in ordered]

    def did_document(self) -> dict[str, Any]:
        return self.issuer.did_document(self.public_keys())

    def check(self, verification_method: str, purpose: str, payload: bytes, signature: bytes) -> None:
        DidDocumentKeys(self.did_document()).check(verification_method, purpose, payload, signature)


class RingKeys:
    """Checks a proof by the ring key its verification method's fragment names (``<did>#<kid>``): for a PDF, whose
    SIVIL keys the verifier already holds, so the credential inside it needs no DID document."""

    def __init__(self, ring: KeyRing) -> None:
        self.ring = ring

    def check(self, verification_method: str, purpose: str, payload: bytes, signature: bytes) -> None:
        try:
            self.ring.check_signature(verification_method.rpartition("#")[2], payload, signature)
        except StatementRejected as error:
            raise ProofRejected(str(error)) from None


class DidDocumentKeys:
    """The keys a DID document lists, for checking proofs offline: a method must be listed under the purpose
    (``assertionMethod``), be controlled by the document's DID, and be an Ed25519 Multikey."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.did = document.get("id")
        methods = document.get("verificationMethod")
        self.methods = {m.get("id"): m for m in methods if isinstance(m, Mapping)} if isinstance(methods, list) else {}
        self.document = document

    def check(self, verification_method: str, purpose: str, payload: bytes, signature: bytes) -> None:
        if not isinstance(self.did, str) or not verification_method.startswith(self.did + "#"):
            raise ProofRejected(f"the proof's key {verification_method!r} is not the issuer's ({self.did!r})")
        allowed = self.document.get(purpose)
        if not isinstance(allowed, list) or verification_method not in allowed:
            raise ProofRejected(f"the key {verification_method!r} is not listed for {purpose} in the DID document")
        method = self.methods.get(verification_method)
        if method is None or method.get("type") != "Multikey" or method.get("controller") != self.did:
            raise ProofRejected(f"the key {verification_method!r} is not a Multikey the issuer controls")
        try:
            key = Ed25519PublicKey.from_public_bytes(ed25519_from_multikey(str(method.get("publicKeyMultibase"))))
        except MultibaseError as error:
            raise ProofRejected(f"the key {verification_method!r} is {error}") from None
        try:
            key.verify(signature, payload)
        except InvalidSignature:
            raise ProofRejected(f"the proof's signature does not verify with key {verification_method!r}") from None
