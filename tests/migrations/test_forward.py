"""An existing hall migrates forward with every row and every figure.

The recorded database is the demo hall (`load_demo`) plus one working day of tickets, as the code before the
organisation moved to `centers` wrote it (tests/migrations/replay.py says how it is replayed). The replay runs in a
process of its own on a database of its own: on SQLite in the embedded run, on PostgreSQL when DATABASE_URL is set.
"""

import datetime
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


# Derived data, not the hall's records: the upgrade drops the counters and the periodic check rebuilds them from the
# tickets (test_the_days_figures_are_the_same proves they hold).
DERIVED = {"queueing.queuehourflow", "queueing.windowdayflow"}
# Rows that migrations after the recording add on purpose: the SMS templates of cases (matters 0006, queueing 0017),
# of licence expiry (licenses 0003) and of the review invitations of numbers and cases (evaluations 0002, 0004).
ADDED_SINCE = {"notifications.messagetemplate": 7}


def test_every_row_is_still_there(replayed):
    recorded = {
        label: n + ADDED_SINCE.get(label, 0) for label, n in replayed["recorded"].items() if label not in DERIVED
    }
    found = {label: n for label, n in replayed["found"].items() if label not in DERIVED}
    assert found == recorded
    assert sum(recorded.values()) > 1500
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


def _mean_wait_of_citizens(records: list[dict]) -> float:
    """Each citizen's wait, from taking the number to the first call, as the event log recorded it."""
    first_call: dict[int, datetime.datetime] = {}
    for r in records:
        if r["model"] == "queueing.ticketevent" and r["fields"]["kind"] == "called":
            at = datetime.datetime.fromisoformat(r["fields"]["at"])
            ticket = r["fields"]["ticket"]
            first_call[ticket] = min(at, first_call.get(ticket, at))
    waits = [
        first_call[r["pk"]] - datetime.datetime.fromisoformat(r["fields"]["issued_at"])
        for r in records
        if r["model"] == "queueing.ticket" and r["fields"]["transferred_from"] is None and r["pk"] in first_call
    ]
    return round(sum(waits, datetime.timedelta()).total_seconds() / len(waits) / 60, 1)


def test_the_days_figures_are_the_same(replayed, document):
    expected = document["expected"]
    assert replayed["per_queue"] == expected["per_queue"]
    assert replayed["served_per_window"] == expected["served_per_window"]
    totals, before = replayed["totals"], expected["totals"]
    for name in ("issued", "waiting", "served", "longest_wait_minutes"):
        assert totals[name] == before[name], name
    # "At windows" is two figures now, called and in service.
    assert totals["called"] + totals["in_service"] == before["at_windows"]
    # The mean wait now counts each citizen once, to the first call (a transfer or a recall used to add a wait).
    assert totals["mean_wait_minutes"] == _mean_wait_of_citizens(document["records"])
    # The upgrade dropped the derived counters; the periodic check rebuilt them, and they hold.
    assert replayed["counter_rows_rebuilt"] > 0
    assert replayed["counter_rows_off_after"] == 0
