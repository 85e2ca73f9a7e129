"""Idempotency keys for creating commands (IDEM-1, ``domain.idempotency``): what a command needs to claim a key in
the same save as its record, and to answer a retry from the record as the first call left it."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from domain.audit import Cause
from domain.idempotency import IdempotencyKey, parse_key


@dataclass(frozen=True)
class Keyed:
    """A command called with a key: the claim's id, and what identifies its input."""

    key_id: UUID
    command: str
    digest: str
    cause: Cause

    def claim(self, record: Any) -> IdempotencyKey:
        """The key's claim on ``record``, to save last in the record's own save (its position is the command's)."""
        return IdempotencyKey(
            key_id=self.key_id,
            command=self.command,
            digest=self.digest,
            record_id=record.id,
            record_version=record.version,
            cause=self.cause,
        )


def keyed(key: str | None, cause: Cause, command: str, **inputs: Any) -> Keyed | None:
    """None without a key; else the key (IDEM-1.key) and a digest of the input as parsed, so that two spellings of
    one input (a code in lower case) are one input. The digest is keyed by the client's key, which no event holds:
    an input with personal data in it stays in the log after the person's erasure (UU PDP), and a plain hash would
    let anyone who reads the log confirm a guess of it."""
    if key is None:
        return None
    secret = parse_key(key)
    text = json.dumps(inputs, sort_keys=True, default=_plain, separators=(",", ":"))
    return Keyed(
        key_id=IdempotencyKey.key_id(cause.actor, secret),
        command=command,
        digest=hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest(),
        cause=cause,
    )


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime | Decimal | UUID):
        return str(value)
    if isinstance(value, tuple | frozenset | set):
        return sorted(value, key=repr) if isinstance(value, frozenset | set) else list(value)
    raise TypeError(f"no plain form for {type(value).__name__}")
