"""`python -m bench [--size smoke|full]`: start the production topology on a database and a Redis database of its own,
run every scenario beside its PostgreSQL floor, check the database after each, and write the results (JSON and a
Markdown table) to bench/results/. Exits 1 when a database check fails. See bench/README.md."""

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARTS = ("issue", "call", "drain", "fanout", "snapshot", "licences", "reviews")
SIZES = {
    # A few seconds each: CI's smoke run asserts the checks and reports the figures.
    "smoke": {
        "seconds": 3,
        "issue_clients": (1, 8),
        "call_clerks": 8,
        "call_backlog": 600,
        "drain_clerks": 16,
        "drain_backlog": 400,
        "sockets": (50,),
        "calls_per_second": 5,
        "fanout_seconds": 4,
        "snapshot_windows": (10,),
        "snapshot_runs": 5,
        "floor_backlog": 50_000,
        "licence_rows": 20_000,
        "review_rows": 20_000,
    },
    "full": {
        "seconds": 15,
        "issue_clients": (1, 8, 32),
        "call_clerks": 32,
        "call_backlog": 12_000,
        "drain_clerks": 120,
        "drain_backlog": 10_000,
        "sockets": (1000, 2000),
        "calls_per_second": 20,
        "fanout_seconds": 20,
        "snapshot_windows": (10, 120),
        "snapshot_runs": 60,
        "floor_backlog": 400_000,
        "licence_rows": 10_000_000,
        "review_rows": 1_000_000,
    },
}


def arguments():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts to run, of {', '.join(PARTS)}")
    parser.add_argument("--serving", choices=("wsgi", "asgi"), default="wsgi", help="see bench/topology.py")
    parser.add_argument("--licence-rows", type=int, help="licences to import (default: the size's)")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE", "hall_bench_run"), help="dropped and created afresh"
    )
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres@127.0.0.1:5432"), help="user@host:port")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"))
    return parser.parse_args()


