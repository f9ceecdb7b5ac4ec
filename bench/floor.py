"""The PostgreSQL floor: pgbench running the statements of taking a number and of calling + finishing, written by
hand with nothing of the application around them, on tables shaped like the hall's, in the benchmark's database."""

import subprocess
import tempfile
from pathlib import Path

from bench.load import percentile_ms

TABLES = """
DROP TABLE IF EXISTS floor_counter, floor_ticket, floor_flow, floor_event;
CREATE TABLE floor_counter (queue_id int, service_date date, last_sequence int NOT NULL,
    PRIMARY KEY (queue_id, service_date));
CREATE TABLE floor_ticket (id bigserial PRIMARY KEY, queue_id int NOT NULL, service_date date NOT NULL,
    sequence int NOT NULL, number varchar(8) NOT NULL, status varchar(12) NOT NULL, priority_rank smallint NOT NULL
    DEFAULT 9, issued_at timestamptz NOT NULL, queued_at timestamptz NOT NULL, window_id int, called_at timestamptz,
    finished_at timestamptz, UNIQUE (queue_id, service_date, number));
CREATE INDEX floor_ticket_waiting ON floor_ticket (queue_id, priority_rank, queued_at) WHERE status = 'waiting';
CREATE TABLE floor_flow (queue_id int, service_date date, hour smallint, stripe smallint, issued int NOT NULL
    DEFAULT 0, called int NOT NULL DEFAULT 0, served int NOT NULL DEFAULT 0,
    PRIMARY KEY (queue_id, service_date, hour, stripe));
CREATE TABLE floor_event (id bigserial PRIMARY KEY, ticket_id bigint NOT NULL, kind varchar(12) NOT NULL,
    at timestamptz NOT NULL);
"""

BACKLOG = """
INSERT INTO floor_ticket (queue_id, service_date, sequence, number, status, issued_at, queued_at)
SELECT 1, current_date, n, 'Z' || n, 'waiting', now(), now() + n * interval '1 microsecond'
FROM generate_series(1, %(tickets)s) n;
ANALYZE floor_ticket;
"""

ISSUE = r"""
\set q random(1, :queues)
BEGIN;
INSERT INTO floor_counter VALUES (:q, current_date, 1) ON CONFLICT (queue_id, service_date)
  DO UPDATE SET last_sequence = floor_counter.last_sequence + 1 RETURNING last_sequence AS seq \gset
INSERT INTO floor_ticket (queue_id, service_date, sequence, number, status, issued_at, queued_at)
  VALUES (:q, current_date, :seq, 'A' || :seq, 'waiting', now(), now()) RETURNING id AS tid \gset
INSERT INTO floor_flow (queue_id, service_date, hour, stripe, issued)
  VALUES (:q, current_date, extract(hour FROM now()), pg_backend_pid() % 8, 1)
  ON CONFLICT (queue_id, service_date, hour, stripe) DO UPDATE SET issued = floor_flow.issued + 1;
INSERT INTO floor_event (ticket_id, kind, at) VALUES (:tid, 'issued', now());
COMMIT;
"""

CALL_AND_FINISH = r"""
\set w random(1, 120)
BEGIN;
SELECT id AS tid FROM floor_ticket WHERE queue_id = 1 AND service_date = current_date AND status = 'waiting'
  ORDER BY priority_rank, queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED \gset
UPDATE floor_ticket SET status = 'called', window_id = :w, called_at = now() WHERE id = :tid;
INSERT INTO floor_event (ticket_id, kind, at) VALUES (:tid, 'called', now());
INSERT INTO floor_flow (queue_id, service_date, hour, stripe, called)
  VALUES (1, current_date, extract(hour FROM now()), :w % 8, 1)
  ON CONFLICT (queue_id, service_date, hour, stripe) DO UPDATE SET called = floor_flow.called + 1;
COMMIT;
BEGIN;
UPDATE floor_ticket SET status = 'finished', finished_at = now() WHERE id = :tid;
INSERT INTO floor_event (ticket_id, kind, at) VALUES (:tid, 'finished', now());
INSERT INTO floor_flow (queue_id, service_date, hour, stripe, served)
  VALUES (1, current_date, extract(hour FROM now()), :w % 8, 1)
  ON CONFLICT (queue_id, service_date, hour, stripe) DO UPDATE SET served = floor_flow.served + 1;
COMMIT;
"""


def _psql(dsn: dict, sql: str) -> None:
    subprocess.run(
        [
            "psql",
            "-h",
            dsn["host"],
            "-p",
            str(dsn["port"]),
            "-U",
            dsn["user"],
            "-d",
            dsn["name"],
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ],
        check=True,
        capture_output=True,
    )


def prepare(dsn: dict, *, backlog: int) -> None:
    _psql(dsn, TABLES)
    _psql(dsn, BACKLOG % {"tickets": backlog})


def pgbench(dsn: dict, script: str, *, clients: int, seconds: float, variables: dict | None = None) -> dict:
    """Run `script` with `clients` connections for `seconds`; per-transaction latencies from pgbench's log."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder)
        (path / "script.sql").write_text(script)
        command = [
            "pgbench",
            "-h",
            dsn["host"],
            "-p",
            str(dsn["port"]),
            "-U",
            dsn["user"],
            "-n",
            "-c",
            str(clients),
            "-j",
            str(min(clients, 2)),
            "-T",
            str(max(1, round(seconds))),
            "-f",
            str(path / "script.sql"),
            "-l",
            "--log-prefix",
            str(path / "tx"),
        ]
        for name, value in (variables or {}).items():
            command += ["-D", f"{name}={value}"]
        done = subprocess.run([*command, dsn["name"]], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"pgbench failed: {done.stderr[-2000:]}")
        latencies = sorted(
            int(line.split()[2]) / 1_000_000
            for log in path.glob("tx.*")
            for line in log.read_text().splitlines()
            if line.strip()
        )
    tps = next(
        float(line.split("=")[1].split()[0])
        for line in done.stdout.splitlines()
        if line.startswith("tps") and "without initial" in line
    )
    return {
        "clients": clients,
        "per_second": round(tps, 1),
        "p50_ms": percentile_ms(latencies, 50),
        "p99_ms": percentile_ms(latencies, 99),
    }


def issue_floor(dsn: dict, *, clients: int, queues: int, seconds: float) -> dict:
    return {"queues": queues, **pgbench(dsn, ISSUE, clients=clients, seconds=seconds, variables={"queues": queues})}


def call_and_finish_floor(dsn: dict, *, clients: int, seconds: float) -> dict:
    return pgbench(dsn, CALL_AND_FINISH, clients=clients, seconds=seconds)
