"""NINA reservations in one prodi-year, one after another: the graduation rush on its hottest aggregate; then
the pairings of the same cohort after its yudisium.

Target (issue 8): at least 50 % of the raw one-row-transaction rate, and the last 100 reservations within
20 % of the first 100 (a NINA sequence's load must not grow with the NINAs already issued).
"""

from __future__ import annotations

import time

from application.diploma.diplomas import Diplomas
from benchmarks import raw
from benchmarks.cohort import BATCH, OPERATOR, UNIVERSITY, eligible_cohort
from benchmarks.figures import Figure, median, median_details
from benchmarks.stores import container, fresh
from domain.registry.record import Graduation
from domain.registry.student import Student

WINDOW = 100


def graduate(app: Diplomas, nims: list[str]) -> None:
    """Yudisium for the whole cohort, saved the fast way (setting up, not measured)."""
    graduation = Graduation("SK/YUD/BENCH", app.today())
    for start in range(0, len(nims), BATCH):
        students: list[Student] = [
            app.repository.get(Student.create_id(UNIVERSITY, n)) for n in nims[start : start + BATCH]
        ]
        for student in students:
            student.record_graduation(graduation, app.today(), OPERATOR)
        app.save(*students)


def run_once(store: str, count: int) -> dict[str, float]:
    with fresh(store) as place:
        baseline = raw.one_row_transactions(place, count)
        with container(place) as built:
            app = built.services.diploma.commands
            students = eligible_cohort(app, count)
            timings, ninas = [], []
            for nim in students:
                start = time.perf_counter()
                ninas.append(app.reserve_nina(university_code=UNIVERSITY, nim=nim, cause=OPERATOR).nina)
                timings.append(time.perf_counter() - start)
            graduate(app, students)
            start = time.perf_counter()
            for nim, nina in zip(students, ninas, strict=True):
                app.pair_nina(university_code=UNIVERSITY, nim=nim, nina=nina, cause=OPERATOR)
            pairing = time.perf_counter() - start
    return {
        "pairings_per_s": count / pairing,
        "overall_per_s": count / sum(timings),
        "first_100_per_s": WINDOW / sum(timings[:WINDOW]),
        "last_100_per_s": WINDOW / sum(timings[-WINDOW:]),
        "baseline_per_s": baseline,
    }


def measure(store: str, count: int, repeats: int) -> list[Figure]:
    runs = median_details([run_once(store, count) for _ in range(repeats)])
    overall, baseline = runs["overall_per_s"], runs["baseline_per_s"]
    last_vs_first = runs["last_100_per_s"] / runs["first_100_per_s"]
    return [
        Figure(
            measure=f"NINA reservations, one prodi, {count} in a row",
            key="reservations",
            store=store,
            value=overall,
            unit="reservations/s",
            baseline=baseline,
            baseline_what="1-row INSERT transactions/s",
            target=">= 50 % of raw",
            met=overall / baseline >= 0.5,
            details=runs,
        ),
        Figure(
            measure=f"NINA pairings after yudisium, {count} in a row",
            store=store,
            value=runs["pairings_per_s"],
            unit="pairings/s",
            baseline=baseline,
            baseline_what="1-row INSERT transactions/s",
            target="reported (none set)",
            met=None,
            details={"pairings_per_s": runs["pairings_per_s"]},
        ),
        Figure(
            measure=f"last {WINDOW} vs first {WINDOW} of {count} reservations",
            store=store,
            value=last_vs_first,
            unit="ratio of rates",
            baseline=None,
            baseline_what="",
            target=">= 0.8 (within 20 %)",
            met=last_vs_first >= 0.8,
            details={"first_100_per_s": runs["first_100_per_s"], "last_100_per_s": runs["last_100_per_s"]},
        ),
    ]


__all__ = ["measure", "median"]
