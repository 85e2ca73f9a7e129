"""A credential in a link (the PDF's QR code): compact JSON, raw DEFLATE with a preset dictionary, base64url.

The dictionary holds what every credential of ours repeats (contexts, types, status entries, the proof's
fields), so a diploma credential with long names still fits a QR code a phone reads at 55 mm (about 550
characters instead of 950). A packed credential starts with its format's version: dictionary 1 is fixed for
good, since printed QR codes carry it; a new dictionary is a new version.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping
from typing import Any

VERIFY_PATH = "/sivil/credential/verify"  # the page a packed credential's link opens (?vc=...)
MAX_PACKED = 8_000  # characters of a packed credential in a URL
MAX_UNPACKED = 64 * 1024

_DICTIONARY_1 = (
    b'"credentialStatus":[{"id":"/credentials/status/diploma/revocation/0#","type":"BitstringStatusListEntry",'
    b'"statusPurpose":"revocation","statusListIndex":"","statusListCredential":"/credentials/status/diploma/'
    b'revocation/0","statusReference":"/credentials/status/diploma/annulment/0/"},{"id":"/credentials/status/diploma/'
    b'suspension/0#","type":"BitstringStatusListEntry","statusPurpose":"suspension","statusListIndex":"",'
    b'"statusListCredential":"/credentials/status/diploma/suspension/0"}],"proof":{"type":"DataIntegrityProof",'
    b'"cryptosuite":"eddsa-jcs-2022","created":"T00:00:00Z","verificationMethod":"did:web:#","proofPurpose":'
    b'"assertionMethod","@context":["https://www.w3.org/ns/credentials/v2","/credentials/v1"],"proofValue":"z"}'
    b'{"@context":["https://www.w3.org/ns/credentials/v2","/credentials/v1"],"id":"urn:uuid:","type":'
    b'["VerifiableCredential","DiplomaCredential"],"issuer":"did:web:","validFrom":"T00:00:00Z","credentialSubject":'
    b'{"type":"DiplomaHolder","name":"","nim":"","nina":"","level":"S1","graduationDate":"","universityCode":"",'
    b'"universityName":"Universitas ","prodiCode":"","programmeName":""}'
)
_DICTIONARIES = {"1": _DICTIONARY_1}


class Unreadable(ValueError):
    """Not a packed credential; the message says why."""


def pack(credential: Mapping[str, Any]) -> str:
    raw = json.dumps(credential, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, _DICTIONARY_1)
    compressed = deflate.compress(raw) + deflate.flush()
    return "1" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def unpack(packed: str) -> dict[str, Any]:
    if not packed or len(packed) > MAX_PACKED or not packed.isascii():
        raise Unreadable("the credential in the link is missing, too long or not base64url")
    dictionary = _DICTIONARIES.get(packed[0])
    if dictionary is None:
        raise Unreadable(f"the link's format {packed[0]!r} is not one this verifier knows")
    body = packed[1:]
    try:
        inflate = zlib.decompressobj(-15, zdict=dictionary)
        raw = inflate.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), MAX_UNPACKED + 1)
    except (binascii.Error, ValueError, zlib.error) as error:
        raise Unreadable(f"the link does not carry a credential: {error}") from None
    if len(raw) > MAX_UNPACKED or inflate.unconsumed_tail:
        raise Unreadable("the credential in the link inflates past the largest accepted")
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:  # a few bytes can nest past the parser's depth
        raise Unreadable(f"the link does not carry a credential: {error}") from None
    if not isinstance(document, dict):
        raise Unreadable("the link does not carry a credential: not a JSON object")
    return document
