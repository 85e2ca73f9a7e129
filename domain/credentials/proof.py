"""Data Integrity proofs of the ``eddsa-jcs-2022`` cryptosuite (W3C VC Data Integrity EdDSA Cryptosuites v1.0).

To secure a document: the proof options (type ``DataIntegrityProof``, cryptosuite, created, verificationMethod,
proofPurpose, and the document's ``@context``, which the proof carries) are canonicalized by JCS (RFC 8785), as
is the document without its proof; the Ed25519 signature covers SHA-256 of the first followed by SHA-256 of the
second, and ``proofValue`` is that signature in multibase base58-btc. JCS is the ``rfc8785`` library, not ours: a
canonicalizer that differs from everyone else's in one corner (numbers, escapes) breaks every verifier.

The keys are behind :class:`Signer` and :class:`KeyResolver`, like ``domain.diploma.statement``: the Ed25519
implementation is ``infra/credentials/keys.py``.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

import rfc8785

from domain.credentials.multibase import MultibaseError, base58btc, from_base58btc

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
ASSERTION = "assertionMethod"
# A credential of ours is a few kilobytes; ``kredensial verify-credential`` refuses a document larger than this.
MAX_DOCUMENT_BYTES = 1024 * 1024

Document = dict[str, Any]


class ProofRejected(ValueError):
    """A secured document that cannot be trusted; the message names why."""


class Signer(Protocol):
    """Signs with the issuer's active key; ``verification_method`` names that key in the DID document."""

    @property
    def verification_method(self) -> str: ...

    def sign_payload(self, payload: bytes) -> bytes: ...


class KeyResolver(Protocol):
    """Checks an Ed25519 signature by the key a verification method names, for the purpose asked; raises
    :class:`ProofRejected` when the method is unknown, not allowed that purpose, or the signature is bad."""

    def check(self, verification_method: str, purpose: str, payload: bytes, signature: bytes) -> None: ...


def secure(document: Mapping[str, Any], signer: Signer, *, created: datetime) -> Document:
    """The document with an ``eddsa-jcs-2022`` proof made now by the signer's active key."""
    if "proof" in document:
        raise ValueError("the document already carries a proof")
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": instant(created),
        "verificationMethod": signer.verification_method,
        "proofPurpose": ASSERTION,
    }
    unsecured = copy.deepcopy(dict(document))
    if "@context" in unsecured:  # the spec's Create Proof, step 2: the proof carries the document's context
        options["@context"] = copy.deepcopy(unsecured["@context"])
    signature = signer.sign_payload(hash_data(unsecured, options))
    return {**unsecured, "proof": {**options, "proofValue": base58btc(signature)}}


def verify(secured: Mapping[str, Any], keys: KeyResolver) -> str:
    """The verification method whose key made the document's proof, or :class:`ProofRejected` naming why not."""
    proof = secured.get("proof")
    if not isinstance(proof, Mapping):
        raise ProofRejected("no proof, or more than one: one Data Integrity proof is expected")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofRejected(f"the proof is not a {PROOF_TYPE} of the {CRYPTOSUITE} cryptosuite")
    if proof.get("proofPurpose") != ASSERTION:
        raise ProofRejected(f"the proof's purpose is {proof.get('proofPurpose')!r}, not {ASSERTION}")
    method, value = proof.get("verificationMethod"), proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(value, str):
        raise ProofRejected("the proof names no verification method or carries no proof value")
    try:
        signature = from_base58btc(value)
    except MultibaseError as error:
        raise ProofRejected(f"the proof value is {error}") from None
    if len(signature) != 64:
        raise ProofRejected("the proof value is not an Ed25519 signature")
    options = {key: item for key, item in proof.items() if key != "proofValue"}
    unsecured = {key: item for key, item in secured.items() if key != "proof"}
    if "@context" in options:  # the spec's Verify Proof, step 4: the document's context begins with the proof's
        raw = options["@context"]
        context, own = _as_list(unsecured.get("@context")), _as_list(raw)
        if context[: len(own)] != own:
            raise ProofRejected("the proof's @context does not begin the document's")
        unsecured["@context"] = raw
    try:
        payload = hash_data(unsecured, options)
    except (TypeError, ValueError, RecursionError) as error:  # JCS refuses what JSON cannot say; or nesting too deep
        raise ProofRejected(f"the document cannot be canonicalized: {error}") from None
    keys.check(method, ASSERTION, payload, signature)
    return method


def hash_data(unsecured: Mapping[str, Any], options: Mapping[str, Any]) -> bytes:
    """SHA-256 of the JCS proof configuration (the proof without its value), then of the JCS document."""
    return (
        hashlib.sha256(rfc8785.dumps(dict(options))).digest() + hashlib.sha256(rfc8785.dumps(dict(unsecured))).digest()
    )


def instant(moment: datetime) -> str:
    """An XML Schema dateTimeStamp in UTC to the second, as ``validFrom`` and ``created`` are written here."""
    if moment.tzinfo is None:
        raise ValueError("an instant must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _as_list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]
