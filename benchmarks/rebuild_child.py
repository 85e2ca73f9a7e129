"""Rebuilds one read model from the whole log in a process of its own, so that its peak RSS is the rebuild's:
``python -m benchmarks.rebuild_child READ_MODEL`` with the store in the environment (KREDENSIAL_*); prints JSON."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from infra.bootstrap import bootstrap
from infra.settings import Settings


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM). Not ``getrusage``'s ru_maxrss: Linux carries that over fork and exec,
    so a child started by a large benchmark process would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return float("nan")


def main() -> None:
    name = sys.argv[1]
    built = bootstrap(Settings.from_env())
    try:
        events = built.services.registry.recorder.max_notification_id() or 0
        start = time.perf_counter()
        built.worker.rebuild(name)
        seconds = time.perf_counter() - start
    finally:
        built.close()
    result = {"events": events, "seconds": seconds, "events_per_s": events / seconds, "peak_rss_mb": peak_rss_mb()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
