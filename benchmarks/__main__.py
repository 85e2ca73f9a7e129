"""``./run bench [--quick] [--stores sqlite,postgres] [--only WORD,...] [--repeats N] [--out DIR]``

Runs every benchmark on each store, each figure beside its raw baseline from the same run, repeated and
reported as medians; prints every figure, then issue 35's figures with their targets and a pass column
(benchmarks/targets.py), and writes ``results.json`` (and ``results.png`` where matplotlib is installed) under
``--out``. A benchmark that fails is reported and the others still run: its figures read "not measured".
"""

from __future__ import annotations

import argparse
import logging
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from benchmarks import (
    api_reservations,
    chain,
    concurrent_reservations,
    imports,
    loads,
    rebuild,
    report,
    reservations,
    sivil,
)
from benchmarks.figures import Figure
from benchmarks.stores import STORES
from benchmarks.targets import ISSUE_35

FULL_RUN_MINUTES = 15  # issue 35, item 7: the full run (both stores, three repeats) fits this

FULL = {
    "reservations": 2000,
    "api_reservations": 1000,
    "concurrent_reservations": 1600,  # 100 for each of 16 callers
    "history": 1000,
    "students_per_programme": 680,  # about 100,000 semester reports
    "lookups": 500,
    "rebuild_events": 1_000_000,
    "chain_events": 200_000,
}  # about 100,000 reports
QUICK = {
    "reservations": 300,
    "api_reservations": 300,
    "concurrent_reservations": 480,
    "history": 300,
    "students_per_programme": 40,
    "lookups": 200,
    "rebuild_events": 100_000,
    "chain_events": 20_000,
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="./run bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one repeat: a minute or two")
    parser.add_argument("--stores", default=",".join(STORES), help="comma-separated: sqlite, postgres")
    parser.add_argument("--only", default="", help="comma-separated words: the benchmarks whose name holds one")
    parser.add_argument("--repeats", type=int, default=None, help="runs per figure (default 3, quick 1)")
    parser.add_argument("--out", type=Path, default=Path("var/benchmarks"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    sizes = QUICK if args.quick else FULL
    repeats = args.repeats or (1 if args.quick else 3)
    heavy = args.repeats or 1
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = set(stores) - set(STORES)
    if unknown:
        parser.error(f"unknown store(s): {', '.join(sorted(unknown))}")

    figures: list[Figure] = []
    started = time.monotonic()
    benches: dict[str, Callable[[str], list[Figure]]] = {
        "reservations": lambda store: reservations.measure(store, sizes["reservations"], repeats),
        "reservations through the API": lambda store: api_reservations.measure(
            store, sizes["api_reservations"], repeats
        ),
        "concurrent reservations": lambda store: concurrent_reservations.measure(
            store, sizes["concurrent_reservations"], repeats, api_repeats=heavy
        ),
        "loads": lambda store: loads.measure(store, sizes["history"], repeats),
        # One run at full size: 100,000 lines are their own average, and three would not fit in 15 minutes.
        "import and catch-up": lambda store: imports.measure(store, sizes["students_per_programme"], heavy),
        "sivil": lambda store: sivil.measure(store, sizes["lookups"], repeats),
        "rebuild": lambda store: rebuild.measure(store, sizes["rebuild_events"]),  # once: minutes at full size
        "audit chain": lambda store: chain.measure(store, sizes["chain_events"], repeats),
    }
    words = [w.strip() for w in args.only.split(",") if w.strip()]
    chosen = {n: b for n, b in benches.items() if not words or any(w in n for w in words)}
    if not chosen:
        parser.error(f"--only {args.only!r} names none of: {', '.join(benches)}")
    for store in stores:
        for name, bench in chosen.items():
            began = time.monotonic()
            try:
                figures.extend(bench(store))
            except Exception:  # one broken benchmark must not cost the run's other figures
                print(f"[{store}] {name}: FAILED\n{traceback.format_exc()}", flush=True)
                continue
            print(f"[{store}] {name}: {time.monotonic() - began:.0f}s", flush=True)
    figures.append(duration(time.monotonic() - started, full=not args.quick and args.repeats is None, stores=stores))
    print()
    print(report.table(figures))
    print("\nIssue 35, each figure beside its baseline from this run:\n")
    print(report.targets_table(figures, ISSUE_35, stores))
    report.write_json(figures, args.out / "results.json", {"sizes": sizes, "repeats": repeats, "stores": stores})
    drawn = report.draw(figures, args.out / "results.png")
    chart = f" and {args.out / 'results.png'}" if drawn else " (no chart: matplotlib is not installed)"
    print(f"\nwrote {args.out / 'results.json'}{chart} in {time.monotonic() - started:.0f}s")


def duration(seconds: float, *, full: bool, stores: list[str]) -> Figure:
    """The run's own length: a full run (every store, default sizes and repeats) must fit 15 minutes."""
    full = full and set(stores) == set(STORES)
    return Figure(
        measure="the benchmark run" + ("" if full else " (not a full run: the target is a full run's)"),
        store="",
        value=seconds / 60,
        unit="min",
        baseline=None,
        baseline_what="",
        target=f"a full run <= {FULL_RUN_MINUTES} min",
        met=seconds <= FULL_RUN_MINUTES * 60 if full else None,
        key="bench_minutes",
    )


if __name__ == "__main__":
    main()
