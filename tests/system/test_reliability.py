"""The hall keeps serving when Redis goes away: numbers are taken and called while it is down, and the screens
catch up from a fresh snapshot when it is back. Redis here is a server of the test's own (a free port), so stopping
it disturbs nothing else; the database is a fresh PostgreSQL database as in test_topology.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hall REDIS_URL=redis://127.0.0.1:6379/0 pytest tests/system
"""

import os
import secrets
import signal
import subprocess
import time
from contextlib import suppress

import pytest
import requests

from tests.system.test_topology import OPEN_ALL_DAY, Hall, _free_ports, _receive_until, running

pytestmark = pytest.mark.system


class OwnRedis:
    def __init__(self, port: int):
        self.port = port
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with suppress(redis.exceptions.ConnectionError):
                if redis.Redis.from_url(self.url).ping():
                    return
            time.sleep(0.1)
        pytest.fail("redis-server did not start")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGKILL)  # as a crash would, with nothing flushed
        self.proc.wait(10)


@pytest.fixture(scope="module")
def hall_with_own_redis(servers, fresh_database, tmp_path_factory, request):
    from queueing.management.demo_data import DEMO_PASSWORD

    tmp = tmp_path_factory.mktemp("reliability")
    web_port, socket_port, redis_port = _free_ports(3)
    own_redis = OwnRedis(redis_port)
    own_redis.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hall.settings",
        "DATABASE_URL": fresh_database,
        "REDIS_URL": own_redis.url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HALL_INPROCESS_JOBS": "0",
        "HALL_VAR_DIR": str(tmp / "var"),
        "PYTHONUNBUFFERED": "1",
    }
    commands = {
        "web": f"gunicorn hall.wsgi:application --bind 127.0.0.1:{web_port} --workers 2".split(),
        "sockets": f"uvicorn hall.asgi:application --host 127.0.0.1 --port {socket_port} --lifespan on".split(),
        "fanout": ["django", "run_fanout"],
    }
    logs = {name: tmp / f"{name}.log" for name in commands}
    http = requests.Session()
    http.trust_env = False
    hall = Hall(
        f"http://127.0.0.1:{socket_port}",
        f"http://127.0.0.1:{web_port}/api/v1",
        fresh_database,
        env,
        logs,
        ("clerk01", DEMO_PASSWORD),
        http,
    )
    hall.manage("migrate", "--noinput")
    hall.manage("load_demo", "--quiet")
    web, sockets = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{socket_port}"
    try:
        with running(hall, commands, [web, sockets], request, "the reliability topology"):
            yield hall, own_redis
    finally:
        with suppress(Exception):
            own_redis.stop()
        http.close()


def test_numbers_are_taken_and_called_while_redis_is_down_and_screens_catch_up(hall_with_own_redis):
    hall, own_redis = hall_with_own_redis
    api = hall.api_url
    center_id = hall.demo_center_id()
    queue = hall.http.get(f"{api}/centers/{center_id}/queues/", timeout=10).json()[0]
    hall.manage("shell", "-c", OPEN_ALL_DAY.format(queue_id=int(queue["id"])))
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