def main() -> int:
    args = arguments()
    size = SIZES[args.size]
    if not args.database.startswith("hall_bench"):
        sys.exit("The benchmark's database is dropped and created: its name must start with hall_bench.")
    user, _, address = args.pg.partition("@")
    host, _, port = address.partition(":")
    dsn = {"user": user, "host": host, "port": int(port or 5432), "name": args.database}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hall.settings",
        "DATABASE_URL": f"postgres://{user}@{host}:{dsn['port']}/{args.database}",
        "REDIS_URL": args.redis,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HALL_INPROCESS_JOBS": "0",
        "HALL_CHANNEL_PREFIX": f"bench-{secrets.token_hex(4)}",
        "HALL_TICKET_ISSUE_RATE": "1000000/minute",  # the harness's kiosks are far faster than a citizen's hand
        "HALL_LICENSE_VERIFY_RATE": "1000000/minute",
        "HALL_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    recreate_database(dsn)
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    results = run(args, size, dsn, env)
    paths = write(results, args.out)
    print(paths["markdown"].read_text())
    failed = [name for name, check in results["checks"].items() if not check["ok"]]
    if failed:
        print(f"database checks failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def recreate_database(dsn: dict) -> None:
    import psycopg2

    admin = psycopg2.connect(dbname="postgres", user=dsn["user"], host=dsn["host"], port=dsn["port"])
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{dsn["name"]}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{dsn["name"]}"')
    admin.close()


def run(args, size: dict, dsn: dict, env: dict) -> dict:
    parts = {part.strip() for part in args.only.split(",")}
    from django.db import connection

    from bench import checks, floor, scenarios, snapshot, world
    from bench.cpu import CpuMeter
    from bench.topology import FloorServer, Topology

    hall = world.seed(windows=max(size["drain_clerks"], size["call_clerks"]), kiosks=max(size["issue_clients"]))
    floor.prepare(dsn, backlog=size["floor_backlog"])
    results = {"size": args.size, "issue": [], "call_and_finish": [], "fanout": [], "snapshot": [], "checks": {}}
    if "licences" in parts:
        # Before the servers start: the import has the two cores to itself, as it would at night.
        from bench import licences

        results["licences"] = licences.measure(rows=args.licence_rows or size["licence_rows"])
    if "reviews" in parts:
        from bench import reviews

        results["reviews"] = reviews.measure(rows=size["review_rows"])
    topology = Topology(env=env, logs=args.out / "logs", serving=args.serving, web_workers=args.web_workers)
    topology.start()
    base, seconds = topology.base_url, size["seconds"]
    results["serving"] = {"mode": args.serving, "web_workers": args.web_workers}
    try:
        # Every worker opens its connection and loads its code before anything is measured.
        asyncio.run(scenarios.issue(base, hall, clients=max(size["issue_clients"]), queues=20, seconds=2))
        for queues in (1, 20) if "issue" in parts else ():
            for clients in size["issue_clients"]:
                world.clear_tickets(hall)
                with CpuMeter(topology.groups()) as cpu:
                    measured = asyncio.run(scenarios.issue(base, hall, clients=clients, queues=queues, seconds=seconds))
                measured["cores"] = cpu.cores
                issued = measured.pop("ids")
                results["checks"][f"issue {clients} clients {queues} queues"] = checks.database_check(
                    center_id=hall.center_id, issued_ids=issued
                )
                measured["floor"] = floor.issue_floor(dsn, clients=clients, queues=queues, seconds=seconds)
                results["issue"].append(measured)

        if "issue" in parts:
            clients = max(size["issue_clients"])
            with FloorServer.framework(env=env, logs=args.out / "logs", workers=args.web_workers) as server:
                cpu = CpuMeter({server.proc.pid: "web"})
                with cpu:
                    measured = asyncio.run(scenarios.empty_view(server.url, clients=clients, seconds=seconds))
            results["empty_view"] = {**measured, "cores": cpu.cores}

        if "call" in parts:
            world.clear_tickets(hall)
            world.fill_backlog(hall, tickets=size["call_backlog"], queues=20)
            with CpuMeter(topology.groups()) as cpu:
                measured = asyncio.run(
                    scenarios.call_and_finish(base, hall, clerks=size["call_clerks"], seconds=seconds)
                )
            measured["cores"] = cpu.cores
            served = measured.pop("served_ids")
            results["checks"][f"call + finish {size['call_clerks']} clerks"] = checks.database_check(
                center_id=hall.center_id, served_ids=served
            )
            measured["floor"] = floor.call_and_finish_floor(dsn, clients=size["call_clerks"], seconds=seconds)
            results["call_and_finish"].append(measured)

        if "drain" in parts:
            world.clear_tickets(hall)
            world.fill_backlog(hall, tickets=size["drain_backlog"], queues=20)
            with CpuMeter(topology.groups()) as cpu:
                measured = asyncio.run(scenarios.call_and_finish(base, hall, clerks=size["drain_clerks"], seconds=900))
            measured["cores"] = cpu.cores
            served = measured.pop("served_ids")
            check = checks.database_check(center_id=hall.center_id, served_ids=served, drained=True)
            check["served"] = len(served) == size["drain_backlog"]
            check["ok"] = check["ok"] and check["served"]
            results["checks"][f"{size['drain_clerks']} clerks drain {size['drain_backlog']} tickets"] = check
            measured["backlog"] = size["drain_backlog"]
            results["call_and_finish"].append(measured)

        for sockets in size["sockets"] if "fanout" in parts else ():
            world.clear_tickets(hall)
            world.fill_backlog(hall, tickets=int(size["calls_per_second"] * size["fanout_seconds"] * 2) + 50, queues=20)
            with CpuMeter(topology.groups()) as cpu:
                measured = asyncio.run(
                    scenarios.fanout(
                        base,
                        hall,
                        socket_url=topology.socket_url,
                        sockets=sockets,
                        calls_per_second=size["calls_per_second"],
                        seconds=size["fanout_seconds"],
                    )
                )
            measured["cores"] = cpu.cores
            with FloorServer.fanout(env=env, logs=args.out / "logs") as floor_server:
                measured["floor"] = asyncio.run(
                    scenarios.fanout_floor(
                        floor_url=floor_server.url,
                        sockets=sockets,
                        calls_per_second=size["calls_per_second"],
                        seconds=size["fanout_seconds"],
                    )
                )
            results["fanout"].append(measured)
        if "licences" in parts:
            from bench import licences

            results["licences"]["verify_http"] = licences.verify_over_http(base, licences.sample_identifiers())
    finally:
        topology.stop()
        connection.close()
    for windows in size["snapshot_windows"] if "snapshot" in parts else ():
        results["snapshot"].append(snapshot.measure(windows=windows, runs=size["snapshot_runs"]))
    results["machine"] = machine()
    return results


def machine() -> dict:
    def first(path: str, key: str) -> str:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
        return ""

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True)
    return {
        "cpus": os.cpu_count(),
        "cpu": first("/proc/cpuinfo", "model name"),
        "memory": first("/proc/meminfo", "MemTotal"),
        "python": sys.version.split()[0],
        "postgresql": postgres.stdout.strip(),
        "commit": commit.stdout.strip(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def write(results: dict, out: Path) -> dict[str, Path]:
    from bench.report import markdown

    out.mkdir(parents=True, exist_ok=True)
    stem = f"{results['size']}-{time.strftime('%Y%m%d-%H%M%S')}"
    paths = {"json": out / f"{stem}.json", "markdown": out / f"{stem}.md"}
    paths["json"].write_text(json.dumps(results, indent=2, ensure_ascii=False))
    paths["markdown"].write_text(markdown(results))
    return paths


if __name__ == "__main__":
    sys.exit(main())
