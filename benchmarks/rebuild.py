"""Rebuilding a read model over a long log: speed and peak memory (the rebuilding process's own VmHWM), at the
full size and at a tenth of it, or 50,000 events if more. Target (issue 8): memory flat in log size (the worker
reads the log in batches and keeps nothing per event)."""

from __future__ import annotations

import json
import subprocess
import sys

from benchmarks.cohort import eligible_cohort
from benchmarks.figures import Figure
from benchmarks.sivil import environment
from benchmarks.stores import container, fresh

EVENTS_PER_STUDENT = 9  # registered, and 8 semester reports
READ_MODEL = "eligibility"  # the one with the most rows: a row per student and one per report


def rebuilt(store: str, events: int) -> dict[str, float]:
    with fresh(store) as place:
        with container(place) as built:
            eligible_cohort(built.services.diploma.commands, max(1, events // EVENTS_PER_STUDENT))
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.rebuild_child", READ_MODEL],
            env=environment(place),
            check=True,
            capture_output=True,
            text=True,
        )
    result: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def measure(store: str, events: int) -> list[Figure]:
    small, large = rebuilt(store, max(events // 10, 50_000)), rebuilt(store, events)
    growth = large["peak_rss_mb"] / small["peak_rss_mb"]
    return [
        Figure(
            measure=f"rebuild {READ_MODEL} over {int(large['events']):,} events: peak RSS",
            key="rebuild_memory",
            store=store,
            value=large["peak_rss_mb"],
            unit="MB",
            baseline=small["peak_rss_mb"],
            baseline_what=f"peak RSS over {int(small['events']):,} events, MB",
            target="flat: <= 1.25x the tenth-size rebuild",
            met=growth <= 1.25,
            details={
                "events_per_s": large["events_per_s"],
                "seconds": large["seconds"],
                "small_events_per_s": small["events_per_s"],
            },
        )
    ]
