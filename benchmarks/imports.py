"""``import-pddikti`` of a generated cohort: semester reports per second, against raw ``executemany`` inserts of
1,000 rows per transaction (target, issue 8: at least 30 % of raw); then a cold projection worker building every
read model from that log, against a raw SELECT of the log with batched INSERTs (target: at least 40 %).

The import runs as the command line runs it (issue 35): ``--jobs`` the cores, the first part in the importer, each
other in a worker that boots its own runtime (the registry's alone, ``infra.import_worker``, as the command line's
workers do); timed from the importer's runtime built (as the figure before was) to the run's record, the workers'
boots included; each run in a Python process of its own, as the command line's importer is. The import in one
process on a runtime already built is reported in its details, on a second database of the same run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from application.registry.pddikti_import import import_file
from benchmarks import raw
from benchmarks.figures import Figure, median_details
from benchmarks.stores import container, fresh
from domain.audit import Actor, Role
from infra import bulk_import
from infra.bootstrap import Container, bootstrap
from infra.demo_data import write_cohort
from infra.import_worker import import_worker

SYNC = Actor("pddikti-import", Role.PDDIKTI_SYNC, None)


def cohort(directory: Path, students_per_programme: int) -> tuple[Path, int]:
    path = directory / "cohort.jsonl"
    write_cohort(path, universities=4, programmes_per_university=6, students_per_programme=students_per_programme)
    text = path.read_text("utf-8").splitlines()
    reports = sum(1 for line in text if line.startswith("{") and json.loads(line)["kind"] == "semester")
    return path, reports


JOBS = os.cpu_count() or 1


def run_once(store: str, students_per_programme: int) -> dict[str, float]:
    with fresh(store) as place:
        path, reports = cohort(place.directory, students_per_programme)
        lines = sum(1 for line in path.read_text("utf-8").splitlines() if line.startswith("{"))
        baseline = raw.batched_inserts(place, reports)
        built = iter([bootstrap(place.settings())])  # the importer's runtime, built before the clock starts

        def boot() -> Container:  # the importer's, then a new one for each worker (timed: parallelism's cost)
            return next(built, None) or bootstrap(place.settings())

        chosen = place.settings()  # as the command line reads them, before it imports

        start = time.perf_counter()
        result = bulk_import.import_file(boot, path, jobs=JOBS, actor=SYNC, boot_worker=lambda: import_worker(chosen))
        seconds = time.perf_counter() - start
        assert not result.errors, result.errors[:3]
        one_process = _in_one_process(store, path)
        with container(place) as projecting_runtime:
            events = projecting_runtime.services.registry.recorder.max_notification_id() or 0
            start = time.perf_counter()
            projecting_runtime.worker.catch_up()
            projecting = time.perf_counter() - start
        copying = raw.copy_events(place)
    return {
        "reports_per_s": reports / seconds,
        "lines_per_s": lines / seconds,
        "reports": reports,
        "seconds": seconds,
        "jobs": JOBS,
        "one_process_reports_per_s": reports / one_process,
        "baseline_rows_per_s": baseline,
        "events": events,
        "events_per_s": events / projecting,
        "copy_baseline_per_s": copying,
    }


def _in_one_process(store: str, path: Path) -> float:
    """Seconds to import the file in this process on a runtime already built (the figure before issue 35)."""
    with fresh(store) as place, container(place) as built:
        start = time.perf_counter()
        import_file(built.services.registry, path, actor=SYNC)
        return time.perf_counter() - start


def in_own_process(store: str, students_per_programme: int) -> dict[str, float]:
    """``run_once`` in a fresh Python process, as ``import-pddikti`` runs: not in the benchmark's, whose heap the
    earlier benchmarks grew (its workers are forked from the importer)."""
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.imports", store, str(students_per_programme)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def measure(store: str, students_per_programme: int, repeats: int) -> list[Figure]:
    runs = median_details([in_own_process(store, students_per_programme) for _ in range(repeats)])
    value, baseline = runs["reports_per_s"], runs["baseline_rows_per_s"]
    return [
        Figure(
            measure=f"import-pddikti --jobs {int(runs['jobs'])}, {int(runs['reports']):,} semester reports",
            key="import",
            store=store,
            value=value,
            unit="reports/s",
            baseline=baseline,
            baseline_what="executemany rows/s, 1,000 per txn",
            target=">= 30 % of raw",
            met=value / baseline >= 0.3,
            details={
                k: runs[k]
                for k in (
                    "reports_per_s",
                    "lines_per_s",
                    "reports",
                    "seconds",
                    "jobs",
                    "one_process_reports_per_s",
                    "baseline_rows_per_s",
                )
            },
        ),
        Figure(
            measure=f"cold projection worker, all read models, {int(runs['events']):,} events",
            key="catch_up",
            store=store,
            value=runs["events_per_s"],
            unit="events/s",
            baseline=runs["copy_baseline_per_s"],
            baseline_what="SELECT + batched INSERT events/s",
            target=">= 40 % of raw",
            met=runs["events_per_s"] / runs["copy_baseline_per_s"] >= 0.4,
            details={k: runs[k] for k in ("events", "events_per_s", "copy_baseline_per_s")},
        ),
    ]


if __name__ == "__main__":  # the child of ``in_own_process``: prints the run's figures as JSON
    print(json.dumps(run_once(sys.argv[1], int(sys.argv[2]))))
