"""The public look-up kit's stores (PIN-6, SHR-8, SHR-9): rate limits and spent challenges, in memory or the
read-model database, or in Redis when the processes share one (within its timeout, behind the process's breaker)."""

from __future__ import annotations

from api.public_lookup.challenge import ChallengeLedger
from api.public_lookup.rate_limit import RateLimiter
from infra.public_lookup.redis_challenges import RedisSpentChallenges
from infra.public_lookup.spent_challenges import SpentChallenges
from infra.redis_guard import RedisBreaker, client_options
from infra.settings import Settings
from projections.store import ReadStore


def rate_limiter(settings: Settings, breaker: RedisBreaker) -> RateLimiter:
    """Look-ups per client (PIN-6): in memory, or in Redis within its timeout and behind the process's breaker."""
    if not settings.redis_url:
        return RateLimiter(settings.sivil_rate_limit, ipv6_prefix=settings.sivil_ipv6_prefix)
    return RateLimiter(
        settings.sivil_rate_limit,
        settings.redis_url,
        storage_options=client_options(settings.redis_timeout),
        guard=breaker,
        ipv6_prefix=settings.sivil_ipv6_prefix,
    )


def limiter(
    settings: Settings, breaker: RedisBreaker, rate: str, prefix: str, rule_id: str, about: tuple[str, str]
) -> RateLimiter:
    """Openings of shares (SHR-8, SHR-9): per client, per share or across networks, in Redis when the processes
    share one; each refusal names its rule."""
    if not settings.redis_url:
        return RateLimiter(
            rate, key_prefix=prefix, ipv6_prefix=settings.sivil_ipv6_prefix, rule_id=rule_id, about=about
        )
    return RateLimiter(
        rate,
        settings.redis_url,
        key_prefix=prefix,
        storage_options=client_options(settings.redis_timeout),
        guard=breaker,
        ipv6_prefix=settings.sivil_ipv6_prefix,
        rule_id=rule_id,
        about=about,
    )


def spent_challenges(settings: Settings, reads: ReadStore, breaker: RedisBreaker) -> ChallengeLedger:
    """Challenges answered once (PIN-6): in Redis when configured, else the read database."""
    if settings.redis_url:
        return RedisSpentChallenges.from_url(settings.redis_url, timeout=settings.redis_timeout, breaker=breaker)
    return SpentChallenges(reads)
