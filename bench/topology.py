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
    def __init__(self, *, env: dict[str, str], logs: Path, web_workers: int = 2):
        self.env = env
        self.logs = logs
        self.port = free_port()
        self.web_workers = web_workers
        self.procs: dict[str, subprocess.Popen] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def commands(self) -> dict[str, list[str]]:
        return {
            "web": [
                "uvicorn",
                "hall.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.web_workers),
                "--lifespan",
                "on",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            "fanout": ["django", "run_fanout"],
            "worker": ["celery", "-A", "hall", "worker", "-l", "warning", "--concurrency", "1", "--pool", "solo"],
            "beat": ["celery", "-A", "hall", "beat", "-l", "warning", "--schedule", str(self.logs / "beat-schedule")],
        }

    def start(self, timeout: float = 60) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        for name, command in self.commands().items():
            with (self.logs / f"{name}.log").open("wb") as log:
                self.procs[name] = subprocess.Popen(
                    [sys.executable, "-m", *command],
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead = [name for name, proc in self.procs.items() if proc.poll() is not None]
            if dead:
                raise RuntimeError(f"{', '.join(dead)} exited during start-up; see {self.logs}")
            with suppress(OSError), urllib.request.urlopen(f"{self.base_url}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"the web server did not answer /readyz within {timeout:.0f} s; see {self.logs}")

    def stop(self) -> None:
        for proc in self.procs.values():
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs.clear()
