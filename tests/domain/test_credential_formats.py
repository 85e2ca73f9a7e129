"""Issue 13's pure formats: multibase and Multikey, the keyed status-list permutation, the bitstring, did:web
names, and eddsa-jcs-2022 proofs that refuse every change."""

from __future__ import annotations

import base64
import copy
import zlib
from datetime import UTC, datetime

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from application.credentials.verification import verify
from domain.credentials import proof
from domain.credentials.documents import Issuer
from domain.credentials.multibase import (
    MultibaseError,
    base58btc,
    ed25519_from_multikey,
    ed25519_multikey,
    from_base58btc,
)
from domain.credentials.packing import Unreadable, pack, unpack
from domain.credentials.status_list import LIST_SIZE, StatusListError, decode, encode, is_set, permuted
from infra.documents.credentials.keys import DidDocumentKeys, IssuerKeys
from infra.documents.credentials.verify_cli import did_web_url
from infra.documents.key_ring import KeyRing

ISSUER = Issuer("https://sivil.example.go.id")
AT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_base58btc_round_trips_keeps_leading_zeros_and_refuses_other_spellings() -> None:
    assert base58btc(b"hello world") == "zStV1DL6CwTryKyV"  # the multibase spec's example
    assert from_base58btc(base58btc(b"\0\0\x01")) == b"\0\0\x01"
    for bad in ("StV1DL6CwTryKyV", "z0OIl", "z", "z" + "1" * 600):
        with pytest.raises(MultibaseError):
            from_base58btc(bad)


def test_an_ed25519_multikey_starts_z6Mk_and_round_trips() -> None:
    raw = bytes(range(32))
    encoded = ed25519_multikey(raw)
    assert encoded.startswith("z6Mk")
    assert ed25519_from_multikey(encoded) == raw
    with pytest.raises(MultibaseError):
        ed25519_from_multikey(base58btc(b"\xec\x01" + raw))  # an X25519 header


def test_the_status_permutation_is_a_bijection_that_depends_on_the_key_and_the_list() -> None:
    key = b"k" * 32
    assert sorted(permuted(key, "diploma/0", n, 4096) for n in range(4096)) == list(range(4096))
    first = [permuted(key, "diploma/0", n) for n in range(50)]
    assert len(set(first)) == 50 and all(0 <= i < LIST_SIZE for i in first)
    assert first != [permuted(b"j" * 32, "diploma/0", n) for n in range(50)]
    assert first != [permuted(key, "diploma/1", n) for n in range(50)]
    assert first != sorted(first)


def test_the_bitstring_sets_index_0_as_the_first_bit_and_refuses_a_bomb() -> None:
    encoded = encode([0, 42, LIST_SIZE - 1])
    assert encoded.startswith("u") and "=" not in encoded
    bits = decode(encoded)
    assert len(bits) * 8 == LIST_SIZE
    assert bits[0] == 0x80 and bits[5] == 0x20
    assert [is_set(bits, i) for i in (0, 1, 42, LIST_SIZE - 1)] == [True, False, True, True]
    assert encode([3]) == encode([3])  # no time in the GZIP header
    with pytest.raises(StatusListError):
        decode(encode([], size=LIST_SIZE * 16))
    with pytest.raises(StatusListError):
        decode("x" + encoded[1:])


@pytest.mark.parametrize(
    ("address", "did", "document"),
    [
        ("https://sivil.example.go.id", "did:web:sivil.example.go.id", "https://sivil.example.go.id/.well-known/did.json"),
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000", "http://127.0.0.1:8000/.well-known/did.json"),
        ("https://example.go.id/kredensial", "did:web:example.go.id:kredensial", "https://example.go.id/kredensial/did.json"),
    ],
)  # fmt: skip
def test_the_issuer_is_did_web_of_the_public_address(address: str, did: str, document: str) -> None:
    issuer = Issuer(address)
    assert issuer.did == did
    assert issuer.did_document_url == document
    with pytest.raises(ValueError):
        Issuer(address + "/")


def signed() -> tuple[dict[str, object], IssuerKeys]:
    keys = IssuerKeys(KeyRing.from_seeds([bytes(range(32))]), ISSUER)
    document = {"@context": ISSUER.contexts, "type": ["VerifiableCredential"], "issuer": ISSUER.did, "n": "1.0"}
    return proof.secure(document, keys, created=AT), keys


def test_a_proof_verifies_and_any_change_of_document_proof_or_key_is_refused() -> None:
    secured, keys = signed()
    checker = DidDocumentKeys(keys.did_document())
    assert proof.verify(secured, checker) == keys.verification_method
    assert secured["proof"]["@context"] == secured["@context"]  # type: ignore[index]

    changes = {
        "document": lambda d: d.update(n="1.00"),
        "created": lambda d: d["proof"].update(created="2026-12-01T08:00:01Z"),
        "context": lambda d: d["proof"].update({"@context": ["https://www.w3.org/ns/credentials/v2"]}),
        "purpose": lambda d: d["proof"].update(proofPurpose="authentication"),
        "suite": lambda d: d["proof"].update(cryptosuite="eddsa-rdfc-2022"),
        "value": lambda d: d["proof"].update(proofValue="z" + "1" * 80),
        "method": lambda d: d["proof"].update(verificationMethod="did:web:evil.example#x"),
        "no proof": lambda d: d.pop("proof"),
    }
    for name, change in changes.items():
        tampered = copy.deepcopy(secured)
        change(tampered)
        with pytest.raises(proof.ProofRejected):
            proof.verify(tampered, checker)
            pytest.fail(name)


