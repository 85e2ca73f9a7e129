"""The benchmark's table (printed), its JSON (for comparing runs) and its chart (PNG, matplotlib)."""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.figures import Figure


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


def draw(figures: list[Figure], path: Path) -> None:
    """One bar per figure that has a baseline: kredensial as a share of raw (rates) or a multiple (durations)."""
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    import matplotlib.pyplot as plt

    shown = [f for f in figures if f.ratio is not None]
    if not shown:
        return
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
