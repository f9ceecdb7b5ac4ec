"""The production topology on this machine: the web server (ASGI, or WSGI beside an ASGI server for the sockets),
the fan-out, a Celery worker and beat, on the benchmark's own PostgreSQL database and Redis database."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Topology:
    """`serving="wsgi"`: gunicorn's sync workers for HTTP (persistent database connections) and one uvicorn for the
    websockets, as a reverse proxy would split them; `serving="asgi"`: uvicorn workers for both."""

    def __init__(self, *, env: dict[str, str], logs: Path, serving: str = "wsgi", web_workers: int = 4):
        self.env = env
        self.logs = logs
        self.serving = serving
        self.port, self.socket_port = free_port(), free_port()
        self.web_workers = web_workers
        self.procs: dict[str, subprocess.Popen] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def socket_url(self) -> str:
        return f"http://127.0.0.1:{self.socket_port if self.serving == 'wsgi' else self.port}"

    def commands(self) -> dict[str, list[str]]:
        if self.serving == "wsgi":
            web = {
                "web": [
                    "gunicorn",
                    "hall.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.web_workers),
                    "--preload",
                    "--log-level",
                    "warning",
                ],
                "sockets": self.uvicorn(self.socket_port, workers=1),
            }
        else:
            web = {"web": self.uvicorn(self.port, workers=self.web_workers)}
        return {
            **web,
            "fanout": ["django", "run_fanout"],
            "worker": ["celery", "-A", "hall", "worker", "-l", "warning", "--concurrency", "1", "--pool", "solo"],
            "beat": ["celery", "-A", "hall", "beat", "-l", "warning", "--schedule", str(self.logs / "beat-schedule")],
        }

    @staticmethod
    def uvicorn(port: int, *, workers: int, app: str = "hall.asgi:application") -> list[str]:
        return [
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--lifespan",
            "on",
            "--no-access-log",
            "--log-level",
            "warning",
            "--ws-per-message-deflate",
            "false",
        ]

    def start(self, timeout: float = 60) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        for name, command in self.commands().items():
            env = self.env
            if name == "web" and self.serving == "wsgi":
                env = {**env, "HALL_DB_CONN_MAX_AGE": env.get("HALL_DB_CONN_MAX_AGE", "600")}
            with (self.logs / f"{name}.log").open("wb") as log:
                self.procs[name] = subprocess.Popen(
                    [sys.executable, "-m", *command],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        deadline, waiting = time.monotonic() + timeout, list(dict.fromkeys([self.base_url, self.socket_url]))
        while waiting:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{waiting} did not answer /readyz within {timeout:.0f} s; see {self.logs}")
            dead = [name for name, proc in self.procs.items() if proc.poll() is not None]
            if dead:
                raise RuntimeError(f"{', '.join(dead)} exited during start-up; see {self.logs}")
            with suppress(OSError), urllib.request.urlopen(f"{waiting[0]}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    waiting.pop(0)
                    continue
            time.sleep(0.3)

    def groups(self) -> dict[int, str]:
        """Process group → part: each part starts a session of its own, so its workers share its group."""
        return {proc.pid: name for name, proc in self.procs.items()}

    def stop(self) -> None:
        stop_groups(list(self.procs.values()), timeout=15)
        self.procs.clear()


def stop_groups(procs: list[subprocess.Popen], *, timeout: float) -> None:
    """Ask each process group to end (the server and its workers), all at once; kill what is left after `timeout`."""
    for proc in procs:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class FloorServer:
    """One server of a floor, beside the topology: `with FloorServer.framework(...) as server:`
    (bench/framework_floor.py: the hall's settings and middleware with an empty view, under the hall's gunicorn) or
    `FloorServer.fanout(...)` (bench/fanout_floor.py under the same uvicorn as the hall's sockets)."""

    def __init__(self, *, command: list[str], env: dict[str, str], logs: Path, log: str, port: int):
        self.command, self.env, self.logs, self.log, self.port = command, env, logs, log, port
        self.proc: subprocess.Popen | None = None

    @classmethod
    def framework(cls, *, env: dict[str, str], logs: Path, workers: int) -> "FloorServer":
        port = free_port()
        command = ["gunicorn", "hall.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        command += ["--preload", "--log-level", "warning"]
        env = {**env, "DJANGO_SETTINGS_MODULE": "bench.framework_floor"}
        return cls(command=command, env=env, logs=logs, log="framework-floor.log", port=port)

    @classmethod
    def fanout(cls, *, env: dict[str, str], logs: Path) -> "FloorServer":
        port = free_port()
        command = Topology.uvicorn(port, workers=1, app="bench.fanout_floor:app")
        return cls(command=command, env=env, logs=logs, log="fanout-floor.log", port=port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        with (self.logs / self.log).open("wb") as output:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", *self.command],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a process group of its own: its CPU time is told apart
            )
        deadline = time.monotonic() + 30
        while True:
            with suppress(OSError), urllib.request.urlopen(f"{self.url}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return self
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"{self.log} did not start; see {self.logs}")
            time.sleep(0.2)

    def __exit__(self, *exc_info):
        stop_groups([self.proc], timeout=10)
        return False
