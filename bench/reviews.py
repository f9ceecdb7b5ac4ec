"""Reviews (好差评) at a district's scale: N reviews over twelve months of one centre (served tickets written by COPY,
as the history holds them), then what the pages ask of them, each beside the floor.

- the figures of a month (the statistics page's totals, per day, per department, per clerk; the public results per
  matter) through evaluations' selectors, in process, beside the same aggregate written by hand and run on the
  cursor (the floor: what PostgreSQL itself needs);
- a year per month;
- giving a review (`review_submit`: checks, the suspicious-rating rules, the insert, a bad review's rectification,
  the push outbox), one after another in process, beside a bare INSERT of the same row in its own transaction.

`python -m bench` runs it (part `reviews`); alone, on a database named hall_bench*:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hall_bench_reviews .venv/bin/python bench/reviews.py 1000000
"""

import datetime
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings")

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEPARTMENTS = 12
WINDOWS = 60
MATTERS_PER_DEPARTMENT = 10
LEVELS = (5, 5, 5, 5, 5, 5, 5, 4, 4, 3, 3, 2, 1)  # mostly 非常满意; about one review in seven bad
RUNS = 30
SUBMITS = 300


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    """COPY `rows` (tuples in `columns` order; None is NULL) into `table`; every other column takes its type's empty
    value, as a row written through the models would."""
    cursor.execute(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = %s "
        "ORDER BY ordinal_position",
        [table],
    )
    filler = {"id": None}
    for name, data_type, nullable in cursor.fetchall():
        if name in columns or name == "id":
            continue
        if nullable == "YES":
            filler[name] = None
        elif data_type in ("integer", "smallint", "bigint"):
            filler[name] = 0
        elif data_type == "boolean":
            filler[name] = "f"
        elif data_type == "jsonb":
            filler[name] = "[]"
        else:
            filler[name] = ""
    extra = [name for name in filler if name != "id"]
    buffer = io.StringIO()
    for row in rows:
        values = [*row, *(filler[name] for name in extra)]
        buffer.write("\t".join("\\N" if v is None else str(v) for v in values) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join([*columns, *extra])}) FROM STDIN", buffer)


