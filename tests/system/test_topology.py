"""The production topology for real: gunicorn for the API, uvicorn for the screens' websockets, a Celery worker,
Celery beat and the fan-out, as processes.

They share a fresh PostgreSQL database (dropped after) and Redis database 5 (HALL_SYSTEM_REDIS_DB, flushed first);
the test talks to them over HTTP and websockets only. The screen listens on one server while the clerk calls through
the other, so a call reaches the screen only through the Redis channel layer. DATABASE_URL and REDIS_URL only name
the servers to borrow:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hall REDIS_URL=redis://127.0.0.1:6379/0 pytest -m system
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
import redis
import requests
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.embedded_server import OPEN_ALL_DAY_EVERY_DAY

pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT_JOB = "dashboards.push_hall_snapshots"


def open_all_day(queue_id: int) -> str:
    """The shell code that opens the queue whenever the test runs."""
    hours = f"**{OPEN_ALL_DAY_EVERY_DAY!r}, is_accepting=True"
    return f"from queueing.models import Queue; Queue.objects.filter(pk={queue_id}).update({hours})"


def _with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


def _free_ports(count: int) -> list[int]:
    with ExitStack() as stack:  # all bound at once, so that they differ
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)  # the process and its children share its session


@dataclass
class Hall:
    base_url: str  # the server the screens connect to
    api_url: str  # the API of the other server, the one kiosks and clerks use
    database_url: str
    env: dict[str, str]
    logs: dict[str, Path]
    clerk: tuple[str, str]
    http: requests.Session

    def manage(self, *args: str) -> str:
        command = [sys.executable, "manage.py", *args]
        done = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=180)
        if done.returncode:
            pytest.fail(f"manage.py {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def tails(self, lines: int = 60) -> str:
        parts = []
        for name, path in self.logs.items():
            text = path.read_text(errors="replace").splitlines()[-lines:] if path.exists() else []
            parts.append(f"----- {name} ({path}) -----\n" + "\n".join(text))
        return "\n".join(parts)

    def websocket(self, path: str) -> ClientConnection:
        ws_url = self.base_url.replace("http://", "ws://", 1)
        return connect(ws_url + path, origin=self.base_url, proxy=None, open_timeout=10)

    def signed_in(self, username: str, password: str) -> requests.Session:
        """A browser's session of a member of staff: signed in through the login page, CSRF header set."""
        browser = requests.Session()
        browser.trust_env = False
        login = self.api_url.replace("/api/v1", "/accounts/login/")
        browser.get(login, timeout=10)
        csrf = browser.cookies["csrftoken"]
        answer = browser.post(
            login,
            data={"username": username, "password": password, "csrfmiddlewaretoken": csrf},
            headers={"Referer": login},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text[:500]
        browser.headers["X-CSRFToken"] = browser.cookies["csrftoken"]
        return browser

    def device(self, center_id: int, *may: str, window_id: int | None = None) -> requests.Session:
        """A device registered as an operator does it (`manage.py register_device`), sending its token."""
        options = [arg for capability in may for arg in ("--may", capability)]
        if window_id is not None:
            options += ["--window", str(window_id)]
        token = self.manage("register_device", "--center", str(center_id), "--name", "测试设备", *options).strip()
        device = requests.Session()
        device.trust_env = False
        device.headers["Authorization"] = f"Bearer {token}"
        return device

    def demo_center_id(self) -> int:
        from queueing.management.demo_data import DEMO_CENTER_CODE

        centers = self.http.get(f"{self.api_url}/centers/", timeout=10).json()
        return next(c["id"] for c in centers if c["code"] == DEMO_CENTER_CODE)


@pytest.fixture(scope="module")
def hall(servers, fresh_database, tmp_path_factory, request):
    """The demo hall served by gunicorn and uvicorn, a worker, beat and the fan-out; all stopped after, their logs
    shown on failure."""
    from queueing.management.demo_data import DEMO_PASSWORD

    tmp = tmp_path_factory.mktemp("topology")
    redis_url = _with_path(servers[1], "/" + os.environ.get("HALL_SYSTEM_REDIS_DB", "5"))
    redis.Redis.from_url(redis_url).flushdb()
    port, api_port = _free_ports(2)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hall.settings",
        "DATABASE_URL": fresh_database,
        "REDIS_URL": redis_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HALL_SNAPSHOT_PERIOD": "1",  # beat sends the snapshot job every second
        "HALL_INPROCESS_JOBS": "0",  # ... and only beat: the web server must not run it itself
        "HALL_VAR_DIR": str(tmp / "var"),
        "HALL_CHANNEL_PREFIX": f"hall-system-{secrets.token_hex(4)}",  # runs sharing one Redis stay apart
        "PYTHONUNBUFFERED": "1",
    }
    http = requests.Session()
    http.trust_env = False  # no proxy between the test and 127.0.0.1
    commands = {
        "web": f"uvicorn hall.asgi:application --host 127.0.0.1 --port {port} --lifespan on "
        "--ws-per-message-deflate false".split(),
        "web-api": f"gunicorn hall.wsgi:application --bind 127.0.0.1:{api_port} --workers 2".split(),
        "worker": f"celery -A hall worker -l info --concurrency 1 --pool solo --hostname system-{port}@%h".split(),
        "beat": f"celery -A hall beat -l info --schedule {tmp / 'beat-schedule'}".split(),
        "fanout": ["django", "run_fanout"],
    }
    logs = {name: tmp / f"{name}.log" for name in commands}
    base_url, api_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{api_port}"
    hall = Hall(base_url, f"{api_base}/api/v1", fresh_database, env, logs, ("clerk01", DEMO_PASSWORD), http)
    hall.manage("migrate", "--noinput")
    hall.manage("load_demo", "--quiet", "--no-traffic")

    with running(hall, commands, [base_url, api_base], request, "the system topology"):
        yield hall
    http.close()


