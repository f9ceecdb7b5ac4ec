"""The embedded hall started as a newcomer starts it, in a child process, for browser and system tests."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Queue hours that let a test take numbers whenever it runs: all day, no break, weekends and holidays too.
OPEN_ALL_DAY_EVERY_DAY = {
    "opens_at": "00:00",
    "closes_at": "23:59:59",
    "open_on_days_off": True,
    "break_starts_at": None,
    "break_ends_at": None,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(*args, env, timeout=180):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)


@pytest.fixture(scope="session")
def hall_server(tmp_path_factory):
    """The embedded hall as a newcomer runs it: one process, SQLite, demo data; queues open all day."""
    var = tmp_path_factory.mktemp("hall-var")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(HALL_VAR_DIR=str(var), HALL_SNAPSHOT_PERIOD="2", HALL_INPROCESS_JOBS="1", PYTHONUNBUFFERED="1")
    manage("migrate", "-v0", env=env)
    manage("load_demo", "--quiet", "--no-traffic", env=env)
    manage(
        "shell",
        "-c",
        f"from queueing.models import Queue; Queue.objects.update(**{OPEN_ALL_DAY_EVERY_DAY!r})",
        env=env,
    )
    server = HallServer(env=env, var=var)
    server.start()
    yield server
    server.stop()


class HallServer:
    """`manage.py serve` in a child process; it can be stopped and started again on the same port."""

    def __init__(self, *, env, var):
        self.env = env
        self.database_path = var / "hall.sqlite3"
        self.log_path = var / "server.log"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "serve", "--no-demo", "--no-migrate", "--port", str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{self.base}/healthz", timeout=1).status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        pytest.fail("the hall did not start:\n" + self.log_path.read_text())

    def register_device(self, center_id: int, *may: str, name: str = "测试取号机") -> str:
        """A device of the hall registered as an operator does it; its token."""
        options = [arg for capability in may or ("issue",) for arg in ("--may", capability)]
        command = ["register_device", "--center", str(center_id), "--name", name, *options]
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    def shell(self, code: str) -> str:
        """What `code` prints, run by `manage.py shell` against this hall's database (its SECRET_KEY and var/)."""
        return subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def demo_center_id(hall_server) -> int:
    with urllib.request.urlopen(f"{hall_server.base}/api/v1/centers/?format=json", timeout=5) as response:
        centers = json.load(response)
    return next(c["id"] for c in centers if c["code"] == "DEMO")
