"""The benchmark's tables (printed), its JSON (for comparing runs) and its chart (PNG, only where matplotlib is
installed: the tables never need it)."""

from __future__ import annotations

import json
import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.figures import Figure
from benchmarks.targets import Entry


def table(figures: list[Figure]) -> str:
    rows = [("measure", "store", "kredensial", "raw baseline", "ratio", "target", "met")]
    for f in figures:
        rows.append(
            (
                f.measure,
                f.store,
                f"{f.value:,.2f} {f.unit}",
                f"{f.baseline:,.2f} ({f.baseline_what})" if f.baseline else "-",
                f"{f.ratio:.3f}" if f.ratio is not None else "-",
                f.target,
                {True: "yes", False: "NO", None: "-"}[f.met],
            )
        )
    return _aligned(rows)


def targets_table(figures: list[Figure], entries: tuple[Entry, ...], stores: list[str]) -> str:
    """One row per entry and store: what was measured, against which baseline, the target and pass or fail."""
    rows = [("figure", "store", "measured", "baseline (same run)", "ratio", "target", "pass")]
    for entry in entries:
        for store in stores:
            found = [f for f in figures if f.key == entry.measured and f.store in (store, "")]
            if not found:
                rows.append((entry.name, store, "not measured", entry.baseline, "-", entry.target, "NO"))
                continue
            f = found[0]
            baseline = f"{f.baseline:,.2f} ({entry.baseline})" if f.baseline else entry.baseline
            verdict = {True: "yes", False: "NO", None: "-"}[entry.passes(f) if entry.passes else None]
            ratio = f"{f.ratio:.3f}" if f.ratio is not None else "-"
            where = store if f.store else "(the run)"
            rows.append((entry.name, where, f"{f.value:,.2f} {f.unit}", baseline, ratio, entry.target, verdict))
            if f.store == "":
                break  # a figure of the run, not of a store: one row
    return _aligned(rows)


def _aligned(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def write_json(figures: list[Figure], path: Path, arguments: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "written_at": datetime.now(UTC).isoformat(),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "arguments": arguments,
        "figures": [f.as_dict() for f in figures],
    }
    path.write_text(json.dumps(body, indent=2) + "\n", "utf-8")


def draw(figures: list[Figure], path: Path) -> bool:
    """One bar per figure that has a baseline: kredensial as a share of raw (rates) or a multiple (durations).
    False, and nothing drawn, where matplotlib is not installed (the ``bench`` extra)."""
    try:
        import matplotlib
    except ImportError:
        return False

    matplotlib.use("Agg")  # no display on a server
    import matplotlib.pyplot as plt

    shown = [f for f in figures if f.ratio is not None]
    if not shown:
        return False
    labels = [f"{f.measure}\n({f.store})" for f in shown]
    fig, ax = plt.subplots(figsize=(10, 0.6 * len(shown) + 1.5))
    colours = ["tab:green" if f.met else "tab:red" for f in shown]
    ax.barh(labels, [f.ratio or 0 for f in shown], color=colours)
    ax.set_xlabel("kredensial / raw baseline (same run)")
    ax.set_title("kredensial against raw baselines (green: target met)")
    ax.invert_yaxis()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True
