"""The embedded hall runs its periodic jobs inside the server process, with no Celery worker or beat."""

import json
import sqlite3
import time
from contextlib import closing

import pytest
from websockets.sync.client import connect

pytestmark = pytest.mark.system

SNAPSHOT_JOB = "dashboards.push_hall_snapshots"


def job_runs(database_path, name: str) -> int:
    with closing(sqlite3.connect(database_path)) as db:
        row = db.execute("SELECT run_count, last_ok FROM hall_jobstatus WHERE name = ?", [name]).fetchone()
    if row is None:
        return 0
    assert row[1] == 1, f"{name} failed on its last run"
    return row[0]


def test_snapshot_job_runs_in_process_and_reaches_the_screens(hall_server, demo_center_id):
    port = hall_server.port
    with connect(
        f"ws://127.0.0.1:{port}/ws/centers/{demo_center_id}/display/", origin=f"http://127.0.0.1:{port}"
    ) as socket:
        assert json.loads(socket.recv(timeout=10))["type"] == "snapshot"  # sent on connect
        # The next snapshot comes from the periodic job (every 2 s in this server), not from the connection.
        assert json.loads(socket.recv(timeout=10))["type"] == "snapshot"

    deadline = time.monotonic() + 10
    while job_runs(hall_server.database_path, SNAPSHOT_JOB) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert job_runs(hall_server.database_path, SNAPSHOT_JOB) >= 2
