"""A client's idempotency key for a creating command (issue 27, defect 9): a retry answers the first result.

Rule IDEM-1 (common to every context): a caller may send a key with a command that creates a record; the same
caller's same key with the same input answers what the first call created, and with another input (or another
command) is refused (``IDEM-1.reused``) and changes nothing. A key is the caller's own: the id of its claim is made
of the caller (role, institution, id) and the key, so one person's key never reaches another's record.

The claim is a small aggregate with a deterministic id, saved in the same ``save()`` as the record it names (as
``domain.diploma.numbering`` claims a NINA): of concurrent calls with one key exactly one commits, and the others,
rerun, find its claim.
"""

from __future__ import annotations

import json
import re
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Actor, Cause
from domain.errors import violation

RULE = "IDEM-1"
FIELD = "Idempotency-Key"  # the HTTP header that carries it
MAX_KEY_CHARS = 255
_KEY = re.compile(r"[\x21-\x7e]+")  # visible ASCII: a UUID, a ULID, a client's own token


def parse_key(text: str) -> str:
    if len(text) > MAX_KEY_CHARS or not _KEY.fullmatch(text):
        raise violation(f"{RULE}.key", FIELD, f"a key is 1 to {MAX_KEY_CHARS} visible ASCII characters")
    return text


class IdempotencyKey(Aggregate):
    """One caller's key, the command and input it came with, and the record that command created."""

    class Claimed(Aggregate.Created):
        key_id: UUID  # ``key_id(caller, key)``: the claim's own id
        command: str
        digest: str  # HMAC-SHA-256 of the input as parsed, keyed by the key itself, which is in no event
        record_id: UUID
        record_version: int  # the record as the first call left it: a retry answers from that version
        cause: Cause

    @event(Claimed)
    def __init__(
        self, key_id: UUID, command: str, digest: str, record_id: UUID, record_version: int, cause: Cause
    ) -> None:
        self.command = command
        self.digest = digest
        self.record_id = record_id
        self.record_version = record_version

    @staticmethod
    def create_id(key_id: UUID) -> UUID:
        return key_id

    @staticmethod
    def key_id(actor: Actor, key: str) -> UUID:
        """The claim's id: made of the caller and their key, never of the input."""
        owner = json.dumps([actor.role.value, actor.institution, actor.id, key])
        return uuid5(NAMESPACE_URL, f"/idempotency-keys/{owner}")

    def check(self, command: str, digest: str) -> None:
        """IDEM-1.reused: a key answers again only the command and input it first came with."""
        if (command, digest) != (self.command, self.digest):
            raise violation(
                f"{RULE}.reused", FIELD, f"this key was already used for another {self.command} or another input"
            )
