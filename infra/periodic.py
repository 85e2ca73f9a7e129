"""A worker keeper that acts at most once a period: the worker steps its keepers after every catch-up (several
times a second when busy), and some work needs doing only now and then."""

from __future__ import annotations

import time
from collections.abc import Callable


class Every:
    """Runs ``action`` when stepped, at most once per ``seconds``; the first run is one period after creation
    (the worker's start-up has just done it). Monotonic time: a schedule of this process, not a domain date."""

    def __init__(self, seconds: float, action: Callable[[], object], clock: Callable[[], float] = time.monotonic):
        self.seconds, self.action, self.clock = seconds, action, clock
        self._next = clock() + seconds

    def step(self) -> None:
        now = self.clock()
        if now < self._next:
            return
        self._next = now + self.seconds
        self.action()
