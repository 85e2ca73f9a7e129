"""PIN-1, PIN-2 under concurrent commands: a graduation rush on one prodi, on SQLite and PostgreSQL.

Threads of one process share one application, as the API's worker threads do.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from application.receipt import Receipt
from domain.diploma.diploma import Diploma
from domain.diploma.nina import NINA
from domain.diploma.numbering import NINASequence
from domain.errors import RuleViolation
from tests.world import PRODI, UNIVERSITY, World

THREADS = 16
STUDENTS = 40
T = TypeVar("T")


def eligible_students(world: World, count: int) -> list[str]:
    """``count`` S1 students eligible under PISN-2021: 6 semesters, 120 sks passed, IPK 3.50."""
    world.university()
    world.programme()
    nims = [f"2020{i:03d}" for i in range(1, count + 1)]
    for nim in nims:
        world.student(nim)
        world.semesters(nim, 6, passed=120)
    return nims


def all_at_once(tasks: list[Callable[[], T]]) -> list[T | Exception]:
    """Runs the tasks on THREADS threads, released together; returns each result or raised error."""
    start = threading.Event()

    def run(task: Callable[[], T]) -> T | Exception:
        assert start.wait(timeout=30)
        try:
            return task()
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(run, task) for task in tasks]
        start.set()
        return [f.result(timeout=120) for f in futures]


def reservation_events(world: World) -> list[Diploma.NINAReserved]:
    return [e for e in world.events() if isinstance(e, Diploma.NINAReserved)]


def reserve(world: World, nim: str) -> Callable[[], Receipt]:
    return lambda: world.reserve(nim)


def test_PIN_1_forty_concurrent_reservations_in_one_prodi_get_sequences_1_to_40_and_none_is_lost(
    world: World,
) -> None:
    nims = eligible_students(world, STUDENTS)

    results = all_at_once([reserve(world, nim) for nim in nims])

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    ninas = [NINA.parse(r.nina, prodi_code=PRODI) for r in results if isinstance(r, Receipt) and r.nina]
    assert len(set(ninas)) == STUDENTS
    assert sorted(n.sequence for n in ninas) == list(range(1, STUDENTS + 1))
    events = reservation_events(world)
    assert len(events) == STUDENTS
    assert {(e.nim, e.nina) for e in events} == {(nim, nina) for nim, nina in zip(nims, ninas, strict=True)}
    sequence = world.app.repository.get(NINASequence.create_id(UNIVERSITY, PRODI, 2024))
    assert sequence.last == STUDENTS
    claimed = [e.number for e in world.events() if isinstance(e, NINASequence.NumberClaimed)]
    assert sorted(claimed) == list(range(1, STUDENTS + 1))  # no number claimed twice or skipped


def test_PIN_2_concurrent_reservations_for_the_same_student_reserve_exactly_one_nina(world: World) -> None:
    nims = eligible_students(world, THREADS // 2)

    results = all_at_once([reserve(world, nim) for nim in nims for _ in range(2)])

    for nim, pair in zip(nims, zip(results[::2], results[1::2], strict=True), strict=True):
        outcomes = Counter("reserved" if isinstance(r, Receipt) else type(r).__name__ for r in pair)
        assert outcomes["reserved"] == 1, (nim, pair)
        [loser] = [r for r in pair if not isinstance(r, Receipt)]
        # The loser reruns on the winner's reservation and is refused by the rule it raced for (issue 16).
        assert isinstance(loser, RuleViolation) and loser.rule_ids == ("PIN-2.once",), (nim, loser)
    events = reservation_events(world)
    assert sorted(e.nim for e in events) == nims
    assert sorted(e.nina.sequence for e in events) == list(range(1, len(nims) + 1))
