"""Fixed-window rate limits kept in the cache (Redis in production, local memory when embedded). When the cache is
away nothing is counted and nobody is refused: a kiosk keeps giving numbers while Redis restarts."""

import logging
import time

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from hall.errors import DomainError


class RateLimited(DomainError):
    status_code = 429

    def __init__(self, message=None, *, retry_after: int = 60):
        self.retry_after = retry_after
        super().__init__(message)


logger = logging.getLogger(__name__)


def rate_limit_hit(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Count one hit for `key`; True when it goes over `limit` hits per `period` seconds (False, uncounted, when the
    cache cannot be reached)."""
    window = int(time.time() // period)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    try:
        backend = caches["default"]
        count = (
            _count_on_redis(backend, cache_key, period)
            if isinstance(backend, RedisCache)
            else _count(cache_key, period)
        )
    except Exception:
        logger.warning("rate limit %s not counted: the cache is unavailable", scope)
        return False
    return count > limit


def _count_on_redis(backend: RedisCache, cache_key: str, period: int) -> int:
    """One round trip: INCR and, for a new window, its expiry (the cache API's add + incr would take three)."""
    key = backend.make_key(cache_key)
    client = backend._cache.get_client(key, write=True)  # the backend's own connection pool
    pipeline = client.pipeline(transaction=False)
    pipeline.incr(key)
    pipeline.expire(key, period + 1, nx=True)
    return pipeline.execute()[0]


def _count(cache_key: str, period: int) -> int:
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=period + 1)
        return 1


def ensure_within_rate(*, scope: str, key: str, limit: int, period: int, message) -> None:
    if rate_limit_hit(scope=scope, key=key, limit=limit, period=period):
        raise RateLimited(message, retry_after=period)
