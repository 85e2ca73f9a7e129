"""CPU and wall time per NINA reservation in process, for comparing two trees in the same minutes (issue 35):
``python -m benchmarks.command_cpu [--count N] [--callers C]`` on the PostgreSQL of ``KREDENSIAL_BENCH_POSTGRES_URL``.

The benchmark's figures are rates beside a raw baseline; a change to the command path moves the CPU a command costs,
which a shared machine's wall rates hide. One caller reserves one after another in one prodi; ``--callers 16``
reserves in sixteen universities at once (group commit). The first reservations of each caller warm the process and
are not counted. Run it alternately in the two trees.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor

from benchmarks.cohort import eligible_cohort, operator
from benchmarks.stores import container, fresh

WARM = 20  # reservations per caller before the clock starts


def measure(count: int, callers: int) -> tuple[float, float]:
    """Reservations per second and CPU milliseconds per reservation (the whole process's CPU, every thread's)."""
    universities = [f"{1100 + n:06d}" for n in range(callers)]
    with fresh("postgres") as place, container(place) as built:
        app = built.services.diploma.commands
        cohorts = {u: eligible_cohort(app, WARM + count, u) for u in universities}

        def caller(university: str, nims: list[str]) -> None:
            by = operator(university)
            for nim in nims:
                app.reserve_nina(university_code=university, nim=nim, cause=by)

        with ThreadPoolExecutor(callers) as pool:
            list(pool.map(lambda u: caller(u, cohorts[u][:WARM]), universities))
            started, cpu = time.perf_counter(), time.process_time()
            list(pool.map(lambda u: caller(u, cohorts[u][WARM:]), universities))
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    done = count * callers
    return done / wall, cpu / done * 1000


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.command_cpu", description=__doc__)
    parser.add_argument("--count", type=int, default=1000, help="reservations per caller, counted")
    parser.add_argument("--callers", type=int, default=1, help="callers at once, each in a university of its own")
    args = parser.parse_args()
    rate, cpu_ms = measure(args.count, args.callers)
    print(f"{args.callers} caller(s): {rate:,.0f} reservations/s, {cpu_ms:.3f} ms of CPU each")


if __name__ == "__main__":
    main()
