"""``kredensial audit verify`` (issue 12, item 3): recompute every log's chain from its stored bytes and report
the first position that was altered, removed, inserted or reordered, and any signed checkpoint that disagrees."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from domain.audit.chain import Finding, Head, Link, Stored, Tamper, event_hash, verify
from projections.audit.chain import PAGE, Signer, chain_head, checkpoints
from projections.store import ReadStore
from projections.worker import EventLog


@dataclass(frozen=True)
class LogReport:
    log: str
    events: int  # events read from the log
    chained_to: int  # the chain's last position when the check began
    checkpoints: int  # signed checkpoints whose signature held
    findings: list[Finding] = field(default_factory=list)
    unchained: int = 0  # events after the chain's last link, not yet chained: not judged

    @property
    def intact(self) -> bool:
        return not self.findings

    def as_json(self) -> dict[str, object]:
        return {
            "log": self.log,
            "events": self.events,
            "chainedTo": self.chained_to,
            "checkpoints": self.checkpoints,
            "unchained": self.unchained,
            "intact": self.intact,
            "findings": [{"position": f.position, "kind": f.kind.value, "detail": f.detail} for f in self.findings],
        }


def verify_logs(
    logs: Sequence[EventLog], store: ReadStore, keys: Signer, *, max_findings: int = 100
) -> list[LogReport]:
    return [_verify_log(log, store, keys, max_findings) for log in logs]


def _verify_log(log: EventLog, store: ReadStore, keys: Signer, max_findings: int) -> LogReport:
    name = log.application
    counted = [0]
    chained_to = chain_head(store, name)[0]  # fixed first: rows a running keeper adds meanwhile are not read
    heads: list[Head] = []
    findings: list[Finding] = []
    for checkpoint in checkpoints(store, name):
        head = checkpoint.checked(keys)
        if head is None:
            findings.append(
                Finding(name, checkpoint.position, Tamper.CHAIN_REWRITTEN, "a checkpoint whose signature does not hold")
            )
        else:
            heads.append(head)

    def locate(hash_: str) -> int | None:  # a scan of the log's chain, once per tampered event (no hash index)
        rows = store.query(
            "SELECT position FROM audit_chain WHERE log = :log AND event_hash = :h ORDER BY position LIMIT 1",
            {"log": name, "h": hash_},
        )
        return int(rows[0]["position"]) if rows else None

    found = verify(name, _stored(log, counted), links(store, name, upto=chained_to), heads, locate)
    findings.extend(islice(found, max_findings))
    findings.sort(key=lambda f: f.position)
    last = log.recorder.max_notification_id() or 0
    unchained = len(log.recorder.select_notifications(start=chained_to + 1, limit=PAGE)) if last > chained_to else 0
    return LogReport(name, counted[0], chained_to, len(heads), findings[:max_findings], unchained)


def _stored(log: EventLog, counted: list[int]) -> Iterator[Stored]:
    start = 1
    while True:
        page = log.recorder.select_notifications(start=start, limit=PAGE)
        for n in page:
            counted[0] += 1
            yield Stored(n.id, event_hash(n.originator_id, n.originator_version, n.topic, bytes(n.state)))
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def links(store: ReadStore, log: str, upto: int = 2**62) -> Iterator[Link]:
    """The chain's rows of one log up to a position, in position order, a page at a time."""
    after = 0
    while True:
        rows = store.query(
            "SELECT position, event_hash, chain_hash FROM audit_chain WHERE log = :log AND position > :after "
            "AND position <= :upto ORDER BY position LIMIT :n",
            {"log": log, "after": after, "upto": upto, "n": PAGE * 2},
        )
        for r in rows:
            yield Link(int(r["position"]), r["event_hash"], r["chain_hash"])
        if len(rows) < PAGE * 2:
            return
        after = int(rows[-1]["position"])
