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
    "CREATE INDEX IF NOT EXISTS audit_chain_by_event_hash ON audit_chain (log, event_hash)",
    "CREATE TABLE IF NOT EXISTS audit_checkpoints ("
    " log TEXT NOT NULL, position BIGINT NOT NULL, chain_hash TEXT NOT NULL, signed_at TEXT NOT NULL,"
    " kid TEXT NOT NULL, signature TEXT NOT NULL, PRIMARY KEY (log, position))",
)

PAGE = 500


class Signer(Protocol):
    """The SIVIL key ring's raw signing (``infra.sivil.keys.KeyRing``)."""

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
        self._next_due_check: datetime | None = None
        create_tables(store)

    def step(self) -> None:
        """What the worker runs on each pass (every quarter second when idle): chain what is new, one query per
        log when nothing is; and at most once a minute, see whether a checkpoint is due."""
        self.catch_up()
        now = self.clock()
        if self._next_due_check is None or now >= self._next_due_check:
            self.checkpoint(force=False)
            self._next_due_check = now + min(self.checkpoint_every, timedelta(minutes=1))

    def catch_up(self) -> int:
        """Chains every event not yet chained, in each log; returns how many."""
        return sum(self._catch_up(log) for log in self.logs.values())

    def _catch_up(self, log: EventLog) -> int:
        chained = 0
        known = self._chained.get(log.application)
        if known is not None and known[0] >= (log.recorder.max_notification_id() or 0):
            return 0
        while True:
            # Read from the table, not the cache: another keeper may have chained further (the same rows).
            position, head = chain_head(self.store, log.application)
            self._chained[log.application] = (position, head)
            page = log.recorder.select_notifications(start=position + 1, limit=PAGE)
            if not page:
                return chained
            rows: list[Params] = []
            for n in page:
                hash_ = event_hash(n.originator_id, n.originator_version, n.topic, bytes(n.state))
                head = link(head, n.id, hash_)
                rows.append({"log": log.application, "p": n.id, "e": hash_, "c": head})
            with self.store.transaction() as tx:
                tx.execute_many(
                    "INSERT INTO audit_chain (log, position, event_hash, chain_hash) VALUES (:log, :p, :e, :c) "
                    "ON CONFLICT (log, position) DO NOTHING",
                    rows,
                )
            chained += len(rows)
            self._chained[log.application] = (page[-1].id, head)
            if len(page) < PAGE:
                return chained

    def checkpoint(self, *, force: bool) -> list[Checkpoint]:
        """Signs each log's chain head, if it moved since the last checkpoint and one is due (or ``force``)."""
        now = self.clock()
        written = []
        for log in self.logs:
            position, head = chain_head(self.store, log)
            if position == 0:
                continue
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
                tx.execute(
                    "INSERT INTO audit_checkpoints (log, position, chain_hash, signed_at, kid, signature) "
                    "VALUES (:log, :p, :c, :at, :kid, :sig) ON CONFLICT (log, position) DO NOTHING",
                    {"log": log, "p": position, "c": head, "at": signed_at, "kid": checkpoint.kid, "sig": signature},
                )
            written.append(checkpoint)
        return written
