"""Fixed-window rate limits kept in the cache (Redis in production, local memory when embedded). When the cache is
away nothing is counted and nobody is refused: a kiosk keeps giving numbers while Redis restarts."""

import logging
import time

from django.core.cache import cache

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
        cache.add(cache_key, 0, timeout=period + 1)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=period + 1)
            count = 1
    except Exception:
        logger.warning("rate limit %s not counted: the cache is unavailable", scope)
        return False
    return count > limit


def ensure_within_rate(*, scope: str, key: str, limit: int, period: int, message) -> None:
    if rate_limit_hit(scope=scope, key=key, limit=limit, period=period):
        raise RateLimited(message, retry_after=period)
