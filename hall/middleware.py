import contextlib
import ipaddress

from django.conf import settings
from django.core.exceptions import SuspiciousOperation


class ContentSecurityPolicyMiddleware:
    """Adds the hall's Content-Security-Policy: every asset comes from the hall itself."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.HALL_CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class RefuseNulInQueryMiddleware:
    """A NUL character is never part of a real address, and PostgreSQL refuses it in any text it compares: a query
    string that holds one is a 400 before any view (Django admin's list filters included) hands it to the database.
    Form fields already refuse it (Django's CharField, hall/parsing.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            raise SuspiciousOperation("NUL character in the query string")
        return self.get_response(request)


class TrustedProxyMiddleware:
    """Behind the hall's reverse proxy, the client's address is the last one in X-Forwarded-For that no trusted proxy
    added (HALL_TRUSTED_PROXIES, addresses or networks). Audit entries, lock-outs and rate limits use it. A request
    that does not come from a trusted proxy keeps its own address, whatever header it sends."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = [ipaddress.ip_network(item, strict=False) for item in settings.HALL_TRUSTED_PROXIES]

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def __call__(self, request):
        if self.trusted and self._is_trusted(request.META.get("REMOTE_ADDR", "")):
            chain = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
            while chain and self._is_trusted(chain[-1]):
                chain.pop()
            # A malformed hop keeps the proxy's address rather than a made-up one.
            with contextlib.suppress(ValueError):
                if chain:
                    request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(chain[-1]))
        return self.get_response(request)
