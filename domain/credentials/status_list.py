"""Bitstring Status Lists (W3C): one bit per credential, whole lists published, so that asking tracks no one.

A list holds :data:`LIST_SIZE` entries (131,072, the spec's minimum for herd privacy). Each credential kind
(diplomas, LSP certificates, SKs, DPIs) numbers its credentials in the order its log records them (the *ordinal*);
ordinal ``n`` lives in list ``n // LIST_SIZE`` at index ``permuted(n % LIST_SIZE)``, where the permutation is
a keyed Feistel network: every index is used once, and without the key an index says nothing of issue order.
The key is drawn once and recorded as an event (:mod:`domain.credentials.status_key`), so that a rebuilt read
model, or an auditor replaying the log, allocates exactly the indices the credentials carry.

Purposes (**decided**): ``revocation`` is set when an annulment is final (PIN-5: VOID or CANCELLED_IN_ERROR)
and never cleared; ``suspension`` is set while an annulment proposal awaits the Director General's decision and
cleared when it is decided. A credential carries an entry in each, at the same index of its kind's two lists.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

LIST_SIZE = 131_072
# ``ttl`` (milliseconds): how long a verifier may keep a list before fetching it again (**decided**: five minutes,
# the time an annulment may take to reach a verifier that caches; the HTTP Cache-Control max-age says the same).
TTL_MS = 300_000
MAX_LIST_NUMBER = 1_000_000  # a bound on what a URL may ask for, far above any kind's lists
_HALF_BITS = 9  # the Feistel network runs on 18 bits; values of LIST_SIZE and above walk the cycle again
_ROUNDS = 8


class Purpose(StrEnum):
    REVOCATION = "revocation"
    SUSPENSION = "suspension"


class CredentialKind(StrEnum):
    """Which log a credential comes from; each has its own lists."""

    DIPLOMA = "diploma"
    CERTIFICATE = "certificate"
    SK = "sk"
    DPI = "dpi"  # SUB-8: each version of a student's DPI is a credential of its own


class CredentialAnnulment(StrEnum):
    """What a set revocation bit stands for, as the annulment statement says it."""

    VOID = "VOID"  # PIN-5: a diploma annulled by the Director General, void from the start
    CANCELLED_IN_ERROR = "CANCELLED_IN_ERROR"  # PIN-5: a diploma made in error, cancelled on the university's proposal
    REVOKED = "REVOKED"  # ASM-7: an LSP certificate withdrawn
    SUPERSEDED = "SUPERSEDED"  # EQV-8: an SK whose decision a review (PK) reopened; SUB-8: a DPI changed since

    @property
    def void_from_start(self) -> bool:
        return self is CredentialAnnulment.VOID


class StatusListError(ValueError):
    pass


@dataclass(frozen=True)
class StatusSlot:
    """Where a credential's bits are: list number and index, and when its credential became valid."""

    number: int
    index: int
    valid_from: datetime


@dataclass(frozen=True)
class ListAt:
    """A status list at an instant: the indices set, when it last changed by then, and when it changed next."""

    indices: tuple[int, ...]
    since: datetime | None
    until: datetime | None


@dataclass(frozen=True)
class Annulment:
    """What a revocation bit stands for (PIN-5), which the annulment statement says."""

    kind: str  # a CredentialAnnulment
    effective_on: str  # ISO date in Jakarta
    recorded_at: datetime


def whole_number(text: str, largest: int) -> int:
    """A list number or an index as a URL gives it: ASCII digits, at most ``largest``; ValueError otherwise."""
    if not (text.isascii() and text.isdigit()) or len(text) > 7 or int(text) > largest:
        raise ValueError(f"a whole number from 0 to {largest}")
    return int(text)


def position(key: bytes, kind: CredentialKind, ordinal: int, size: int = LIST_SIZE) -> tuple[int, int]:
    """(list number, index) of the ``ordinal``-th credential of a kind."""
    if ordinal < 0:
        raise ValueError("an ordinal counts from 0")
    number, offset = divmod(ordinal, size)
    return number, permuted(key, f"{kind.value}/{number}", offset, size)


def permuted(key: bytes, tweak: str, value: int, size: int = LIST_SIZE) -> int:
    """A keyed permutation of ``range(size)`` (``size`` at most 2**18): a balanced Feistel network with
    HMAC-SHA-256 rounds, cycle-walking until the value falls inside the range."""
    if not 0 <= value < size <= 1 << (2 * _HALF_BITS):
        raise ValueError("the value must lie in range(size), and size at most 2**18")
    mask = (1 << _HALF_BITS) - 1
    round_keys = [hmac.new(key, f"{tweak}/{r}".encode(), hashlib.sha256).digest() for r in range(_ROUNDS)]
    while True:
        left, right = value >> _HALF_BITS, value & mask
        for round_key in round_keys:
            digest = hmac.new(round_key, right.to_bytes(2, "big"), hashlib.sha256).digest()
            left, right = right, left ^ (int.from_bytes(digest[:2], "big") & mask)
        value = (left << _HALF_BITS) | right
        if value < size:
            return value


def encode(set_indices: Iterable[int], size: int = LIST_SIZE) -> str:
    """``encodedList``: the bitstring (index 0 is the first byte's most significant bit), GZIP-compressed,
    base64url without padding, multibase prefix ``u``. Deterministic: the GZIP header carries no time."""
    bits = bytearray(size // 8)
    for index in set_indices:
        if not 0 <= index < size:
            raise ValueError(f"index {index} is outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode(encoded: str, *, max_bits: int = 8 * LIST_SIZE) -> bytes:
    """The bitstring of an ``encodedList``, refusing one that inflates past ``max_bits``."""
    if not encoded.startswith("u"):
        raise StatusListError("encodedList is not multibase base64url (it starts with 'u')")
    try:
        compressed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
        decompressor = gzip.GzipFile(fileobj=io.BytesIO(compressed))
        bits = decompressor.read(max_bits // 8 + 1)
    except (ValueError, OSError, EOFError) as error:
        raise StatusListError(f"encodedList is not GZIP in base64url: {error}") from None
    if len(bits) > max_bits // 8:
        raise StatusListError("encodedList inflates past the largest list accepted")
    return bits


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"index {index} is outside the list of {len(bits) * 8} entries")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
