"""Group commit under load (application/group_commit.py), on SQLite and PostgreSQL: many threads commit at once
through one ``GroupCommit`` on the application's recorder, some on versions already taken (a conflict), some in a
transaction made to fail. A lone writer writes at once and those arriving meanwhile queue behind it; whichever path
a command took, the rule is the same: every command is answered exactly once, with no deadlock; one answered
positions has its events in the log at those positions; one answered an error has none there; nothing else is.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent

from application.group_commit import GroupCommit
from tests.world import World

THREADS = 32
COMMANDS_PER_THREAD = 60
TOPIC = "tests.application.test_group_commit_stress:Stress"


class Injected(OperationalError):
    """A transaction made to fail before it is sent: nothing of it is written."""


def test_every_command_is_answered_once_and_the_log_holds_exactly_what_was_answered_success(world: World) -> None:
    recorder = world.app.recorder
    before = {n.id for n in recorder.select_notifications(start=1, limit=1_000_000)}
    aggregates = [uuid4() for _ in range(40)]  # few, so that versions collide: conflicts, and members kept apart
    failing = random.Random(7)
    failing_lock = threading.Lock()

    def insert(stored: Sequence[StoredEvent]) -> Sequence[int] | None:
        with failing_lock:
            fail = failing.random() < 0.05
        if fail:
            raise Injected("injected")
        return recorder.insert_events(stored)

    group = GroupCommit(insert)
    answers: dict[bytes, list[object]] = {}
    answers_lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def commands(worker: int) -> None:
        rnd = random.Random(worker)
        start.wait(30)
        for n in range(COMMANDS_PER_THREAD):
            state = f'{{"w":{worker},"n":{n}}}'.encode()
            events = [
                StoredEvent(rnd.choice(aggregates), rnd.randint(1, 30), TOPIC, state + b"#" + str(i).encode())
                for i in range(rnd.choice((1, 1, 2)))
            ]
            if len({(e.originator_id, e.originator_version) for e in events}) < len(events):
                events = events[:1]
            try:
                answer: object = list(group.insert(events) or [])
            except (IntegrityError, Injected) as error:
                answer = error
            with answers_lock:
                answers.setdefault(state, []).append((events, answer))

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(commands, w) for w in range(THREADS)]
        for future in futures:
            future.result(timeout=300)  # a deadlock fails here

    assert len(answers) == THREADS * COMMANDS_PER_THREAD and all(len(a) == 1 for a in answers.values())
    assert group.queued == 0 and not group._writing
    logged = {
        n.state.tobytes() if isinstance(n.state, memoryview) else bytes(n.state): n
        for n in recorder.select_notifications(start=1, limit=1_000_000)
        if n.id not in before
    }
    expected: dict[bytes, int] = {}
    outcomes = {"written": 0, "conflict": 0, "injected": 0}
    for [(events, answer)] in answers.values():
        if isinstance(answer, list):
            assert len(answer) == len(events)
            expected.update((e.state, i) for e, i in zip(events, answer, strict=True))
            outcomes["written"] += 1
        else:
            assert not any(e.state in logged for e in events), answer  # an error, and nothing of it written
            outcomes["conflict" if isinstance(answer, IntegrityError) else "injected"] += 1
    assert {state: n.id for state, n in logged.items()} == expected  # none lost, none extra, each where answered
    assert all(outcomes.values()), outcomes  # each path taken
    versions = [(n.originator_id, n.originator_version) for n in logged.values()]
    assert len(set(versions)) == len(versions)  # a version is written once: the others were refused


@pytest.mark.parametrize("threads", [2, 16, 64])
def test_lone_writes_and_queued_batches_interleave_without_a_lost_wakeup(threads: int) -> None:
    """Without a database: the first of a burst writes alone, the others queue meanwhile and are handed the turn;
    a failure (a conflict, or any other error) in either path is answered to its own members only, and a member
    gives back what it holds at most once, only when it waits."""
    log: list[bytes] = []
    log_lock = threading.Lock()
    gate = random.Random(threads)

    def insert(stored: Sequence[StoredEvent]) -> list[int]:
        with log_lock:
            roll = gate.random()
            if roll < 0.05:
                raise IntegrityError("conflict")
            if roll < 0.1:
                raise RuntimeError("boom")
            start = len(log)
            log.extend(bytes(e.state) for e in stored)
            return list(range(start + 1, len(log) + 1))

    group = GroupCommit(insert, max_batch=8)
    answered: dict[bytes, object] = {}
    answered_lock = threading.Lock()
    released = threading.local()

    def commands(worker: int) -> None:
        for n in range(3000 // threads):
            state = f"{worker}:{n}".encode()
            released.count = 0
            try:
                answer: object = group.insert(
                    [StoredEvent(uuid4(), 1, TOPIC, state)],
                    before_waiting=lambda: setattr(released, "count", released.count + 1),
                )
            except (IntegrityError, RuntimeError) as error:
                answer = error
            assert released.count <= 1  # given back at most once, and only by one that waits
            with answered_lock:
                assert state not in answered
                answered[state] = answer

    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(commands, w) for w in range(threads)]:
            future.result(timeout=120)

    assert len(answered) == threads * (3000 // threads)
    assert group.queued == 0 and not group._writing
    written = {s: a for s, a in answered.items() if isinstance(a, list)}
    assert {log[a[0] - 1] for a in written.values()} == set(written) and len(log) == len(written)
