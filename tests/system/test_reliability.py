"""The hall keeps serving when Redis goes away: numbers are taken and called while it is down, and the screens
catch up from a fresh snapshot when it is back. Redis here is a server of the test's own (a free port), so stopping
it disturbs nothing else; the database is a fresh PostgreSQL database as in test_topology.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hall REDIS_URL=redis://127.0.0.1:6379/0 pytest tests/system
"""

import pytest

from tests.system.own_topology import own_hall
from tests.system.test_topology import _receive_until, open_all_day

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def hall_with_own_redis(servers, fresh_database, tmp_path_factory, request):
    with own_hall(servers, fresh_database, tmp_path_factory, request, processes=["web", "sockets", "fanout"]) as own:
        yield own.hall, own.redis


def test_numbers_are_taken_and_called_while_redis_is_down_and_screens_catch_up(hall_with_own_redis):
    hall, own_redis = hall_with_own_redis
    api = hall.api_url
    center_id = hall.demo_center_id()
    queue = hall.http.get(f"{api}/centers/{center_id}/queues/", timeout=10).json()[0]
    hall.manage("shell", "-c", open_all_day(int(queue["id"])))
    clerk = hall.signed_in(*hall.clerk)
    window = next(
        w for w in clerk.get(f"{api}/centers/{center_id}/windows/", timeout=10).json() if w["kind"] == "general"
    )
    assert clerk.post(f"{api}/windows/{window['id']}/sign-in/", timeout=10).status_code == 200
    kiosk = hall.device(center_id, "issue")
    terminal = hall.device(center_id, "call", window_id=window["id"])

    own_redis.stop()
    numbers = []
    for _ in range(3):
        issued = kiosk.post(f"{api}/tickets/", json={"queue": queue["id"], "channel": "kiosk"}, timeout=15)
        assert issued.status_code == 201, issued.text
        numbers.append(issued.json()["number"])
    called = terminal.post(f"{api}/windows/{window['id']}/call-next/", timeout=15)
    assert called.status_code == 200, called.text
    assert called.json()["number"] == numbers[0]
    finished = terminal.post(f"{api}/tickets/{called.json()['id']}/finish/", timeout=15)
    assert finished.status_code == 200 and finished.json()["status"] == "finished"

    own_redis.start()
    # A display reconnecting after the outage reads the truth of the database ...
    with hall.websocket(f"/ws/centers/{center_id}/display/") as ws:
        seen = []
        snapshot = _receive_until(ws, seen, "the snapshot", lambda m: m.get("type") == "snapshot")
        (row,) = [q for q in snapshot["queues"] if q["id"] == queue["id"]]
        assert row["waiting"] == 2
        # ... and the fan-out, which waited for Redis, delivers again.
        again = kiosk.post(f"{api}/tickets/", json={"queue": queue["id"], "channel": "kiosk"}, timeout=15)
        assert again.status_code == 201
        number = again.json()["number"]
        delta = _receive_until(
            ws, seen, f"the issue of {number}", lambda m: any(t.get("number") == number for t in m.get("tickets", ()))
        )
        assert "ticket.issued" in delta["events"]
