"""Spent challenge ids in Redis (PIN-6): ``SET NX`` with an expiry, shared by every API process."""

from __future__ import annotations

from datetime import datetime, timedelta

import redis

from infra.public_lookup.spent_challenges import KEEP_AFTER_EXPIRY
from infra.redis_guard import RedisBreaker, client_options

KEY_PREFIX = "kredensial:sivil:spent:"


class RedisSpentChallenges:
    """Redis down, unreachable or hung is temporary: the look-up answers Unavailable (the breaker raises it), not a
    500, and within the client's timeout (infra/redis_guard.py)."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        key_prefix: str = KEY_PREFIX,
        breaker: RedisBreaker | None = None,
    ) -> None:
        self.client = client
        self.key_prefix = key_prefix
        self.breaker = breaker or RedisBreaker()

    @classmethod
    def from_url(
        cls, url: str, *, timeout: float = 1.0, breaker: RedisBreaker | None = None, key_prefix: str = KEY_PREFIX
    ) -> RedisSpentChallenges:
        return cls(redis.Redis.from_url(url, **client_options(timeout)), key_prefix=key_prefix, breaker=breaker)

    def claim(self, token_id: str, expires_at: datetime, now: datetime) -> bool:
        """True for the first claim; Redis forgets the id on its own once the challenge could not be answered."""
        keep = max(expires_at - now, timedelta(0)) + KEEP_AFTER_EXPIRY
        key, millis = self.key_prefix + token_id, int(keep.total_seconds() * 1000)
        return bool(self.breaker.call(lambda: self.client.set(key, b"1", nx=True, px=millis)))

    def release(self, token_id: str) -> None:
        self.breaker.call(lambda: self.client.delete(self.key_prefix + token_id))
