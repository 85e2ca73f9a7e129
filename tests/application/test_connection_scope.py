"""``Service.retrying`` holds the connection its store lends a command (infra/held_connection.py) only while the
command runs: not while it waits for the turn of a hot record, nor while it pauses before a rerun."""

from __future__ import annotations

import threading
from types import TracebackType

from eventsourcing.persistence import IntegrityError

from application.service import Service


class Held:
    def __init__(self) -> None:
        self.given_back = 0

    def give_back(self) -> None:
        self.given_back += 1

    def __call__(self) -> Held:
        return self

    def __enter__(self) -> Held:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        return None


def test_a_command_keeps_its_connection_through_a_free_turn() -> None:
    app, held = Service(), Held()
    app.one_connection = held
    assert app.retrying(lambda: 1, serial="free") == 1
    assert held.given_back == 0


def test_a_command_waiting_for_a_busy_turn_gives_its_connection_back_first() -> None:
    app, held = Service(), Held()
    app.one_connection = held
    turn = app._turns.lock("busy")
    turn.acquire()
    threading.Timer(0.05, turn.release).start()
    assert app.retrying(lambda: 2, serial="busy") == 2
    assert held.given_back == 1
    assert turn.acquire(blocking=False)  # and the turn is free again


def test_a_command_pausing_before_its_rerun_gives_its_connection_back_first() -> None:
    app, held = Service(), Held()
    app.one_connection = held
    runs: list[int] = []

    def conflicting_once() -> int:
        runs.append(1)
        if len(runs) == 1:
            raise IntegrityError("another change won")
        return 3

    assert app.retrying(conflicting_once) == 3
    assert held.given_back == 1
