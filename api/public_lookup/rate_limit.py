"""Look-ups per client address in a moving window (PIN-6), kept in memory or, across processes, in Redis."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from api.public_lookup.address import DEFAULT_IPV6_PREFIX, rate_key
from domain.unavailable import Unavailable

# The public look-ups' one budget per address, whichever register it probes (/sivil, /sertifikat: PIN-6, issue 27)
LOOKUP_SCOPE = "lookup"

T = TypeVar("T")


class StoreGuard(Protocol):
    """Runs one call to the window's store, or raises ``Unavailable`` at once when that store is known to hang
    (infra/redis_guard.py): a hung Redis must not hold the threads of every look-up (issue 27)."""

    def call(self, fn: Callable[[], T]) -> T: ...


class _Unguarded:
    def call(self, fn: Callable[[], T]) -> T:
        return fn()


FROM_YOUR_ADDRESS = ("Terlalu banyak permintaan dari alamat Anda", "Too many look-ups from your address")


class RateLimited(Exception):
    """A window is full; ``rule_id`` names the limiter's rule (PIN-6 for SIVIL's look-ups, SHR-8 and SHR-9 for
    shares), ``about`` what was too many, in both languages."""

    def __init__(self, retry_after: int, rule_id: str = "PIN-6", about: tuple[str, str] = FROM_YOUR_ADDRESS) -> None:
        self.retry_after = retry_after
        self.rule_id = rule_id
        self.message = (
            f"{about[0]}; coba lagi dalam {retry_after} detik ({rule_id}). / {about[1]}; try again in "
            f"{retry_after} seconds ({rule_id})."
        )
        super().__init__(self.message)


class RateLimiter:
    """``rate`` in the notation of ``limits`` ("30/minute"); ``storage_uri`` "memory://" or "redis://host:port",
    with ``storage_options`` for its client (timeouts); ``ipv6_prefix``: the bits of an IPv6 address that name one
    client (PIN-6)."""

    def __init__(
        self,
        rate: str = "30/minute",
        storage_uri: str = "memory://",
        *,
        key_prefix: str = "kredensial-sivil",
        storage_options: Mapping[str, Any] | None = None,
        guard: StoreGuard | None = None,
        ipv6_prefix: int = DEFAULT_IPV6_PREFIX,
        rule_id: str = "PIN-6",
        about: tuple[str, str] = FROM_YOUR_ADDRESS,
    ) -> None:
        self.item = parse(rate)
        self.rule_id, self.about = rule_id, about
        redis = storage_uri.startswith(("redis://", "rediss://", "unix://"))
        options = {"key_prefix": key_prefix, **(storage_options or {})} if redis else {}
        self.storage = storage_from_string(storage_uri, **options)
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.guard: StoreGuard = guard or _Unguarded()
        self.ipv6_prefix = ipv6_prefix
        self.rate = rate

    def hit(self, address: str, scope: str = "lookup") -> None:
        """Counts one request from ``address``; raises RateLimited when its window is full."""
        key = rate_key(address, self.ipv6_prefix)
        if not self._stored(lambda: self.strategy.hit(self.item, scope, key)):
            self._refuse(scope, key)

    def check(self, address: str, scope: str = "lookup") -> None:
        """Raises RateLimited when ``address``'s window is full, counting nothing (a limit on failures is checked
        before the attempt and hit only after it failed)."""
        key = rate_key(address, self.ipv6_prefix)
        if not self._stored(lambda: self.strategy.test(self.item, scope, key)):
            self._refuse(scope, key)

    def _refuse(self, scope: str, key: str) -> None:
        reset_at = self._stored(lambda: self.strategy.get_window_stats(self.item, scope, key)).reset_time
        raise RateLimited(max(1, math.ceil(reset_at - time.time())), self.rule_id, self.about)

    def _stored(self, fn: Callable[[], T]) -> T:
        try:
            return self.guard.call(fn)
        except Unavailable:
            raise
        except Exception as e:  # the window's store (Redis) is away: answer "try later", never count nothing
            raise Unavailable(f"rate-limit store: {type(e).__name__}: {e}") from e

    def reset(self, address: str | None = None, scope: str = "lookup") -> None:
        """Forgets one address's window, or every window (an operator's lever, and the tests')."""
        if address is None:
            self.storage.reset()
        else:
            self.strategy.clear(self.item, scope, rate_key(address, self.ipv6_prefix))