def test_a_key_retired_by_rotation_still_verifies_and_one_dropped_from_the_did_document_does_not() -> None:
    secured, keys = signed()
    rotated = IssuerKeys(keys.ring.rotated(), ISSUER)
    assert proof.verify(secured, DidDocumentKeys(rotated.did_document()))
    dropped = rotated.did_document()
    dropped["assertionMethod"] = dropped["assertionMethod"][:1]
    with pytest.raises(proof.ProofRejected):
        proof.verify(secured, DidDocumentKeys(dropped))


def test_a_packed_credential_round_trips_and_anything_else_is_unreadable() -> None:
    secured, _ = signed()
    assert unpack(pack(secured)) == secured
    bomb = "1" + base64.urlsafe_b64encode(zlib.compress(b"[" * 200_000)[2:-4]).rstrip(b"=").decode()
    for bad in ("", "9" + pack(secured)[1:], "1!!!", "1" + "A" * 9000, bomb, pack({"a": 1})[:-3]):
        with pytest.raises(Unreadable):
            unpack(bad)


def test_a_link_nesting_past_the_parsers_depth_is_unreadable_not_an_error() -> None:
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    nested = deflate.compress(b"[" * 5000) + deflate.flush()
    with pytest.raises(Unreadable):
        unpack("1" + base64.urlsafe_b64encode(nested).rstrip(b"=").decode())
    with pytest.raises(Unreadable):  # the same without the preset dictionary's help
        unpack(pack({"a": 1})[:1] + base64.urlsafe_b64encode(nested).rstrip(b"=").decode())


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:sivil.example.go.id", "https://sivil.example.go.id/.well-known/did.json"),
        ("did:web:127.0.0.1%3A8000", "http://127.0.0.1:8000/.well-known/did.json"),
        ("did:web:%5B%3A%3A1%5D%3A8123", "http://[::1]:8123/.well-known/did.json"),
        ("did:web:example.go.id:kredensial", "https://example.go.id/kredensial/did.json"),
    ],
)
def test_did_web_resolves_to_https_except_for_a_development_server(did: str, url: str) -> None:
    assert did_web_url(did) == url


def test_the_issuer_refuses_an_address_with_a_user_name() -> None:
    with pytest.raises(ValueError, match="user name"):
        Issuer("https://user:secret@sivil.example.go.id")


def test_a_credential_past_its_valid_until_is_expired_and_one_before_its_valid_from_not_yet_valid() -> None:
    keys = IssuerKeys(KeyRing.from_seeds([bytes(range(32))]), ISSUER)
    document = {
        "@context": ISSUER.contexts,
        "type": ["VerifiableCredential"],
        "issuer": ISSUER.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2026-12-31T23:59:59Z",
    }
    secured = proof.secure(document, keys, created=AT)
    checker = DidDocumentKeys(keys.did_document())
    assert verify(secured, checker, None, now=datetime(2027, 1, 1, tzinfo=UTC)).verdict == "EXPIRED"
    assert verify(secured, checker, None, now=datetime(2025, 12, 31, tzinfo=UTC)).verdict == "NOT_YET_VALID"
    # In its window, a credential that declares no status (as the BK letter, issue 33) verifies as it stands
    assert verify(secured, checker, None, now=datetime(2026, 6, 1, tzinfo=UTC)).verdict == "VERIFIED"


# The interoperability vector of eddsa-jcs-2022 (Digital Bazaar, with the W3C specification's Ed25519 key): our
# proofs must equal it byte for byte, so that no verifier depends on ours having been written the same way.
VECTOR_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
VECTOR_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"  # multibase of 0x8026 and the 32-byte seed
VECTOR = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": f"did:key:{VECTOR_KEY}",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
VECTOR_PROOF_VALUE = "z5EhYRJkfPLkoT92FPXN8KK6M9rsBhq3xs19GBSsA6VdNYH4QMKSyNuA2Gfznz9QthVD7Rz3HTAfqxxay23htUpTg"


class DidKey:
    """did:key of an Ed25519 Multikey: the key is the identifier itself."""

    verification_method = f"did:key:{VECTOR_KEY}#{VECTOR_KEY}"

    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.from_private_bytes(from_base58btc(VECTOR_SECRET)[2:])

    def sign_payload(self, payload: bytes) -> bytes:
        return self.private.sign(payload)

    def check(self, verification_method: str, purpose: str, payload: bytes, signature: bytes) -> None:
        key = Ed25519PublicKey.from_public_bytes(ed25519_from_multikey(verification_method.rpartition("#")[2]))
        try:
            key.verify(signature, payload)
        except InvalidSignature:
            raise proof.ProofRejected("bad signature") from None


def test_our_eddsa_jcs_2022_proof_equals_the_interoperability_vector_and_verifies_it() -> None:
    secured = proof.secure(VECTOR, DidKey(), created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC))
    assert secured["proof"]["proofValue"] == VECTOR_PROOF_VALUE
    assert secured["proof"]["@context"] == VECTOR["@context"]
    assert proof.verify(secured, DidKey()) == DidKey.verification_method
    changed = {**secured, "name": "Alumni Credentia1"}
    with pytest.raises(proof.ProofRejected):
        proof.verify(changed, DidKey())
