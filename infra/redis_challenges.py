"""Spent challenge ids in Redis (PIN-6): ``SET NX`` with an expiry, shared by every API process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import redis

from domain.unavailable import Unavailable
from infra.sivil.spent_challenges import KEEP_AFTER_EXPIRY


@contextmanager
def _unavailable_on_failure() -> Iterator[None]:
    """Redis down or unreachable is temporary: the look-up answers Unavailable, not a 500."""
    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError) as e:
        raise Unavailable(f"Redis: {e}") from e


class RedisSpentChallenges:
    def __init__(self, client: redis.Redis, *, key_prefix: str = "kredensial:sivil:spent:") -> None:
        self.client = client
        self.key_prefix = key_prefix

    @classmethod
    def from_url(cls, url: str, **kw: str) -> RedisSpentChallenges:
        return cls(redis.Redis.from_url(url), **kw)

    def claim(self, token_id: str, expires_at: datetime, now: datetime) -> bool:
        """True for the first claim; Redis forgets the id on its own once the challenge could not be answered."""
        keep = max(expires_at - now, timedelta(0)) + KEEP_AFTER_EXPIRY
        with _unavailable_on_failure():
            return bool(self.client.set(self.key_prefix + token_id, b"1", nx=True, px=int(keep.total_seconds() * 1000)))

    def release(self, token_id: str) -> None:
        with _unavailable_on_failure():
            self.client.delete(self.key_prefix + token_id)
