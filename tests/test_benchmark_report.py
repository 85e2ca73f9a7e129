"""``./run bench`` reports every figure of issue 35 with its target and a pass column (item 7), without matplotlib."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks import report
from benchmarks.figures import Figure
from benchmarks.targets import ISSUE_35, Entry, at_most, share_of_raw


def figure(key: str, value: float, baseline: float | None = None, store: str = "postgres") -> Figure:
    return Figure(key, store, value, "x/s", baseline, "raw", "t", None, key=key)


def rows(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split(" | ")] for line in text.splitlines()[2:]]


def test_each_entry_reads_its_figure_beside_the_baseline_and_says_pass_or_fail() -> None:
    entries = (
        Entry("rate", "rate", "raw", ">= 50 % of raw", share_of_raw(0.5)),
        Entry("cost", "cost", "command", "<= 2 ms", at_most(2.0)),
        Entry("reported", "told", "raw", "reported", None),
    )
    figures = [figure("rate", 40, 100), figure("cost", 1.5, 5), figure("told", 3, 9)]
    table = rows(report.targets_table(figures, entries, ["postgres"]))
    assert [(r[0], r[2], r[4], r[6]) for r in table] == [
        ("rate", "40.00 x/s", "0.400", "NO"),
        ("cost", "1.50 x/s", "0.300", "yes"),
        ("reported", "3.00 x/s", "0.333", "-"),
    ]


def test_a_figure_no_benchmark_measured_reads_not_measured_and_fails_for_each_store() -> None:
    table = rows(report.targets_table([], ISSUE_35[:1], ["sqlite", "postgres"]))
    assert [(r[1], r[2], r[6]) for r in table] == [("sqlite", "not measured", "NO"), ("postgres", "not measured", "NO")]


def test_a_figure_of_the_run_itself_is_one_row_whatever_the_stores() -> None:
    run = figure("bench_minutes", 12.0, store="")
    table = rows(report.targets_table([run], ISSUE_35, ["sqlite", "postgres"]))
    assert [r[1] for r in table if r[0] == "the benchmark run itself"] == ["(the run)"]


def test_every_issue_35_entry_names_a_figure_once() -> None:
    keys = [entry.measured for entry in ISSUE_35]
    assert len(keys) == len(set(keys))


def test_no_chart_and_no_failure_without_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails as if not installed
    assert report.draw([figure("rate", 40, 100)], tmp_path / "results.png") is False
    assert not (tmp_path / "results.png").exists()
