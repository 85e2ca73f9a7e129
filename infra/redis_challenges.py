"""Spent challenge ids in Redis (PIN-6): ``SET NX`` with an expiry, shared by every API process."""

from __future__ import annotations

from datetime import datetime, timedelta

import redis

from projections.verification.spent_challenges import KEEP_AFTER_EXPIRY


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
        return bool(self.client.set(self.key_prefix + token_id, b"1", nx=True, px=int(keep.total_seconds() * 1000)))
