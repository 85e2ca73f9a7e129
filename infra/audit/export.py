"""``kredensial audit export`` (issue 12, item 2): the event log, or a range of it, as JSON Lines with a manifest.

Each line is one stored event exactly as the store holds it (its state base64-encoded, so the bytes hash as they
did in the chain) with its log, position, time, and its hash and chain hash. The manifest, written beside it as
``<file>.manifest.json``, names the filters, per log the count, first and last position and the chain head,
the file's SHA-256, and is signed with the SIVIL key ring's active key: a copy handed to an outside auditor
can be checked without trusting whoever carried it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Notification

from domain.audit.chain import event_hash
from projections.audit.chain import PAGE, Signer, b64, chain_head
from projections.audit.verify import links
from projections.store import ReadStore
from projections.worker import EventLog

FORMAT = "kredensial-audit-export/1"


@dataclass(frozen=True)
class ExportFilter:
    logs: tuple[str, ...] = ()  # () is every log
    since: datetime | None = None
    until: datetime | None = None
    aggregate_id: UUID | None = None

    @property
    def complete(self) -> bool:
        return not (self.logs or self.since or self.until or self.aggregate_id)

    def as_json(self) -> dict[str, Any]:
        return {
            "logs": list(self.logs),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "aggregateId": str(self.aggregate_id) if self.aggregate_id else None,
        }


def manifest_path(file: Path) -> Path:
    return file.with_name(file.name + ".manifest.json")


def stamped_at(state: bytes) -> datetime | None:
    """The event's own timestamp, read from its stored state (``infra.transcoder``'s datetime form: tagged in the
    first format, plain text in the typed one)."""
    try:
        stamp = orjson.loads(state).get("timestamp")
        if isinstance(stamp, str):
            return datetime.fromisoformat(stamp)
        return datetime.fromisoformat(stamp["_data_"]) if isinstance(stamp, dict) else None
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
        return None  # an event no one can read still exports; only a time filter passes it over


def export(
    logs: Sequence[EventLog], store: ReadStore, keys: Signer, file: Path, wanted: ExportFilter, now: datetime
) -> dict[str, Any]:
    """Writes the lines and the signed manifest; returns the manifest."""
    unknown = set(wanted.logs) - {log.application for log in logs}
    if unknown:
        raise ValueError(f"no such log: {', '.join(sorted(unknown))}")
    digest = hashlib.sha256()
    per_log: dict[str, dict[str, Any]] = {}
    lines = 0
    with file.open("wb") as out:
        for log in logs:
            if wanted.logs and log.application not in wanted.logs:
                continue
            # The heads first, and nothing after them: events appended meanwhile belong to the next export.
            head_position, head = chain_head(store, log.application)
            log_head = log.recorder.max_notification_id() or 0
            chain = links(store, log.application, upto=head_position)
            row = next(chain, None)
            summary: dict[str, Any] = {"count": 0, "first": None, "last": None}
            for n in _notifications(log, log_head):
                while row is not None and row.position < n.id:
                    row = next(chain, None)
                chain_hash = row.chain_hash if row is not None and row.position == n.id else None
                at = stamped_at(bytes(n.state))
                if not _passes(n, at, wanted):
                    continue
                line = orjson.dumps(_line(log.application, n, at, chain_hash)) + b"\n"
                out.write(line)
                digest.update(line)
                lines += 1
                summary["count"] += 1
                summary["first"] = summary["first"] or n.id
                summary["last"] = n.id
            summary["logHead"] = log_head
            summary["chainHead"] = {"position": head_position, "chainHash": head} if head_position else None
            per_log[log.application] = summary
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "exportedAt": now.isoformat(),
        "file": file.name,
        "sha256": digest.hexdigest(),
        "lines": lines,
        "complete": wanted.complete,
        "filters": wanted.as_json(),
        "logs": per_log,
    }
    manifest["kid"] = keys.active_kid
    manifest["signature"] = b64(keys.sign_payload(manifest_payload(manifest)))
    manifest_path(file).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def manifest_payload(manifest: dict[str, Any]) -> bytes:
    """The signed bytes: the manifest without its signature, as canonical JSON."""
    body = {k: v for k, v in manifest.items() if k not in ("kid", "signature")}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _passes(n: Notification, at: datetime | None, wanted: ExportFilter) -> bool:
    if wanted.aggregate_id is not None and n.originator_id != wanted.aggregate_id:
        return False
    if wanted.since is not None and (at is None or at < wanted.since):
        return False
    return not (wanted.until is not None and (at is None or at >= wanted.until))


def _line(log: str, n: Notification, at: datetime | None, chain_hash: str | None) -> dict[str, Any]:
    state = bytes(n.state)
    return {
        "log": log,
        "position": n.id,
        "aggregateId": str(n.originator_id),
        "version": n.originator_version,
        "topic": n.topic,
        "at": at.isoformat() if at else None,
        "state": base64.b64encode(state).decode(),
        "eventHash": event_hash(n.originator_id, n.originator_version, n.topic, state),
        "chainHash": chain_hash,
    }


def _notifications(log: EventLog, stop: int) -> Iterator[Notification]:
    start = 1
    while start <= stop:
        page = log.recorder.select_notifications(start=start, limit=PAGE, stop=stop)
        yield from page
        if len(page) < PAGE:
            return
        start = page[-1].id + 1
