"""Redis that hangs must not hang the API (issue 27): every call is bounded, and once one has timed out the rest
answer "try later" at once instead of each waiting out its own timeout.

redis-py waits forever by default and retries a timed-out command three times with back-off; a paused Redis
then held every thread that asked it, and the requests queued behind them, until it resumed. Here each client
connects and reads within ``timeout`` seconds and never retries a timeout (a dropped idle connection is retried
once, on a fresh one). The first failure opens the breaker: for the next ``probe_every`` seconds every call
raises ``Unavailable`` without touching Redis; then one call at a time is let through as a probe, and the first
that succeeds closes the breaker again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from domain.unavailable import Unavailable

T = TypeVar("T")
FAILURES = (redis.ConnectionError, redis.TimeoutError, OSError)


def client_options(timeout: float) -> dict[str, Any]:
    """Keyword arguments of ``redis.Redis`` (and of the ``limits`` Redis storage, which passes them on)."""
    return {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
    }


class RedisBreaker:
    """One per API process and Redis, shared by the rate limit and the spent challenges."""

    def __init__(self, *, probe_every: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.probe_every = probe_every
        self.clock = clock
        self._lock = threading.Lock()
        self._open = False
        self._next_probe = 0.0
        self._probing = False

    @property
    def is_open(self) -> bool:
        return self._open

    def call(self, fn: Callable[[], T]) -> T:
        probe = self._admit()
        try:
            result = fn()
        except FAILURES as e:
            self._failed()
            raise Unavailable(f"Redis: {type(e).__name__}: {e}") from e
        except BaseException:
            if probe:
                with self._lock:
                    self._probing = False
            raise
        if probe or self._open:
            with self._lock:
                self._open = self._probing = False
        return result

    def _admit(self) -> bool:
        """False for a call while the breaker is closed, True for the one probe; raises while it is open."""
        with self._lock:
            if not self._open:
                return False
            if self._probing or self.clock() < self._next_probe:
                raise Unavailable("Redis did not answer just now; not asked again until it does")
            self._probing = True
            return True

    def _failed(self) -> None:
        with self._lock:
            self._open = True
            self._probing = False
            self._next_probe = self.clock() + self.probe_every
