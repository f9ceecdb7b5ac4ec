"""The API's rate limits: per client (a device, an account, or an address), counted in fixed windows in the cache
(one increment per request, whatever the rate), and never a reason to refuse a citizen when the cache that counts
them is away."""

import time

from rest_framework.throttling import ScopedRateThrottle

from hall.idempotency import client_of
from hall.ratelimit import rate_limit_hit


class ClientRateThrottle(ScopedRateThrottle):
    """The view's `throttle_scope` rate ("120/minute", DEFAULT_THROTTLE_RATES) per `client_of(request)`: kiosks
    behind one address each have their own allowance."""

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.num_requests, self.duration = self.parse_rate(self.get_rate())
        return not rate_limit_hit(
            scope=f"api-{self.scope}", key=client_of(request), limit=self.num_requests, period=self.duration
        )

    def wait(self):
        return self.duration - time.time() % self.duration
