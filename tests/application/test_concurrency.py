"""PIN-1, PIN-2 under concurrent commands: a graduation rush on one prodi, on SQLite and PostgreSQL.

Threads of one process share one application, as the API's worker threads do.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from application.receipt import Receipt
from domain.diploma.diploma import Diploma
from domain.diploma.nina import NINA
from domain.diploma.numbering import NINASequence
from domain.errors import RuleViolation
from tests.world import PRODI, UNIVERSITY, World

THREADS = 16
STUDENTS = 40
T = TypeVar("T")


def eligible_students(world: World, count: int, prodi: str = PRODI, first: int = 1) -> list[str]:
    """``count`` S1 students of ``prodi`` eligible under PISN-2021: 6 semesters, 120 sks passed, IPK 3.50."""
    if first == 1:
        world.university()
    world.programme(prodi=prodi)
    nims = [f"2020{i:03d}" for i in range(first, first + count)]
    for nim in nims:
        world.student(nim, prodi=prodi)
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


OTHER_PRODI = "55202"


def sequences_of(results: list[Receipt | Exception], prodi: str) -> list[int]:
    return sorted(
        NINA.parse(r.nina, prodi_code=prodi).sequence
        for r in results
        if isinstance(r, Receipt) and r.nina and r.nina.startswith(prodi)
    )


def test_PIN_1_concurrent_reservations_in_two_prodis_of_one_university_number_each_sequence_from_1(
    world: World,
) -> None:
    first = eligible_students(world, STUDENTS // 2)
    other = eligible_students(world, STUDENTS // 2, prodi=OTHER_PRODI, first=STUDENTS // 2 + 1)

    results = all_at_once([reserve(world, nim) for pair in zip(first, other, strict=True) for nim in pair])

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sequences_of(results, PRODI) == list(range(1, STUDENTS // 2 + 1))
    assert sequences_of(results, OTHER_PRODI) == list(range(1, STUDENTS // 2 + 1))


def test_PIN_1_writers_take_turns_per_sequence_not_per_university(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a reservation of one prodi's sequence is held inside its command, another prodi's goes through, and a
    second reservation of the held sequence waits for its turn (issue 35)."""
    [held, waiting] = eligible_students(world, 2)
    [elsewhere] = eligible_students(world, 1, prodi=OTHER_PRODI, first=3)
    inside, release = threading.Event(), threading.Event()
    commit = world.app.commit

    def slow_commit(*aggregates: Any) -> Any:
        sequence = next((a for a in aggregates if isinstance(a, NINASequence)), None)
        if sequence is not None and sequence.prodi_code == PRODI and not release.is_set():
            inside.set()
            assert release.wait(timeout=30)
        return commit(*aggregates)

    monkeypatch.setattr(world.app, "commit", slow_commit)
    outcomes: dict[str, Receipt | Exception] = {}

    def run(nim: str) -> threading.Thread:
        def body() -> None:
            try:
                outcomes[nim] = world.reserve(nim)
            except Exception as error:
                outcomes[nim] = error

        thread = threading.Thread(target=body)
        thread.start()
        return thread

    holder = run(held)
    assert inside.wait(timeout=30)
    second, other = run(waiting), run(elsewhere)
    other.join(timeout=30)
    assert not other.is_alive(), "a reservation in another prodi waited for this prodi's turn"
    second.join(timeout=0.3)
    assert second.is_alive(), "the second reservation of the held sequence did not wait for its turn"
    release.set()
    holder.join(timeout=30)
    second.join(timeout=30)
    got = {nim: r.nina for nim, r in outcomes.items() if isinstance(r, Receipt)}
    assert got.keys() == {held, waiting, elsewhere}, outcomes
    assert NINA.parse(got[elsewhere], prodi_code=OTHER_PRODI).sequence == 1
    assert sorted(NINA.parse(got[n], prodi_code=PRODI).sequence for n in (held, waiting)) == [1, 2]
