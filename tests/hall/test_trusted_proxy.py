"""Behind the reverse proxy the client's own address is recorded; a client cannot forge it with a header."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from hall.middleware import TrustedProxyMiddleware


def seen_address(meta: dict, trusted: list[str]) -> str:
    with override_settings(HALL_TRUSTED_PROXIES=trusted):
        request = RequestFactory().get("/", **meta)
        seen = {}

        def view(request):
            seen["address"] = request.META["REMOTE_ADDR"]
            return HttpResponse()

        TrustedProxyMiddleware(view)(request)
        return seen["address"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("172.18.0.5", "203.0.113.7", ["172.16.0.0/12"], "203.0.113.7"),  # through the proxy
        ("172.18.0.5", "198.51.100.1, 203.0.113.7, 172.18.0.1", ["172.16.0.0/12"], "203.0.113.7"),  # two proxies
        ("203.0.113.9", "10.0.0.1", ["172.16.0.0/12"], "203.0.113.9"),  # not from a proxy: the header is ignored
        ("172.18.0.5", "203.0.113.7", [], "172.18.0.5"),  # no proxy trusted
        ("172.18.0.5", "not-an-address", ["172.16.0.0/12"], "172.18.0.5"),
    ],
)
def test_the_clients_address(remote, forwarded, trusted, expected):
    assert seen_address({"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}, trusted) == expected
