"""The Ed25519 keys that sign SIVIL statements (PIN-7): one active key and the retired ones that still verify.

A key id (kid) is the hex of the first 8 bytes of SHA-256 over the raw 32-byte public key. A :class:`KeyRing`
holds one active signing key and any number of retired keys (public halves suffice). Statements signed with a
retired key still verify, so rotating keys never breaks an old PDF: :meth:`KeyRing.published` is the JSON
served at :data:`~domain.diploma.statement.WELL_KNOWN_KEYS_PATH`, and :meth:`KeyRing.from_published` rebuilds a
ring from it for offline verification. The statement's format itself is ``domain/diploma/statement.py``.

Setting ``KREDENSIAL_SIVIL_SIGNING_KEYS``: a comma-separated list of hex-encoded 32-byte Ed25519 private seeds
(64 hex digits each); the first is the active key, the others are retired keys still accepted for verifying.
To rotate, put a new seed first and keep the old ones after it. :func:`new_seed_hex` makes a seed;
:meth:`KeyRing.from_setting` reads the setting.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domain.diploma import statement as format_
from domain.diploma.statement import (
    MAX_TOKEN_LENGTH,
    BadSignature,
    MalformedStatement,
    Statement,
    UnknownKey,
    b64,
    unb64,
)

KeyStatus = Literal["active", "retired"]


@dataclass(frozen=True)
class PublicKey:
    kid: str
    key: Ed25519PublicKey
    status: KeyStatus

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(Encoding.Raw, PublicFormat.Raw)


class KeyRing:
    """One active Ed25519 signing key and the retired keys whose statements still verify."""

    def __init__(self, keys: Sequence[PublicKey], *, signing_key: Ed25519PrivateKey | None = None) -> None:
        by_kid = {key.kid: key for key in keys}
        if len(by_kid) != len(keys):
            raise MalformedStatement("malformed key set: a key id appears twice")
        active = [key for key in keys if key.status == "active"]
        if len(active) > 1:
            raise MalformedStatement("malformed key set: more than one active key")
        if signing_key is not None and (not active or active[0].kid != kid_of(signing_key.public_key())):
            raise ValueError("the signing key must be the active key of the ring")
        self._keys = by_kid
        self._active = active[0] if active else None
        self._signing_key = signing_key

    @classmethod
    def from_seeds(cls, seeds: Sequence[bytes]) -> KeyRing:
        """First seed active, the rest retired; each a 32-byte Ed25519 private seed."""
        if not seeds:
            raise ValueError("at least one signing key seed is needed")
        if any(len(seed) != 32 for seed in seeds):
            raise ValueError("an Ed25519 seed is 32 bytes")
        private = [Ed25519PrivateKey.from_private_bytes(seed) for seed in seeds]
        keys = [
            PublicKey(kid_of(key.public_key()), key.public_key(), "active" if index == 0 else "retired")
            for index, key in enumerate(private)
        ]
        return cls(keys, signing_key=private[0])

    @classmethod
    def from_setting(cls, text: str) -> KeyRing:
        """``KREDENSIAL_SIVIL_SIGNING_KEYS``: comma-separated hex seeds, first active (see the module docstring)."""
        parts = [part.strip() for part in text.split(",") if part.strip()]
        try:
            seeds = [bytes.fromhex(part) for part in parts]
        except ValueError:
            raise ValueError("KREDENSIAL_SIVIL_SIGNING_KEYS: each key is 64 hex digits, separated by commas") from None
        if not seeds or any(len(seed) != 32 for seed in seeds):
            raise ValueError("KREDENSIAL_SIVIL_SIGNING_KEYS: each key is 64 hex digits, separated by commas")
        return cls.from_seeds(seeds)

    @classmethod
    def generate(cls) -> KeyRing:
        return cls.from_seeds([secrets.token_bytes(32)])

    @classmethod
    def from_published(cls, document: str | bytes | Mapping[str, Any]) -> KeyRing:
        """A verify-only ring from the JSON published at the well-known URL."""
        try:
            data = json.loads(document) if isinstance(document, str | bytes) else document
            entries = data["keys"]
        except (ValueError, KeyError, TypeError) as error:
            raise MalformedStatement(f"malformed key set: {error!r}") from None
        if not isinstance(entries, list):
            raise MalformedStatement("malformed key set: 'keys' is not a list")
        return cls([_published_key(entry) for entry in entries])

    def rotated(self, seed: bytes | None = None) -> KeyRing:
        """A ring with a new active key; the current active key becomes retired."""
        new = Ed25519PrivateKey.from_private_bytes(seed if seed is not None else secrets.token_bytes(32))
        keys = [PublicKey(kid_of(new.public_key()), new.public_key(), "active")]
        keys += [PublicKey(key.kid, key.key, "retired") for key in self._keys.values()]
        return KeyRing(keys, signing_key=new)

    @property
    def keys(self) -> tuple[PublicKey, ...]:
        return tuple(self._keys.values())

    @property
    def active_kid(self) -> str:
        if self._active is None:
            raise UnknownKey("this key set has no active key")
        return self._active.kid

    @property
    def signing_key(self) -> Ed25519PrivateKey:
        if self._signing_key is None:
            raise ValueError("this key ring holds public keys only; it cannot sign")
        return self._signing_key

    def public_key(self, kid: str) -> PublicKey:
        try:
            return self._keys[kid]
        except KeyError:
            raise UnknownKey(f"unknown key id {kid!r}: not among the published SIVIL keys") from None

    def sign_payload(self, payload: bytes) -> bytes:
        return self.signing_key.sign(payload)

    def check_signature(self, kid: str, payload: bytes, signature: bytes) -> None:
        key = self.public_key(kid)
        try:
            key.key.verify(signature, payload)
        except InvalidSignature:
            raise BadSignature(f"bad signature: the statement was not signed by key {key.kid}") from None

    def sign(self, statement: Statement) -> str:
        return format_.sign(statement, self)

    def verify(self, token: str, *, max_length: int = MAX_TOKEN_LENGTH) -> Statement:
        """The statement a token carries, or :class:`StatementRejected` naming why not."""
        return format_.verify(token, self, max_length=max_length)

    def published(self) -> dict[str, list[dict[str, str]]]:
        """The public keys, active first, as served at :data:`WELL_KNOWN_KEYS_PATH`."""
        ordered = sorted(self._keys.values(), key=lambda key: key.status != "active")
        return {
            "keys": [
                {"kid": key.kid, "alg": "Ed25519", "public_key": b64(key.raw), "status": key.status} for key in ordered
            ]
        }

    def published_json(self) -> str:
        return json.dumps(self.published(), indent=2)


def kid_of(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).digest()[:8].hex()


def new_seed_hex() -> str:
    """A fresh seed in the form ``KREDENSIAL_SIVIL_SIGNING_KEYS`` takes."""
    return secrets.token_hex(32)


def _published_key(entry: object) -> PublicKey:
    if not isinstance(entry, Mapping):
        raise MalformedStatement("malformed key set: a key is not a JSON object")
    if entry.get("alg") != "Ed25519":
        raise MalformedStatement(f"malformed key set: algorithm {entry.get('alg')!r} is not Ed25519")
    status = entry.get("status")
    if status not in ("active", "retired"):
        raise MalformedStatement(f"malformed key set: status {status!r} is neither active nor retired")
    raw = unb64(str(entry.get("public_key", "")), "key set")
    if len(raw) != 32:
        raise MalformedStatement("malformed key set: an Ed25519 public key is 32 bytes")
    key = Ed25519PublicKey.from_public_bytes(raw)
    if kid_of(key) != entry.get("kid"):
        raise MalformedStatement(f"malformed key set: key id {entry.get('kid')!r} does not match its public key")
    return PublicKey(kid_of(key), key, status)
