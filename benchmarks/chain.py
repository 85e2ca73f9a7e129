"""The audit chain (issue 12): chaining a log and verifying it, in events per second, beside the raw baseline of
reading the same log's rows (``select_notifications``) in the same run. Target: a small multiple of the raw read,
since each event is read once, hashed once and its link written once."""

from __future__ import annotations

import time
import uuid

from eventsourcing.persistence import StoredEvent

from benchmarks.figures import Figure, median
from benchmarks.stores import container, fresh
from projections.audit.chain import PAGE
from projections.audit.verify import verify_logs

STATE = b'{"timestamp":{"_type_":"datetime","_data_":"2026-01-01T00:00:00+00:00"},"x":"' + b"y" * 300 + b'"}'


def _rates(store: str, events: int) -> dict[str, float]:
    with fresh(store) as place, container(place) as built:
        recorder = built.services.applications["diplomas"].recorder
        for _ in range(0, events, 1000):  # raw rows: the chain reads bytes, so any topic and state will do
            recorder.insert_events([StoredEvent(uuid.uuid4(), 1, "domain.bench:Event", STATE) for _ in range(1000)])
        began = time.perf_counter()
        start = 1
        while page := recorder.select_notifications(start=start, limit=PAGE):
            start = page[-1].id + 1
        raw = time.perf_counter() - began
        keeper = built.services.audit.chain
        began = time.perf_counter()
        chained = keeper.catch_up()
        chaining = time.perf_counter() - began
        worker = built.services.worker
        began = time.perf_counter()
        reports = verify_logs(list(worker.logs.values()), worker.store, built.services.audit.keys)
        verifying = time.perf_counter() - began
        assert chained >= events and all(r.intact for r in reports)
        return {"raw_read_per_s": events / raw, "chain_per_s": events / chaining, "verify_per_s": events / verifying}


def measure(store: str, events: int, repeats: int) -> list[Figure]:
    runs = [_rates(store, events) for _ in range(repeats)]
    raw = median([r["raw_read_per_s"] for r in runs])
    figures = []
    for key, what in (("chain_per_s", "chain"), ("verify_per_s", "verify")):
        value = median([r[key] for r in runs])
        figures.append(
            Figure(
                measure=f"audit {what} over {events:,} events",
                store=store,
                value=value,
                unit="events/s",
                baseline=raw,
                baseline_what="raw read of the same rows, events/s",
                target="within 10x of the raw read",
                met=value * 10 >= raw,
                details={"raw_read_per_s": raw, key: value},
            )
        )
    return figures
