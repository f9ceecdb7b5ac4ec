"""The database connection dropped in the middle of a request: the client gets a clear error in its language, the
next request is served, and no half-written ticket is left behind.

The web server runs as the Procfile runs it, with persistent database connections. The test holds the queue's
counter row so that a kiosk's request for a number waits inside its transaction, then ends that request's database
session from the server's side (pg_terminate_backend, what a failover or an operator does) and lets go.
"""

import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

import psycopg2
import pytest
import requests

from tests.system.own_topology import log_of, own_hall, query
from tests.system.test_topology import open_all_day

pytestmark = pytest.mark.system

MOBILE = "13912345678"
UNAVAILABLE = {
    "zh-hans": "系统暂时不可用，请稍后再试。",
    "en": "The hall is briefly unavailable; please try again in a moment.",
}


@pytest.fixture(scope="module")
def hall_on_gunicorn(servers, fresh_database, tmp_path_factory, request):
    env = {"HALL_DB_CONN_MAX_AGE": "600"}  # as the Procfile's web processes: a cut connection must not be reused
    with own_hall(servers, fresh_database, tmp_path_factory, request, processes=["web"], env=env) as own:
        yield own


def issue_with_its_connection_cut(database_url: str, send) -> requests.Response:
    """`send()` a request for a number while the test holds the queue's counter row, end the database session that
    waits for it, then let go; the answer the client got."""
    with closing(psycopg2.connect(database_url)) as holder, ThreadPoolExecutor(1) as pool:
        with holder.cursor() as cursor:
            cursor.execute("SELECT 1 FROM queueing_dailycounter FOR UPDATE")
        answer = pool.submit(send)
        deadline = time.monotonic() + 15
        sessions_ended = []
        while not sessions_ended and time.monotonic() < deadline:
            time.sleep(0.1)
            sessions_ended = query(
                database_url,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND backend_type = 'client backend' AND wait_event_type = 'Lock' "
                "AND pid <> %s",
                [holder.get_backend_pid()],
            )
        holder.rollback()
        assert sessions_ended == [(True,)], "the request never waited on the counter row"
        return answer.result(timeout=30)


def test_a_request_cut_from_the_database_fails_cleanly_and_leaves_no_half_written_ticket(hall_on_gunicorn):
    own = hall_on_gunicorn
    hall, database = own.hall, own.hall.database_url
    center_id = hall.demo_center_id()
    queue = hall.http.get(f"{hall.api_url}/centers/{center_id}/queues/", timeout=10).json()[0]
    hall.manage("shell", "-c", open_all_day(int(queue["id"])))
    kiosk = hall.device(center_id, "issue")
    tickets_url = f"{hall.api_url}/tickets/"
    first = kiosk.post(tickets_url, json={"queue": queue["id"], "channel": "kiosk"}, timeout=10)
    assert first.status_code == 201, first.text
    key = secrets.token_hex(8)
    with_mobile = {"queue": queue["id"], "channel": "kiosk", "mobile": MOBILE}

    def take_a_number(**headers):
        return lambda: kiosk.post(tickets_url, json=with_mobile, headers=headers, timeout=30)

    answers = {
        "zh-hans": issue_with_its_connection_cut(database, take_a_number(**{"Idempotency-Key": key})),
        "en": issue_with_its_connection_cut(database, take_a_number(**{"Accept-Language": "en"})),
    }
    for language, answer in answers.items():
        assert answer.status_code == 503, answer.text[:500]
        assert answer.headers["Content-Type"] == "application/json", answer.text[:500]
        assert answer.json() == {"detail": UNAVAILABLE[language], "code": "database_unavailable"}
        assert int(answer.headers["Retry-After"]) > 0

    # The kiosk tries again with its key and gets the next number; the other web worker, whose idle connection is cut
    # as well, is served again too.
    query(
        database,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
    )
    again = kiosk.post(tickets_url, json=with_mobile, headers={"Idempotency-Key": key}, timeout=10)
    assert again.status_code == 201, again.text
    assert again.json()["number"] == f"{first.json()['number'][:-3]}002"
    repeated = kiosk.post(tickets_url, json=with_mobile, headers={"Idempotency-Key": key}, timeout=10)
    assert repeated.json()["id"] == again.json()["id"]
    for _ in range(4):
        later = kiosk.post(tickets_url, json={"queue": queue["id"], "channel": "kiosk"}, timeout=10)
        assert later.status_code == 201, later.text

    # Nothing of the cut requests is stored: numbers without a gap, the counters and events agree with the tickets.
    service_date = first.json()["service_date"]
    day = [queue["id"], service_date]
    tickets = query(
        database, "SELECT id, sequence FROM queueing_ticket WHERE queue_id = %s AND service_date = %s ORDER BY 2", day
    )
    assert [sequence for _, sequence in tickets] == list(range(1, 7))
    assert query(
        database, "SELECT last_sequence FROM queueing_dailycounter WHERE queue_id = %s AND service_date = %s", day
    ) == [(6,)]
    issued_events = query(
        database,
        "SELECT ticket_id, count(*) FROM queueing_ticketevent WHERE kind = 'issued' GROUP BY ticket_id ORDER BY 1",
    )
    assert issued_events == [(ticket_id, 1) for ticket_id, _ in sorted(tickets)]
    assert query(
        database, "SELECT sum(issued) FROM queueing_queuehourflow WHERE queue_id = %s AND service_date = %s", day
    ) == [(6,)]
    assert query(database, "SELECT count(*) FROM notifications_notification") == [(1,)]  # the retried ticket's SMS

    # The web log says what happened, without the caller's mobile number.
    web_log = log_of(hall, "web")
    assert "database unavailable" in web_log
    assert MOBILE not in web_log
