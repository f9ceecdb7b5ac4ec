"""The big screen's snapshot builder at the size of a busy district hall: one centre with 8 zones, 24 queues, 10 or
120 windows and 10,000 tickets of today with their events; `hall_snapshot` (public and supervisor) and the delta of a
call, timed in process (median, 95th percentile, queries). `python -m bench` runs it (`measure`); alone:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hall_bench .venv/bin/python bench/snapshot.py
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings")

WINDOWS, QUEUES, ZONES, TICKETS, RUNS = 120, 24, 8, 10_000, 60


def recreate_database() -> None:
    import psycopg2
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if not name.startswith("hall_bench"):
        sys.exit("Refusing to drop a database whose name does not start with hall_bench.")
    params = {k: settings.DATABASES["default"][k] for k in ("USER", "HOST", "PORT") if settings.DATABASES["default"][k]}
    connection = psycopg2.connect(
        dbname="postgres", user=params.get("USER"), host=params.get("HOST"), port=params.get("PORT")
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def build_hall(*, windows_count: int = WINDOWS, code: str = "BENCH", quiet: bool = False):
    from django.utils import timezone

    from queueing.models import Center, Queue, Ticket, TicketEvent, Window, WindowQueue, Zone

    rng = random.Random(7)
    center = Center.objects.create(code=code, name=f"基准测试政务服务中心 {code}")
    zones = [Zone.objects.create(center=center, code=f"Z{i}", name=f"{i + 1}号区") for i in range(ZONES)]
    queues = [
        Queue.objects.create(center=center, zone=zones[i % ZONES], prefix=chr(65 + i), name=f"业务{i + 1}")
        for i in range(QUEUES)
    ]
    windows = []
    for number in range(1, windows_count + 1):
        kind = Window.Kind.GENERAL if number % 10 == 0 else Window.Kind.SPECIALIZED
        windows.append(
            Window(center=center, zone=zones[number % ZONES], number=number, kind=kind, state=Window.State.OPEN)
        )
    windows = Window.objects.bulk_create(windows)
    WindowQueue.objects.bulk_create(
        [WindowQueue(window=w, queue=queues[(w.number + k) % QUEUES], weight=1 + k) for w in windows for k in range(2)]
    )
    now = timezone.now()
    today = timezone.localdate(now)
    opening = now - datetime.timedelta(hours=6)
    tickets, sequences = [], {q.pk: 0 for q in queues}
    busy_windows = iter(windows)
    for n in range(TICKETS):
        queue = queues[n % QUEUES]
        sequences[queue.pk] += 1
        issued = opening + datetime.timedelta(seconds=n * 6 * 3600 / TICKETS)
        ticket = Ticket(
            center=center,
            queue=queue,
            service_date=today,
            sequence=sequences[queue.pk],
            number=f"{queue.prefix}{sequences[queue.pk]:03d}",
            channel=Ticket.Channel.KIOSK,
            issued_at=issued,
            queued_at=issued,
            status=Ticket.Status.WAITING,
        )
        if n < TICKETS - 1500:
            window = windows[rng.randrange(windows_count)]
            ticket.window, ticket.called_at = window, issued + datetime.timedelta(minutes=rng.randint(1, 25))
            ticket.finished_at = ticket.called_at + datetime.timedelta(minutes=rng.randint(3, 20))
            ticket.status = Ticket.Status.FINISHED
        elif n >= TICKETS - 1500 and n < TICKETS - 1500 + windows_count:
            window = next(busy_windows)
            ticket.window, ticket.called_at, ticket.status = window, now, Ticket.Status.SERVING
        tickets.append(ticket)
    tickets = Ticket.objects.bulk_create(tickets, batch_size=2000)
    events = []
    for ticket in tickets:
        events.append(TicketEvent(ticket=ticket, kind=TicketEvent.Kind.ISSUED, at=ticket.issued_at))
        if ticket.called_at:
            events.append(
                TicketEvent(ticket=ticket, kind=TicketEvent.Kind.CALLED, at=ticket.called_at, window=ticket.window)
            )
    TicketEvent.objects.bulk_create(events, batch_size=5000)
    # A bulk load bypasses Ticket.save, which keeps the flow counters: build them as the periodic check would.
    from queueing.services.counters import counters_rebuild

    started = time.perf_counter()
    counters_rebuild(center_id=center.pk, service_date=today)
    if not quiet:
        print(f"flow counters rebuilt from {TICKETS} tickets in {(time.perf_counter() - started) * 1000:.0f} ms")
    return center


def timed(func, runs=RUNS) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        func()
    with CaptureQueriesContext(connection) as queries:
        func()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], len(queries)


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database named hall_bench… (it is dropped and created).")
    import django

    django.setup()
    recreate_database()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    center = build_hall()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built {WINDOWS} windows, {QUEUES} queues, {TICKETS} tickets in {time.perf_counter() - started:.1f} s")

    from dashboards.selectors import hall_snapshot
    from dashboards.selectors.deltas import Happened, center_delta
    from queueing.models import Ticket

    called = Ticket.objects.filter(center=center, status=Ticket.Status.SERVING).first()
    a_call = Happened(
        event="ticket_called",
        center_id=center.pk,
        ticket_id=called.pk,
        queue_id=called.queue_id,
        window_id=called.window_id,
    )
    measured = (
        ("public snapshot", lambda: hall_snapshot(center_id=center.pk)),
        ("supervisor snapshot", lambda: hall_snapshot(center_id=center.pk, supervisor=True)),
        ("delta of a call", lambda: center_delta(center_id=center.pk, batch=[a_call])),
        ("delta of 50 calls", lambda: center_delta(center_id=center.pk, batch=[a_call] * 50)),
    )
    for label, func in measured:
        median, p95, queries = timed(func)
        print(f"{label:20s} median {median:6.1f} ms   p95 {p95:6.1f} ms   {queries} queries")


def measure(*, windows: int, runs: int = RUNS) -> dict:
    """The public snapshot of a fresh centre with `windows` windows and 10,000 tickets (in the current database)."""
    from django.db import connection

    from dashboards.selectors import hall_snapshot

    center = build_hall(windows_count=windows, code=f"SNAP{windows}", quiet=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    median, p95, queries = timed(lambda: hall_snapshot(center_id=center.pk), runs=runs)
    return {
        "windows": windows,
        "tickets": TICKETS,
        "median_ms": round(median, 1),
        "p95_ms": round(p95, 1),
        "queries": queries,
    }


if __name__ == "__main__":
    main()
