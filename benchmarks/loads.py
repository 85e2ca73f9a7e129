"""Loading an aggregate with a long history: a NINA sequence after 1,000 NINAs, against one after 10.

Target (issue 8): flat in history length. The raw baseline is a SELECT of as many rows as the history has.
"""

from __future__ import annotations

import time
from uuid import UUID

from application.diploma.diplomas import Diplomas
from benchmarks import raw
from benchmarks.cohort import OPERATOR, UNIVERSITY
from benchmarks.figures import Figure, median
from benchmarks.stores import container, fresh
from domain.diploma.numbering import NINASequence

LOADS = 50


def sequence_with(app: Diplomas, prodi: str, claims: int) -> UUID:
    """A sequence that has handed out ``claims`` numbers, each saved as the command saves it."""
    sequence = NINASequence(university_code=UNIVERSITY, prodi_code=prodi, year=2024, cause=OPERATOR)
    app.commit(sequence)
    for _ in range(claims):
        sequence.claim_next(OPERATOR)
        app.commit(sequence)
    return sequence.id


def load_seconds(app: Diplomas, aggregate_id: UUID) -> float:
    timings = []
    for _ in range(LOADS):
        start = time.perf_counter()
        app.repository.get(aggregate_id)
        timings.append(time.perf_counter() - start)
    return median(timings)


def measure(store: str, history: int, repeats: int) -> list[Figure]:
    long_runs, short_runs, raw_runs = [], [], []
    for _ in range(repeats):
        with fresh(store) as place:
            raw_runs.append(raw.select_rows(place, history, LOADS))
            with container(place) as built:
                app = built.services.diploma.commands
                short = sequence_with(app, "55201", 10)
                long = sequence_with(app, "55202", history)
                short_runs.append(load_seconds(app, short))
                long_runs.append(load_seconds(app, long))
    long_ms, short_ms, raw_ms = (median(r) * 1000 for r in (long_runs, short_runs, raw_runs))
    return [
        Figure(
            measure=f"load a NINA sequence with {history} events",
            key="loads",
            store=store,
            value=long_ms,
            unit="ms",
            baseline=raw_ms,
            baseline_what=f"raw SELECT of {history} rows, ms",
            target="flat in history length",
            met=long_ms <= 1.5 * short_ms,
            details={"load_10_events_ms": short_ms, f"load_{history}_events_ms": long_ms, "raw_select_ms": raw_ms},
        )
    ]
