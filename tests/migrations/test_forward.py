"""An existing hall migrates forward with every row and every figure.

The recorded database is the demo hall (`load_demo`) plus one working day of tickets, as the code before the
organisation moved to `centers` wrote it (tests/migrations/replay.py says how it is replayed). The replay runs in a
process of its own on a database of its own: on SQLite in the embedded run, on PostgreSQL when DATABASE_URL is set.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.migrations.replay import MOVED, load_document

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _fresh_database(tmp_path) -> tuple[dict, object]:
    """(environment for the replay, clean-up) on a new empty database of the kind the run uses."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return {"HALL_SQLITE_PATH": str(tmp_path / "replay.sqlite3")}, lambda: None
    import psycopg2

    name = f"hall_replay_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")

    def drop():
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name}")
        admin.close()

    return {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}, drop


@pytest.fixture(scope="module")
def replayed(tmp_path_factory) -> dict:
    tmp_path = tmp_path_factory.mktemp("replay")
    database, drop = _fresh_database(tmp_path)
    env = {**os.environ, **database, "HALL_VAR_DIR": str(tmp_path), "HALL_INPROCESS_JOBS": "0"}
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "migrations" / "replay.py")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        drop()
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def document() -> dict:
    return load_document()


def test_every_row_is_still_there(replayed):
    assert replayed["found"] == replayed["recorded"]
    # The organisation's tables moved: the counts above are read through the new models.
    assert {"queueing.center", "queueing.zone", "matters.department", "queueing.staffmembership"} <= set(MOVED)


def test_the_organisation_reads_the_same_through_its_new_models(replayed, document):
    records = document["records"]

    def rows(label):
        return {r["pk"]: r["fields"] for r in records if r["model"] == label}

    centers = rows("queueing.center")
    code_of = {pk: fields["code"] for pk, fields in centers.items()}
    assert replayed["organisation"]["centers"] == sorted(
        [f["code"], f["name"], f["level"], code_of.get(f["parent"])] for f in centers.values()
    )
    departments = rows("matters.department")
    assert replayed["organisation"]["departments"] == sorted([f["code"], f["name"]] for f in departments.values())
    zones = rows("queueing.zone")
    assert replayed["organisation"]["zones"] == sorted(
        [code_of[f["center"]], f["code"], f["name"]] for f in zones.values()
    )
    users = {r["pk"]: r["fields"]["username"] for r in records if r["model"] == "accounts.user"}
    department_code = {pk: f["code"] for pk, f in departments.items()}
    memberships = rows("queueing.staffmembership")
    assert replayed["organisation"]["memberships"] == sorted(
        (
            [users[f["user"]], code_of[f["center"]], f["role"], department_code.get(f["department"])]
            for f in memberships.values()
        ),
        key=lambda row: str(tuple(row)),
    )
    zone_code = {pk: f["code"] for pk, f in zones.items()}
    windows = rows("queueing.window")
    assert replayed["organisation"]["windows"] == sorted(
        (
            [code_of[f["center"]], f["number"], zone_code[f["zone"]], department_code.get(f["department"])]
            for f in windows.values()
        ),
        key=lambda row: str(tuple(row)),
    )
    assert replayed["organisation"]["settings_centers"] == sorted(
        code_of[f["center"]] for f in rows("queueing.centersettings").values()
    )


def test_the_days_figures_are_the_same(replayed, document):
    expected = document["expected"]
    assert replayed["per_queue"] == expected["per_queue"]
    assert replayed["served_per_window"] == expected["served_per_window"]
    assert replayed["totals"] == expected["totals"]
    # The counters carried over agree with the tickets.
    assert replayed["flow_rows_off"] == 0
