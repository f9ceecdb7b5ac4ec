"""The API's rate limits: per client (a device, an account, or an address), and never a reason to refuse a citizen
when the cache that counts them is away."""

import logging

from rest_framework.throttling import ScopedRateThrottle

from hall.idempotency import client_of

logger = logging.getLogger(__name__)


class ClientRateThrottle(ScopedRateThrottle):
    """Scoped rates counted per device token, account or address (`hall.idempotency.client_of`): kiosks behind one
    address each have their own allowance."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_of(request)}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache (Redis) is down: counting waits, serving does not
            logger.warning("rate limit not counted: the cache is unavailable", exc_info=True)
            return True
