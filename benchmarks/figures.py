"""One measured figure beside its raw baseline, and the medians of repeated runs."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Figure:
    measure: str
    store: str
    value: float
    unit: str
    baseline: float | None  # the raw baseline, in the same unit, measured in the same run
    baseline_what: str
    target: str  # what the issue asks, in words
    met: bool | None  # None: no target for this figure
    details: dict[str, float] = field(default_factory=dict)
    key: str = ""  # the figure it measures, if any (benchmarks/targets.py)

    @property
    def ratio(self) -> float | None:
        """value / baseline: for a rate, the share of the raw speed; for a duration, how many times slower."""
        return None if not self.baseline else self.value / self.baseline

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio}


def median(values: list[float]) -> float:
    return statistics.median(values)


def median_details(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: median([run[key] for run in runs]) for key in runs[0]}