@contextmanager
def running(hall: Hall, commands: dict[str, list[str]], ready: list[str], request, label: str):
    """Start `commands` (`python -m …`, logs in `hall.logs`), wait for /readyz of each of `ready`, and stop them all
    after; their logs are shown when a test of the module failed."""
    failures_before = request.session.testsfailed
    procs: dict[str, subprocess.Popen] = {}
    spawn = {"cwd": ROOT, "env": hall.env, "stderr": subprocess.STDOUT, "start_new_session": True}
    try:
        for name, command in commands.items():
            with hall.logs[name].open("wb") as log:
                procs[name] = subprocess.Popen([sys.executable, "-m", *command], stdout=log, **spawn)
        deadline, waiting = time.monotonic() + 30, list(ready)
        while waiting:
            dead = [name for name, proc in procs.items() if proc.poll() is not None]
            if dead:
                pytest.fail(f"{', '.join(dead)} exited during start-up\n{hall.tails()}")
            if time.monotonic() > deadline:
                pytest.fail(f"/readyz of {waiting} did not answer 200 within 30 s\n{hall.tails()}")
            # Refused, or accepted but not answered yet while the server loads: both mean "not ready yet".
            with suppress(requests.ConnectionError, requests.Timeout):
                if hall.http.get(f"{waiting[0]}/readyz", timeout=2).status_code == 200:
                    waiting.pop(0)
                    continue
            time.sleep(0.2)
        yield procs
    finally:
        for proc in procs.values():
            _signal_group(proc, signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()
        if request.session.testsfailed > failures_before:
            sys.__stderr__.write(f"\nLogs of {label}:\n{hall.tails()}\n")


def _receive_until(ws: ClientConnection, seen: list[dict], what: str, wanted, timeout: float = 10) -> dict:
    """Read messages into `seen` until one satisfies `wanted`."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = json.loads(ws.recv(timeout=left))
        except TimeoutError:
            break
        seen.append(message)
        if wanted(message):
            return message
    pytest.fail(f"no {what} within {timeout} s; received: {[m.get('type') for m in seen]}")


def _snapshot_job_runs(database_url: str) -> int:
    with closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT run_count FROM hall_jobstatus WHERE name = %s", [SNAPSHOT_JOB])
        row = cursor.fetchone()
    return row[0] if row else 0


def test_a_call_reaches_the_display_and_beat_drives_the_worker(hall):
    api, http = hall.api_url, hall.http
    center_id = hall.demo_center_id()
    queue = http.get(f"{api}/centers/{center_id}/queues/", timeout=10).json()[0]
    hall.manage("shell", "-c", open_all_day(int(queue["id"])))  # independent of the wall clock
    clerk = hall.signed_in(*hall.clerk)
    windows = clerk.get(f"{api}/centers/{center_id}/windows/", timeout=10).json()
    window = next(w for w in windows if w["kind"] == "general")  # a general window serves every queue
    signed_in = clerk.post(f"{api}/windows/{window['id']}/sign-in/", timeout=10)
    assert signed_in.status_code == 200, signed_in.text
    kiosk = hall.device(center_id, "issue")
    terminal = hall.device(center_id, "call", window_id=window["id"])  # acts for the clerk signed in there

    with hall.websocket(f"/ws/centers/{center_id}/display/") as ws:
        seen: list[dict] = []
        first = _receive_until(ws, seen, "first message", lambda m: True)
        assert first["type"] == "snapshot"

        issued = kiosk.post(f"{api}/tickets/", json={"queue": queue["id"], "channel": "kiosk"}, timeout=10)
        assert issued.status_code == 201, issued.text
        number = issued.json()["number"]
        called = terminal.post(f"{api}/windows/{window['id']}/call-next/", timeout=10)
        assert called.status_code == 200, called.text
        assert called.json()["number"] == number

        # Published after commit by the other server to Redis, sent by the fan-out process through the Redis
        # channel layer to this socket.
        def is_the_call(message: dict) -> bool:
            return any(call["number"] == number for call in message.get("calls", ()))

        delta = _receive_until(ws, seen, f"the call of {number}", is_the_call)
        assert "ticket.called" in delta["events"]
        assert [call["window_number"] for call in delta["calls"] if call["number"] == number] == [window["number"]]

        finished = clerk.post(f"{api}/tickets/{called.json()['id']}/finish/", timeout=10)
        assert finished.status_code == 200, finished.text
        assert finished.json()["status"] == "finished"

        # Beat sends the snapshot job; the worker runs it and pushes a snapshot through Redis to this socket ...
        if not any(m.get("type") == "snapshot" for m in seen[1:]):
            _receive_until(ws, seen, "snapshot pushed by the job", lambda m: m.get("type") == "snapshot", 20)

    # ... and records the run in the database.
    deadline = time.monotonic() + 20
    while (runs := _snapshot_job_runs(hall.database_url)) < 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert runs >= 1, f"{SNAPSHOT_JOB} never ran in the worker"


def test_the_supervisor_screen_refuses_a_visitor_without_a_session(hall):
    center_id = hall.demo_center_id()
    screen = f"/ws/centers/{center_id}/screen/"
    # The same origin opens the public display: a refusal below is the screen's own decision.
    with hall.websocket(f"/ws/centers/{center_id}/display/") as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"

    with pytest.raises((InvalidStatus, ConnectionClosed)) as refused, hall.websocket(screen) as ws:
        ws.recv(timeout=10)
    if isinstance(refused.value, InvalidStatus):  # closed before the handshake completed: HTTP 403
        assert refused.value.response.status_code == 403
    else:
        assert refused.value.rcvd is not None and refused.value.rcvd.code == 4403