def seed(rows: int, *, last_day: datetime.date) -> dict:
    """A centre with DEPARTMENTS departments, their matters, WINDOWS windows with a clerk each, and `rows` reviewed
    tickets spread over the twelve months up to `last_day`; bad reviews with their rectification."""
    from django.db import connection, transaction

    from accounts.models import StaffMembership, StaffRole, User
    from centers.models import Center, Department, Zone
    from matters.models import CaseType, Matter, MatterType, ServiceObject, ServiceScope
    from queueing.models import Queue, Window

    started = time.perf_counter()
    with transaction.atomic():
        center = Center.objects.create(code="BENCHREV", name="好差评基准中心")
        zone = Zone.objects.create(center=center, code="R1", name="综合区")
        queue = Queue.objects.create(center=center, zone=zone, prefix="R", name="综合业务")
        departments = Department.objects.bulk_create(
            Department(code=f"RD{n:02d}", name=f"评价部门{n:02d}") for n in range(DEPARTMENTS)
        )
        matters = Matter.objects.bulk_create(
            Matter(
                basic_code=f"{900000 + d * 100 + m:06d}",
                implementation_code=f"11110000MB{d:04d}{m:04d}X{900000 + d * 100 + m:06d}{m:03d}",
                name=f"评价事项{d:02d}-{m:02d}",
                department=department,
                matter_type=MatterType.values[0],
                case_type=CaseType.INSTANT,
                service_object=ServiceObject.values[0],
                scope=ServiceScope.values[0],
            )
            for d, department in enumerate(departments)
            for m in range(MATTERS_PER_DEPARTMENT)
        )
        windows = Window.objects.bulk_create(
            Window(center=center, zone=zone, number=n + 1, department=departments[n % DEPARTMENTS])
            for n in range(WINDOWS)
        )
        clerks = []
        for window in windows:
            clerk = User.objects.create(username=f"bench-rev-{window.number}", kind="staff")
            StaffMembership.objects.create(user=clerk, center=center, role=StaffRole.CLERK)
            clerks.append(clerk)
    rng = random.Random(11)
    days = [last_day - datetime.timedelta(days=n) for n in range(365)]
    by_department = {d.pk: [m for m in matters if m.department_id == d.pk] for d in departments}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM queueing_ticket")
        (first_ticket,) = cursor.fetchone()
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM evaluations_review")
        (first_review,) = cursor.fetchone()
        tickets, reviews, rectifications = [], [], []
        sequences: dict[datetime.date, int] = {}
        for n in range(rows):
            day = days[-1 - n * len(days) // rows]  # oldest first: the table grows as a hall's does, day by day
            sequence = sequences[day] = sequences.get(day, 0) + 1
            slot = rng.randrange(WINDOWS)
            window, clerk = windows[slot], clerks[slot]
            matter = rng.choice(by_department[window.department_id])
            called = datetime.datetime.combine(day, datetime.time(9), SHANGHAI) + datetime.timedelta(
                seconds=rng.randrange(7 * 3600)
            )
            finished = called + datetime.timedelta(seconds=rng.randrange(120, 1800))
            rated = finished + datetime.timedelta(seconds=rng.randrange(30, 600))
            ticket_id, review_id = first_ticket + n + 1, first_review + n + 1
            tickets.append(
                (
                    ticket_id,
                    center.pk,
                    queue.pk,
                    matter.pk,
                    day,
                    sequence,
                    f"R{sequence:05d}",
                    "kiosk",
                    "finished",
                    called,
                    called,
                    window.pk,
                    clerk.pk,
                    called,
                    called,
                    called,
                    finished,
                )
            )
            level = rng.choice(LEVELS)
            is_default = rng.random() < 0.2 and level == 3
            reviews.append(
                (
                    review_id,
                    ticket_id,
                    "service",
                    "default" if is_default else "evaluator",
                    level,
                    "{}",
                    "[]",
                    "t" if is_default else "f",
                    center.pk,
                    window.department_id,
                    matter.pk,
                    window.pk,
                    clerk.pk,
                    finished,
                    rated,
                    timezone_date(rated),
                    "[]",
                    "f",
                    "f",
                )
            )
            if level <= 2:
                done = rng.random() < 0.8
                rectifications.append(
                    (review_id, window.department_id, center.pk, "called_back" if done else "open", rated, day, day)
                )
        _copy(
            cursor,
            "queueing_ticket",
            [
                "id",
                "center_id",
                "queue_id",
                "matter_id",
                "service_date",
                "sequence",
                "number",
                "channel",
                "status",
                "issued_at",
                "queued_at",
                "window_id",
                "clerk_id",
                "first_called_at",
                "called_at",
                "started_at",
                "finished_at",
            ],
            tickets,
        )
        _copy(
            cursor,
            "evaluations_review",
            [
                "id",
                "ticket_id",
                "stage",
                "channel",
                "level",
                "scores",
                "tags",
                "is_default",
                "center_id",
                "department_id",
                "matter_id",
                "window_id",
                "clerk_id",
                "served_at",
                "rated_at",
                "rated_on",
                "suspicious",
                "is_suspicious",
                "excluded",
            ],
            reviews,
        )
        _copy(
            cursor,
            "evaluations_rectification",
            ["review_id", "department_id", "center_id", "status", "opened_at", "callback_due", "rectify_due"],
            rectifications,
        )
        for table in ("queueing_ticket", "evaluations_review"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        cursor.execute("ANALYZE queueing_ticket, evaluations_review, evaluations_rectification")
    return {
        "center_id": center.pk,
        "queue_id": queue.pk,
        "windows": [(w.pk, c.pk) for w, c in zip(windows, clerks, strict=True)],
        "matters": [m.pk for m in matters],
        "seconds": round(time.perf_counter() - started, 1),
        "bad": len(rectifications),
    }


def timezone_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(SHANGHAI).date()


def _timed(func, runs: int = RUNS) -> dict:
    func()  # warm: the first run pays for plans and caches the pages will have paid for long before
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        durations.append(time.perf_counter() - started)
    durations.sort()
    return {
        "p50_ms": round(statistics.median(durations) * 1000, 2),
        "p95_ms": round(durations[max(0, int(len(durations) * 0.95) - 1)] * 1000, 2),
    }


# The floor: the figures per group as PostgreSQL computes them from a hand-written statement, in the better of two
# forms for the range: a short range asks the rectification of each bad review by its unique index, a long one
# joins them all at once.
FLOOR_SQL = """
SELECT r.{column},
       count(*) FILTER (WHERE NOT r.is_suspicious),
       count(*) FILTER (WHERE NOT r.is_suspicious AND r.level >= 3),
       count(*) FILTER (WHERE NOT r.is_suspicious AND r.level <= 2),
       count(*) FILTER (WHERE NOT r.is_suspicious AND r.is_default),
       count(*) FILTER (WHERE NOT r.is_suspicious AND r.level <= 2 AND {rectified}),
       count(*) FILTER (WHERE NOT r.is_suspicious AND r.level <= 2 AND {called_back}),
       count(*) FILTER (WHERE r.is_suspicious)
FROM evaluations_review r {join}
WHERE r.center_id = %s AND r.rated_on BETWEEN %s AND %s AND NOT r.excluded
GROUP BY 1
"""
SHORT = {
    "join": "",
    "rectified": "EXISTS (SELECT FROM evaluations_rectification x WHERE x.review_id = r.id"
    " AND x.status IN ('rectified', 'called_back'))",
    "called_back": "EXISTS (SELECT FROM evaluations_rectification x WHERE x.review_id = r.id"
    " AND x.status = 'called_back')",
}
LONG = {
    "join": "LEFT JOIN evaluations_rectification x ON x.review_id = r.id",
    "rectified": "x.status IN ('rectified', 'called_back')",
    "called_back": "x.status = 'called_back'",
}


def figures(center_id: int, *, last_day: datetime.date) -> dict:
    from django.db import connection

    from evaluations.reports import rows_by_group, rows_by_period, total
    from evaluations.selectors import reviews_between

    first = last_day.replace(day=1)
    year_first = (last_day.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    month = reviews_between(first=first, last=last_day, center_ids=[center_id])
    year = reviews_between(first=year_first, last=last_day, center_ids=[center_id])

    def floor(column: str, start: datetime.date, form: dict):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(FLOOR_SQL.format(column=column, **form), [center_id, start, last_day])
                cursor.fetchall()

        return run

    return {
        "month_reviews": month.count(),
        "year_reviews": year.count(),
        "month_total": _timed(lambda: total(month)),
        "month_per_day": _timed(lambda: rows_by_period(month, period="day")),
        "month_per_department": _timed(lambda: rows_by_group(month, group="department")),
        "month_per_clerk": _timed(lambda: rows_by_group(month, group="clerk")),
        "month_per_matter": _timed(lambda: rows_by_group(month, group="matter")),
        "year_per_month": _timed(lambda: rows_by_period(year, period="month", long_range=True), runs=10),
        "floor_month_per_department": _timed(floor("department_id", first, SHORT)),
        "floor_month_per_clerk": _timed(floor("clerk_id", first, SHORT)),
        "floor_year_per_department": _timed(floor("department_id", year_first, LONG), runs=10),
    }


def submitting(world: dict, *, count: int = SUBMITS) -> dict:
    """`count` reviews given one after another through review_submit (each its own transaction, as each citizen's
    request is), of tickets finished a minute before; beside a bare INSERT of the same row per transaction."""
    from django.db import connection, transaction
    from django.utils import timezone

    from evaluations.models import Review
    from evaluations.services.reviews import rated_ticket, review_submit
    from queueing.models import Ticket

    now = timezone.now()
    today = timezone.localdate(now)
    window_id, clerk_id = world["windows"][0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(MAX(sequence), 0) FROM queueing_ticket WHERE queue_id = %s AND service_date = %s",
            [world["queue_id"], today],
        )
        (base,) = cursor.fetchone()
    tickets = Ticket.objects.bulk_create(
        Ticket(
            center_id=world["center_id"],
            queue_id=world["queue_id"],
            matter_id=world["matters"][0],
            service_date=today,
            sequence=base + n + 1,
            number=f"R{base + n + 1:05d}",
            channel="kiosk",
            status="finished",
            issued_at=now,
            queued_at=now,
            window_id=window_id,
            clerk_id=clerk_id,
            first_called_at=now - datetime.timedelta(minutes=10),
            called_at=now - datetime.timedelta(minutes=10),
            finished_at=now - datetime.timedelta(minutes=1),
        )
        for n in range(count * 2)
    )
    rng = random.Random(3)
    hall_tickets, floor_tickets = tickets[:count], tickets[count:]
    started = time.perf_counter()
    for ticket in Ticket.objects.select_related("window", "matter").filter(pk__in=[t.pk for t in hall_tickets]):
        review_submit(rated=rated_ticket(ticket), channel="qr", level=rng.choice(LEVELS), source=f"bench:{ticket.pk}")
    hall_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for ticket in floor_tickets:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO evaluations_review (ticket_id, stage, channel, level, scores, tags, comment, is_default,"
                " center_id, department_id, matter_id, window_id, clerk_id, source, served_at, rated_at, rated_on,"
                " suspicious, is_suspicious, excluded) VALUES (%s, 'service', 'qr', %s, '{}', '[]', '', false, %s,"
                " NULL, %s, %s, %s, '', %s, %s, %s, '[]', false, false)",
                [
                    ticket.pk,
                    rng.choice(LEVELS),
                    world["center_id"],
                    world["matters"][0],
                    window_id,
                    clerk_id,
                    ticket.finished_at,
                    now,
                    today,
                ],
            )
    floor_seconds = time.perf_counter() - started
    assert Review.objects.filter(ticket__in=hall_tickets).count() == count
    return {
        "reviews": count,
        "per_second": round(count / hall_seconds),
        "ms_each": round(hall_seconds / count * 1000, 2),
        "floor_per_second": round(count / floor_seconds),
        "floor_ms_each": round(floor_seconds / count * 1000, 2),
    }


def measure(*, rows: int) -> dict:
    from django.utils import timezone

    last_day = timezone.localdate()
    world = seed(rows, last_day=last_day)
    return {
        "rows": rows,
        "seed_seconds": world["seconds"],
        "bad": world["bad"],
        "figures": figures(world["center_id"], last_day=last_day),
        "submit": submitting(world),
    }


if __name__ == "__main__":
    from bench import run_alone

    run_alone(measure, default_rows=100_000)
