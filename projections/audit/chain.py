"""The chain keeper (issue 12, item 3): links each log's new events into its hash chain and signs checkpoints.

It follows the logs as a projection does, but it is no projection: it reads stored bytes, not events (an event
no projection can decode is chained all the same), it never skips, and it is never rebuilt from the log, since
a chain rebuilt from a tampered log would bless the tampering. Two keepers at once compute the same links, so
a row written twice is the same row (``ON CONFLICT DO NOTHING``) and the second keeper's batch is simply redone.

A checkpoint is the chain's hash at a position, signed with the active SIVIL key (Ed25519) and published at
``/audit/checkpoints``: one held outside this database shows a log and chain rewritten together.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from domain.audit.chain import GENESIS, Head, event_hash, link
from projections.store import Params, ReadStore, Transaction, one
from projections.worker import EventLog

DDL = (
    "CREATE TABLE IF NOT EXISTS audit_chain ("
    " log TEXT NOT NULL, position BIGINT NOT NULL, event_hash TEXT NOT NULL, chain_hash TEXT NOT NULL,"
    " PRIMARY KEY (log, position))",
    # No index on the event hashes (issue 35): the keeper's writes come in random hash order, which made that index
    # two thirds of the chain's write cost and, after each checkpoint, a full page image in the WAL for nearly
    # every event chained; only ``audit verify`` looks a hash up, and only for an event it already found tampered
    # with (projections/audit/verify.py). Dropped where an earlier version made it.
    "DROP INDEX IF EXISTS audit_chain_by_event_hash",
    "CREATE TABLE IF NOT EXISTS audit_checkpoints ("
    " log TEXT NOT NULL, position BIGINT NOT NULL, chain_hash TEXT NOT NULL, signed_at TEXT NOT NULL,"
    " kid TEXT NOT NULL, signature TEXT NOT NULL, PRIMARY KEY (log, position))",
)

PAGE = 500

logger = logging.getLogger(__name__)


class Signer(Protocol):
    """The SIVIL key ring's raw signing (``infra.documents.key_ring.KeyRing``)."""

    @property
    def active_kid(self) -> str: ...

    def sign_payload(self, payload: bytes) -> bytes: ...

    def check_signature(self, kid: str, payload: bytes, signature: bytes) -> None:
        """Raises when the signature is not the key's over the payload, or the key is unknown."""
        ...


@dataclass(frozen=True)
class Checkpoint:
    log: str
    position: int
    chain_hash: str
    signed_at: str
    kid: str
    signature: str  # base64url, unpadded

    def payload(self) -> bytes:
        return checkpoint_payload(self.log, self.position, self.chain_hash, self.signed_at)

    def as_json(self) -> dict[str, object]:
        return {
            "log": self.log,
            "position": self.position,
            "chainHash": self.chain_hash,
            "signedAt": self.signed_at,
            "kid": self.kid,
            "signature": self.signature,
        }

    def checked(self, keys: Signer) -> Head | None:
        """The head it vouches for, or None when its signature does not hold."""
        try:
            keys.check_signature(self.kid, self.payload(), unb64(self.signature))
        except Exception:
            return None
        return Head(self.position, self.chain_hash)


