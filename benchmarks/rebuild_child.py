"""Rebuilds one read model from the whole log in a process of its own, so that its peak RSS is the rebuild's:
``python -m benchmarks.rebuild_child READ_MODEL`` with the store in the environment (KREDENSIAL_*); prints JSON."""

from __future__ import annotations

import json
import resource
import sys
import time

from infra.bootstrap import bootstrap
from infra.settings import Settings


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
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"events": events, "seconds": seconds, "events_per_s": events / seconds, "peak_rss_mb": peak_mb}))


if __name__ == "__main__":
    main()
