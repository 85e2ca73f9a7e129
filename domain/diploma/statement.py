"""The signed verification statement of SIVIL (PIN-7): its canonical JSON and its token, whoever signs it.

A statement says what SIVIL showed for one diploma at one instant. It is canonical JSON (keys sorted, no
spaces, UTF-8) signed with Ed25519; its token, carried by the QR code and embedded in the PDF, is

    base64url(canonical JSON) "." base64url(signature)        (no padding)

Keys of the canonical JSON: ``v`` (format version, 1), ``u`` / ``un`` (university code / name), ``p`` / ``pn``
(prodi code / programme name), ``lvl``, ``n`` (NINA), ``nim``, ``name``, ``grad`` (graduation date), ``st``
(status category), ``sd`` (status date), ``at`` (verification instant, UTC, ``YYYY-MM-DDTHH:MM:SSZ``) and
``kid``.

The format is pure: :func:`sign` and :func:`verify` take a :class:`Signer` / :class:`SignatureChecker`, like
``domain.personal.Sealer``. The Ed25519 key ring that implements them (key ids, rotation, the key set published
at :data:`WELL_KNOWN_KEYS_PATH`) is ``infra/documents/key_ring.py``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

WELL_KNOWN_KEYS_PATH = "/.well-known/sivil-keys.json"
FORMAT_VERSION = 1
# A token is usually about 600 characters and asked about in a URL (/sivil/status), whose request line HTTP servers
# bound (this server: 16 KiB for the whole head, infra/http_protocol.py); refuse to parse anything larger there.
MAX_TOKEN_LENGTH = 12_000
# A token read from a PDF carries names whole, and the names (and NIM) stored before they were bounded can each
# be as long as a request body (256 KiB): such a PDF still verifies offline.
MAX_DOCUMENT_TOKEN_LENGTH = 2 * 1024 * 1024


class StatementRejected(ValueError):
    """A token or key set that cannot be trusted; the message names why."""


class MalformedStatement(StatementRejected):
    pass


class UnknownKey(StatementRejected):
    pass


class BadSignature(StatementRejected):
    pass


class Shown(Protocol):
    """What a statement is made of: the SIVIL entry as the public saw it (``projections.sivil.rows.SivilEntry``)."""

    @property
    def university_code(self) -> str: ...
    @property
    def university_name(self) -> str: ...
    @property
    def prodi_code(self) -> str: ...
    @property
    def programme_name(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def nina(self) -> str: ...
    @property
    def nim(self) -> str: ...
    @property
    def full_name(self) -> str: ...
    @property
    def graduation_date(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def status_date(self) -> str: ...


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
    def of(cls, entry: Shown, *, verified_at: datetime, kid: str) -> Statement:
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


class Signer(Protocol):
    """Signs the canonical JSON of statements with its active key (``infra.documents.key_ring.KeyRing``)."""

    @property
    def active_kid(self) -> str: ...

    def sign_payload(self, payload: bytes) -> bytes: ...


class SignatureChecker(Protocol):
    """Checks a signature with the key a statement names: :class:`UnknownKey` or :class:`BadSignature` if not."""

    def check_signature(self, kid: str, payload: bytes, signature: bytes) -> None: ...


class StatementKeys(Signer, SignatureChecker, Protocol):
    """The keys of SIVIL as the API sees them: it signs, verifies, and publishes the public halves."""

    def sign(self, statement: Statement) -> str: ...

    def verify(self, token: str, *, max_length: int = ...) -> Statement: ...

    def published(self) -> dict[str, list[dict[str, str]]]: ...


def sign(statement: Statement, signer: Signer) -> str:
    """The token: base64url(canonical JSON) "." base64url(signature)."""
    if statement.kid != signer.active_kid:
        raise ValueError(f"the statement names key {statement.kid}, the active key is {signer.active_kid}")
    payload = statement.canonical_json()
    return f"{b64(payload)}.{b64(signer.sign_payload(payload))}"


def verify(token: str, checker: SignatureChecker, *, max_length: int = MAX_TOKEN_LENGTH) -> Statement:
    """The statement a token carries, or :class:`StatementRejected` naming why not."""
    if len(token) > max_length:
        raise MalformedStatement("malformed statement: token too long")
    payload_part, dot, signature_part = token.strip().partition(".")
    if not dot or "." in signature_part:
        raise MalformedStatement("malformed statement: expected two base64url parts separated by one dot")
    payload, signature = unb64(payload_part), unb64(signature_part)
    statement = Statement.from_canonical_json(payload)
    checker.check_signature(statement.kid, payload, signature)
    return statement


def _canonical(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _utc_seconds(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("the verification instant must be timezone-aware")
    return instant.astimezone(UTC).replace(microsecond=0)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str, what: str = "statement") -> bytes:
    """Strict base64url: the alphabet only, no padding, and only the one spelling of each byte string."""
    if not text or any(char not in _B64URL for char in text):
        raise MalformedStatement(f"malformed {what}: not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise MalformedStatement(f"malformed {what}: not base64url") from None
    if b64(data) != text:
        raise MalformedStatement(f"malformed {what}: not canonical base64url")
    return data


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
