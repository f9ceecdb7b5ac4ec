"""The production topology on servers of the test's own, for the reliability tests: a fresh PostgreSQL database (as in
test_topology.py) and a Redis server on a free port, so that stopping one disturbs nothing else and no other worker
on a shared Redis takes the test's jobs. Any process may be killed and started again on the same port."""

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass

import psycopg2
import pytest
import redis
import requests

from tests.system.test_topology import ROOT, Hall, _free_ports, _signal_group, running


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


@dataclass
class OwnHall:
    hall: Hall
    redis: OwnRedis
    commands: dict[str, list[str]]
    # The very dict `running` stops at the end: a process started again is stopped with the others.
    procs: dict[str, subprocess.Popen]

    @property
    def sockets_url(self) -> str:
        return self.hall.base_url

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal the process and its children (they share its session) and wait until it is gone."""
        proc = self.procs[name]
        _signal_group(proc, sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{name} did not exit within 20 s of signal {sig}\n{self.hall.tails()}")

    def start(self, name: str, ready: str | None = None) -> None:
        """Start `name` again as the topology started it, its log appended to; wait for `ready`/readyz if given."""
        with self.hall.logs[name].open("ab") as log:
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-m", *self.commands[name]],
                cwd=ROOT,
                env=self.hall.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while ready is not None:
            if self.procs[name].poll() is not None:
                pytest.fail(f"{name} exited during start-up\n{self.hall.tails()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{ready}/readyz did not answer 200 within 30 s\n{self.hall.tails()}")
            with suppress(requests.ConnectionError, requests.Timeout):
                if self.hall.http.get(f"{ready}/readyz", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)


@contextmanager
def own_hall(
    servers, fresh_database, tmp_path_factory, request, *, processes: Iterable[str], env: dict[str, str] | None = None
) -> Iterator[OwnHall]:
    """The demo hall with `processes` among web (gunicorn, the API), sockets (uvicorn, the screens), fanout and worker
    (Celery, as the Procfile runs it), `env` added to their environment; everything stopped after."""
    from queueing.management.demo_data import DEMO_PASSWORD

    tmp = tmp_path_factory.mktemp("own-topology")
    web_port, socket_port, redis_port = _free_ports(3)
    own_redis = OwnRedis(redis_port)
    own_redis.start()
    hall_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hall.settings",
        "DATABASE_URL": fresh_database,
        "REDIS_URL": own_redis.url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HALL_INPROCESS_JOBS": "0",
        "HALL_VAR_DIR": str(tmp / "var"),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    available = {
        "web": f"gunicorn hall.wsgi:application --bind 127.0.0.1:{web_port} --workers 2".split(),
        "sockets": f"uvicorn hall.asgi:application --host 127.0.0.1 --port {socket_port} --lifespan on "
        "--ws-per-message-deflate false".split(),
        "fanout": ["django", "run_fanout"],
        "worker": f"celery -A hall worker -l info --concurrency 1 --hostname reliability-{web_port}@%h".split(),
    }
    commands = {name: available[name] for name in processes}
    logs = {name: tmp / f"{name}.log" for name in commands}
    http = requests.Session()
    http.trust_env = False
    web, sockets = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{socket_port}"
    hall = Hall(sockets, f"{web}/api/v1", fresh_database, hall_env, logs, ("clerk01", DEMO_PASSWORD), http)
    try:
        hall.manage("migrate", "--noinput")
        hall.manage("load_demo", "--quiet", "--no-traffic")
        ready = [url for name, url in (("web", web), ("sockets", sockets)) if name in commands]
        with running(hall, commands, ready, request, "the reliability topology") as procs:
            yield OwnHall(hall, own_redis, commands, procs)
    finally:
        with suppress(Exception):
            own_redis.stop()
        http.close()


def log_of(hall: Hall, name: str) -> str:
    return hall.logs[name].read_text(errors="replace")


def query(database_url: str, sql: str, params=()) -> list[tuple]:
    """Run one statement on its own connection, committed; its rows, if it returns any."""
    with closing(psycopg2.connect(database_url)) as conn, conn, conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []
