"""A database that fails an API request (a cut connection, a failover) is a 503 in the API's JSON shape, in the
caller's language, logged without the request's data. tests/system/test_database_connection_lost.py cuts a real
connection on PostgreSQL; this is the same answer on the embedded hall."""

import logging

import pytest
from django.db import InterfaceError, OperationalError

MOBILE = "13912345678"


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_error_in_an_api_request_is_a_503_the_caller_can_read(kiosk, queue, monkeypatch, caplog, error):
    def connection_lost(**kwargs):
        raise error("server closed the connection unexpectedly")

    monkeypatch.setattr("queueing.services.ticket_issue", connection_lost)
    body = {"queue": queue.pk, "channel": "kiosk", "mobile": MOBILE}
    with caplog.at_level(logging.ERROR, logger="hall.api_errors"):
        chinese = kiosk.post("/api/v1/tickets/", body, format="json")
        english = kiosk.post("/api/v1/tickets/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert (chinese.status_code, chinese["Retry-After"]) == (503, "5")
    assert chinese.json() == {"detail": "系统暂时不可用，请稍后再试。", "code": "database_unavailable"}
    assert english.status_code == 503
    assert english.json()["detail"] == "The hall is briefly unavailable; please try again in a moment."
    logged = [r.getMessage() for r in caplog.records if r.name == "hall.api_errors"]
    expected = f"database unavailable: POST TicketIssueView answered 503 ({error.__name__} -: server closed the "
    assert logged == [expected + "connection unexpectedly)"] * 2
    assert MOBILE not in caplog.text
