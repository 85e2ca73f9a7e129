"""Look-ups per client address in a moving window (PIN-6), kept in memory or, across processes, in Redis."""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from api.sivil.address import rate_key
from domain.unavailable import Unavailable


class RateLimited(Exception):
    rule_id = "PIN-6"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        self.message = (
            f"Terlalu banyak permintaan dari alamat Anda; coba lagi dalam {retry_after} detik. / Too many look-ups "
            f"from your address; try again in {retry_after} seconds."
        )
        super().__init__(self.message)


class RateLimiter:
    """``rate`` in the notation of ``limits`` ("30/minute"); ``storage_uri`` "memory://" or "redis://host:port"."""

    def __init__(
        self, rate: str = "30/minute", storage_uri: str = "memory://", *, key_prefix: str = "kredensial-sivil"
    ) -> None:
        self.item = parse(rate)
        options = {"key_prefix": key_prefix} if storage_uri.startswith(("redis://", "rediss://", "unix://")) else {}
        self.storage = storage_from_string(storage_uri, **options)
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.rate = rate

    def hit(self, address: str, scope: str = "lookup") -> None:
        """Counts one request from ``address``; raises RateLimited when its window is full."""
        key = rate_key(address)
        try:
            allowed = self.strategy.hit(self.item, scope, key)
        except Exception as e:  # the window's store (Redis) is away: answer "try later", never count nothing
            raise Unavailable(f"rate-limit store: {type(e).__name__}: {e}") from e
        if not allowed:
            reset_at = self.strategy.get_window_stats(self.item, scope, key).reset_time
            raise RateLimited(max(1, math.ceil(reset_at - time.time())))

    def reset(self, address: str | None = None, scope: str = "lookup") -> None:
        """Forgets one address's window, or every window (an operator's lever, and the tests')."""
        if address is None:
            self.storage.reset()
        else:
            self.strategy.clear(self.item, scope, rate_key(address))
