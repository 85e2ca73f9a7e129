"""Every figure issue 35 asks for, one registry entry each: its name, the figure that measures it (a benchmark
module gives its :class:`Figure` this ``key``), the baseline it is read against (measured in the same run) and the
target. ``./run bench`` prints them as one table with a pass column; an entry no benchmark measured in the run
reads "not measured", so a missing figure is seen, not skipped.

To add a figure: give the module's ``Figure`` a ``key`` and add one ``Entry`` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.figures import Figure

Passes = Callable[[Figure], bool | None]  # None: no verdict in this run


@dataclass(frozen=True)
class Entry:
    name: str  # the figure, as the issue names it
    measured: str  # the key of the Figure that measures it
    baseline: str  # what it is read against, measured in the same run on the same store
    target: str  # what the issue asks, in words
    passes: Passes | None  # None: reported, no target


def share_of_raw(least: float) -> Passes:
    """A rate: at least this share of its raw baseline's rate."""
    return lambda f: f.ratio is not None and f.ratio >= least


def times_raw(most: float) -> Passes:
    """A duration: at most this many times its raw baseline's."""
    return lambda f: f.ratio is not None and f.ratio <= most


def at_most(limit: float) -> Passes:
    """A value in the figure's own unit."""
    return lambda f: f.value <= limit


def as_judged(f: Figure) -> bool | None:
    """The module's own test, for a target that is not one ratio (flat in history, flat memory, a full run)."""
    return f.met


ISSUE_35 = (
    Entry("NINA reservations in process, one after another", "reservations", "1-row INSERT transactions/s",
          ">= 50 % of raw", share_of_raw(0.5)),
    Entry("16 concurrent callers in process (group commit)", "concurrent_in_process",
          "16 concurrent 1-row INSERT transactions/s", ">= 50 % of raw", share_of_raw(0.5)),
    Entry("16 concurrent clients across universities, serve --workers 2", "concurrent_api_workers_2",
          "16 concurrent 1-row INSERT transactions/s", ">= 20 % of raw", share_of_raw(0.2)),
    Entry("one client through the API, reservations/s", "api_one_client", "1-row INSERT transactions/s",
          "reported: not worse than before", None),
    Entry("the API's own cost over a reservation, p50", "api_own_p50", "the command in process, p50 ms",
          "<= 2 ms", at_most(2.0)),
    Entry("import-pddikti", "import", "executemany rows/s, 1,000 per transaction", ">= 30 % of raw",
          share_of_raw(0.3)),
    Entry("cold catch-up, every read model", "catch_up", "raw SELECT of the log + batched INSERT, events/s",
          ">= 40 % of raw", share_of_raw(0.4)),
    Entry("SIVIL look-up over HTTP, p99", "sivil_p99", "plain FastAPI reading the same row, p99",
          "<= 3x plain", times_raw(3.0)),
    Entry("loading a NINA sequence, flat in its history", "loads", "raw SELECT of as many rows, ms",
          "<= 1.5x the load of 10 events", as_judged),
    Entry("rebuild memory, flat in the log's length", "rebuild_memory", "peak RSS of a tenth-size rebuild",
          "<= 1.25x", as_judged),
    Entry("the benchmark run itself", "bench_minutes", "-", "a full run <= 15 min", as_judged),
)  # fmt: skip
