"""The signed verification statement of SIVIL (PIN-7) and the keys that sign it.

A statement says what SIVIL showed for one diploma at one instant. It is canonical JSON (keys sorted, no
spaces, UTF-8) signed with Ed25519; its token, carried by the QR code and embedded in the PDF, is

    base64url(canonical JSON) "." base64url(signature)        (no padding)

Keys of the canonical JSON: ``v`` (format version, 1), ``u`` / ``un`` (university code / name), ``p`` / ``pn``
(prodi code / programme name), ``lvl``, ``n`` (NINA), ``nim``, ``name``, ``grad`` (graduation date), ``st``
(status category), ``sd`` (status date), ``at`` (verification instant, UTC, ``YYYY-MM-DDTHH:MM:SSZ``) and
``kid``.

A key id (kid) is the hex of the first 8 bytes of SHA-256 over the raw 32-byte public key. A :class:`KeyRing`
holds one active signing key and any number of retired keys (public halves suffice). Statements signed with a
retired key still verify, so rotating keys never breaks an old PDF: :meth:`KeyRing.published` is the JSON
served at :data:`WELL_KNOWN_KEYS_PATH`, and :meth:`KeyRing.from_published` rebuilds a ring from it for offline
verification.

Setting ``KREDENSIAL_SIVIL_SIGNING_KEYS``: a comma-separated list of hex-encoded 32-byte Ed25519 private seeds
(64 hex digits each); the first is the active key, the others are retired keys still accepted for verifying.
To rotate, put a new seed first and keep the old ones after it. :func:`new_seed_hex` makes a seed;
:meth:`KeyRing.from_setting` reads the setting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from projections.sivil.rows import SivilEntry

WELL_KNOWN_KEYS_PATH = "/.well-known/sivil-keys.json"
FORMAT_VERSION = 1
# A token is usually about 600 characters and asked about in a URL (/sivil/status), whose request line HTTP servers
# bound (uvicorn's h11: 16 KiB for the whole head); refuse to parse anything larger there.
MAX_TOKEN_LENGTH = 12_000
# A token read from a PDF carries names whole, and the names (and NIM) stored before they were bounded can each
# be as long as a request body (256 KiB): such a PDF still verifies offline.
MAX_DOCUMENT_TOKEN_LENGTH = 2 * 1024 * 1024

KeyStatus = Literal["active", "retired"]


class StatementRejected(ValueError):
    """A token or key set that cannot be trusted; the message names why."""


class MalformedStatement(StatementRejected):
    pass


class UnknownKey(StatementRejected):
    pass


class BadSignature(StatementRejected):
    pass


@dataclass(frozen=True)
class Statement:
    """What SIVIL showed for one diploma at one instant (PIN-7)."""

    university_code: str
    university_name: str
    prodi_code: str
    programme_name: str
    level: str
    nina: str
    nim: str
    full_name: str
    graduation_date: str
    status: str
    status_date: str
    verified_at: datetime
    kid: str

    @classmethod
    def of(cls, entry: SivilEntry, *, verified_at: datetime, kid: str) -> Statement:
        return cls(
            university_code=entry.university_code,
            university_name=entry.university_name,
            prodi_code=entry.prodi_code,
            programme_name=entry.programme_name,
            level=entry.level,
            nina=entry.nina,
            nim=entry.nim,
            full_name=entry.full_name,
            graduation_date=entry.graduation_date,
            status=entry.status,
            status_date=entry.status_date,
            verified_at=_utc_seconds(verified_at),
            kid=kid,
        )

    def canonical_json(self) -> bytes:
        fields = {key: getattr(self, attribute) for key, attribute in _FIELDS.items()}
        fields["at"] = _utc_seconds(self.verified_at).strftime("%Y-%m-%dT%H:%M:%SZ")
        fields["v"] = FORMAT_VERSION
        return _canonical(fields)

    @classmethod
    def from_canonical_json(cls, payload: bytes) -> Statement:
        try:
            fields = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise MalformedStatement(f"malformed statement: not UTF-8 JSON ({error})") from None
        if not isinstance(fields, dict):
            raise MalformedStatement("malformed statement: not a JSON object")
        if fields.get("v") != FORMAT_VERSION:
            raise MalformedStatement(f"malformed statement: unsupported version {fields.get('v')!r}")
        expected = {*_FIELDS, "at", "v"}
        if set(fields) != expected:
            missing, extra = sorted(expected - set(fields)), sorted(set(fields) - expected)
            raise MalformedStatement(f"malformed statement: missing {missing}, unexpected {extra}")
        wrong = sorted(key for key in (*_FIELDS, "at") if not isinstance(fields[key], str))
        if wrong:
            raise MalformedStatement(f"malformed statement: {', '.join(wrong)} must be text")
        try:
            verified_at = datetime.strptime(fields["at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            raise MalformedStatement(f"malformed statement: 'at' is not a UTC instant: {fields['at']!r}") from None
        statement = cls(**{attribute: fields[key] for key, attribute in _FIELDS.items()}, verified_at=verified_at)
        if statement.canonical_json() != payload:
            raise MalformedStatement("malformed statement: the JSON is not in canonical form")
        return statement


_FIELDS = {  # JSON key -> attribute; short keys keep the QR code small
    "u": "university_code",
    "un": "university_name",
    "p": "prodi_code",
    "pn": "programme_name",
    "lvl": "level",
    "n": "nina",
    "nim": "nim",
    "name": "full_name",
    "grad": "graduation_date",
    "st": "status",
    "sd": "status_date",
    "kid": "kid",
}


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

    def sign(self, statement: Statement) -> str:
        if statement.kid != self.active_kid:
            raise ValueError(f"the statement names key {statement.kid}, the active key is {self.active_kid}")
        payload = statement.canonical_json()
        return f"{_b64(payload)}.{_b64(self.signing_key.sign(payload))}"

    def verify(self, token: str, *, max_length: int = MAX_TOKEN_LENGTH) -> Statement:
        """The statement a token carries, or :class:`StatementRejected` naming why not."""
        if len(token) > max_length:
            raise MalformedStatement("malformed statement: token too long")
        payload_part, dot, signature_part = token.strip().partition(".")
        if not dot or "." in signature_part:
            raise MalformedStatement("malformed statement: expected two base64url parts separated by one dot")
        payload, signature = _unb64(payload_part), _unb64(signature_part)
        statement = Statement.from_canonical_json(payload)
        key = self.public_key(statement.kid)
        try:
            key.key.verify(signature, payload)
        except InvalidSignature:
            raise BadSignature(f"bad signature: the statement was not signed by key {key.kid}") from None
        return statement

    def published(self) -> dict[str, list[dict[str, str]]]:
        """The public keys, active first, as served at :data:`WELL_KNOWN_KEYS_PATH`."""
        ordered = sorted(self._keys.values(), key=lambda key: key.status != "active")
        return {
            "keys": [
                {"kid": key.kid, "alg": "Ed25519", "public_key": _b64(key.raw), "status": key.status} for key in ordered
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
    raw = _unb64(str(entry.get("public_key", "")), "key set")
    if len(raw) != 32:
        raise MalformedStatement("malformed key set: an Ed25519 public key is 32 bytes")
    key = Ed25519PublicKey.from_public_bytes(raw)
    if kid_of(key) != entry.get("kid"):
        raise MalformedStatement(f"malformed key set: key id {entry.get('kid')!r} does not match its public key")
    return PublicKey(kid_of(key), key, status)


def _canonical(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _utc_seconds(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("the verification instant must be timezone-aware")
    return instant.astimezone(UTC).replace(microsecond=0)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str, what: str = "statement") -> bytes:
    """Strict base64url: the alphabet only, no padding, and only the one spelling of each byte string."""
    if not text or any(char not in _B64URL for char in text):
        raise MalformedStatement(f"malformed {what}: not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise MalformedStatement(f"malformed {what}: not base64url") from None
    if _b64(data) != text:
        raise MalformedStatement(f"malformed {what}: not canonical base64url")
    return data


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