def checkpoint_payload(log: str, position: int, chain_hash: str, signed_at: str) -> bytes:
    """The exact bytes signed: canonical JSON, so anyone can recompute them from a published checkpoint."""
    body = {
        "kind": "kredensial-audit-checkpoint",
        "log": log,
        "position": position,
        "chainHash": chain_hash,
        "signedAt": signed_at,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def create_tables(store: ReadStore) -> None:
    with store.transaction() as tx:
        for statement in DDL:
            tx.execute(statement)


def chain_head(store: ReadStore | Transaction, log: str) -> tuple[int, str]:
    row = one(
        store.query(
            "SELECT position, chain_hash FROM audit_chain WHERE log = :log ORDER BY position DESC LIMIT 1",
            {"log": log},
        )
    )
    return (int(row["position"]), str(row["chain_hash"])) if row else (0, GENESIS)


def checkpoints(
    store: ReadStore, log: str | None = None, *, after: int = 0, limit: int | None = None
) -> list[Checkpoint]:
    """Signed checkpoints in (log, position) order; of one log after a position, at most ``limit``."""
    where = " WHERE log = :log AND position > :after" if log else ""
    rows = store.query(
        "SELECT log, position, chain_hash, signed_at, kid, signature FROM audit_checkpoints"
        + where
        + " ORDER BY log, position"
        + (" LIMIT :limit" if limit else ""),
        {"log": log, "after": after, "limit": limit},
    )
    return [
        Checkpoint(r["log"], int(r["position"]), r["chain_hash"], r["signed_at"], r["kid"], r["signature"])
        for r in rows
    ]


class ChainKeeper:
    def __init__(
        self,
        logs: Sequence[EventLog],
        store: ReadStore,
        keys: Signer,
        clock: Callable[[], datetime],
        checkpoint_every: timedelta,
    ) -> None:
        self.logs = {log.application: log for log in logs}
        self.store = store
        self.keys = keys
        self.clock = clock
        self.checkpoint_every = checkpoint_every
        self._chained: dict[str, tuple[int, str]] = {}  # what this keeper last chained or read, per log
        self.halted: dict[str, str] = {}  # logs whose chain was found cut off or rewritten: neither chained nor signed
        self._next_due_check: datetime | None = None
        create_tables(store)

    def step(self) -> None:
        """What the worker runs on each pass (every quarter second when idle): chain what is new, one query per
        log when nothing is; and at most once a minute, see whether a checkpoint is due."""
        self.catch_up(max_pages=20)
        now = self.clock()
        if self._next_due_check is None or now >= self._next_due_check:
            self.checkpoint(force=False)
            self._next_due_check = now + min(self.checkpoint_every, timedelta(minutes=1))

    def catch_up(self, max_pages: int | None = None) -> int:
        """Chains what is not yet chained in each log, at most ``max_pages`` pages of each (the worker chains a
        long backlog a few pages per pass, so the projections beside it are not held up); returns how many."""
        return sum(self._catch_up(log, max_pages) for log in self.logs.values() if log.application not in self.halted)

    def _catch_up(self, log: EventLog, max_pages: int | None) -> int:
        name = log.application
        chained, pages = 0, 0
        known = self._chained.get(name)
        if known is not None and known[0] >= (log.recorder.max_notification_id() or 0):
            return 0
        while max_pages is None or pages < max_pages:
            # From the table, not the cache: another keeper may have chained further (the same rows). But never
            # back: a head below what was chained, or at another hash, is the chain's tail cut off or rewritten,
            # and chaining on would bless whatever the log now holds there.
            position, head = chain_head(self.store, name)
            if not self._trusted(name, position, head):
                return chained
            page = log.recorder.select_notifications(start=position + 1, limit=PAGE)
            if not page:
                return chained
            rows: list[Params] = []
            for n in page:
                hash_ = event_hash(n.originator_id, n.originator_version, n.topic, bytes(n.state))
                head = link(head, n.id, hash_)
                rows.append({"log": name, "p": n.id, "e": hash_, "c": head})
            with self.store.transaction() as tx:
                tx.execute_many(
                    "INSERT INTO audit_chain (log, position, event_hash, chain_hash) VALUES (:log, :p, :e, :c) "
                    "ON CONFLICT (log, position) DO NOTHING",
                    rows,
                )
            chained, pages = chained + len(rows), pages + 1
            self._chained[name] = (page[-1].id, head)
            if len(page) < PAGE:
                return chained
        return chained

    def _trusted(self, log: str, position: int, head: str) -> bool:
        """Whether the chain's head in the table is one this keeper can extend; halts the log's chaining if not."""
        known = self._chained.get(log)
        if known is None:  # first look since start: the table must reach the last signed checkpoint
            signed = checkpoints(self.store, log)
            reason = (
                f"the chain ends at {position}, below its signed checkpoint at {signed[-1].position}"
                if signed and signed[-1].position > position
                else None
            )
        elif position < known[0]:
            reason = f"the chain's head went back from {known[0]} to {position}"
        elif position == known[0] and head != known[1]:
            reason = f"the chain's hash at {position} changed"
        else:
            reason = None
        if reason is not None:
            self.halted[log] = reason
            logger.error("audit chain of %s halted: %s; run kredensial audit verify", log, reason)
            return False
        self._chained[log] = (position, head)
        return True

    def checkpoint(self, *, force: bool) -> list[Checkpoint]:
        """Signs each log's chain head, if it moved since the last checkpoint and one is due (or ``force``)."""
        now = self.clock()
        written = []
        for log in self.logs:
            position, head = chain_head(self.store, log)
            if position == 0 or log in self.halted or self._chained.get(log) != (position, head):
                continue  # only a head this keeper chained or checked itself is signed
            last = one(
                self.store.query(
                    "SELECT position, signed_at FROM audit_checkpoints WHERE log = :log ORDER BY position DESC LIMIT 1",
                    {"log": log},
                )
            )
            if last is not None and int(last["position"]) >= position:
                continue
            if (
                not force
                and last is not None
                and now - datetime.fromisoformat(last["signed_at"]) < self.checkpoint_every
            ):
                continue
            signed_at = now.isoformat()
            signature = b64(self.keys.sign_payload(checkpoint_payload(log, position, head, signed_at)))
            checkpoint = Checkpoint(log, position, head, signed_at, self.keys.active_kid, signature)
            with self.store.transaction() as tx:
                stored = tx.execute(
                    "INSERT INTO audit_checkpoints (log, position, chain_hash, signed_at, kid, signature) "
                    "VALUES (:log, :p, :c, :at, :kid, :sig) ON CONFLICT (log, position) DO NOTHING",
                    {"log": log, "p": position, "c": head, "at": signed_at, "kid": checkpoint.kid, "sig": signature},
                )
            if stored:  # another keeper may have signed this position first: its checkpoint stands
                written.append(checkpoint)
        return written
